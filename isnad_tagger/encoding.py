"""Text -> model inputs, shared by training and inference: pre-tokens, per-pre-token subwords, windows.

The text is cut into pre-tokens (isnad_tagger.words); each pre-token is tokenized on its own, so every
subword belongs to exactly one pre-token and offsets are exact by construction (no offset-mapping
guesswork around SentencePiece's lone "▁"). A word's label sits on one subword: its first piece
that is not a bare word-start marker. Windows cover the whole text (never truncated) and overlap.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

from isnad_tagger.words import Token, pretokenize

# Cap on subwords kept per pre-token: only the label piece is read, the rest is context. It bounds
# a window's cost when a "word" is a 5,000-character run of letters (scraped junk, URLs).
MAX_PIECES_PER_TOKEN = 16

Normalizer = Callable[[str], str]


@dataclass
class EncodedText:
    """A text cut into pre-tokens, each with its subword ids and the index of its label piece."""

    tokens: list[Token]
    pieces: list[list[int]]
    label_piece: list[int]

    @property
    def words(self) -> list[Token]:
        return [t for t in self.tokens if t.is_word]


def _bare_marker_ids(tokenizer) -> set[int]:
    ids = set()
    for marker in ("▁", "Ġ"):
        token_id = tokenizer.convert_tokens_to_ids(marker)
        if token_id is not None and token_id != tokenizer.unk_token_id:
            ids.add(token_id)
    return ids


def encode_text(text: str, tokenizer, normalizer: Normalizer | None = None) -> EncodedText:
    """Pre-tokenize and tokenize each pre-token; an optional normalizer rewrites pre-token strings
    (e.g. AraBERT's diacritic removal) without touching offsets, which stay on the original text."""
    tokens = pretokenize(text)
    strings = [text[t.start : t.end] for t in tokens]
    if normalizer is not None:
        strings = [normalizer(s) for s in strings]
    ids = tokenizer(strings, add_special_tokens=False)["input_ids"] if strings else []
    markers = _bare_marker_ids(tokenizer)
    pieces, label_piece = [], []
    for token_ids in ids:
        token_ids = list(token_ids[:MAX_PIECES_PER_TOKEN]) or [tokenizer.unk_token_id]
        position = next((i for i, t in enumerate(token_ids) if t not in markers), 0)
        pieces.append(token_ids)
        label_piece.append(position)
    return EncodedText(tokens, pieces, label_piece)


def plan_windows(piece_counts: Sequence[int], budget: int, stride: int) -> list[tuple[int, int]]:
    """Cover all pre-tokens with [start, end) windows of at most `budget` pieces that overlap by
    about `stride` pieces; every pre-token lands in at least one window."""
    if budget < MAX_PIECES_PER_TOKEN:
        raise ValueError(f"window budget {budget} is below {MAX_PIECES_PER_TOKEN} pieces")
    windows: list[tuple[int, int]] = []
    n = len(piece_counts)
    start = 0
    while start < n:
        end, used = start, 0
        while end < n and used + piece_counts[end] <= budget:
            used += piece_counts[end]
            end += 1
        windows.append((start, end))
        if end >= n:
            break
        next_start, overlap = end, 0
        while next_start - 1 > start and overlap + piece_counts[next_start - 1] <= stride:
            next_start -= 1
            overlap += piece_counts[next_start]
        start = next_start
    return windows


@dataclass
class Window:
    """One model input: ids with special tokens, and for each word in it, its piece position."""

    input_ids: list[int]
    word_indices: list[int]  # indices into EncodedText.words
    positions: list[int]  # positions in input_ids of those words' label pieces
    centrality: list[int]  # distance (in pre-tokens) of each word from the nearer window edge


def build_windows(encoded: EncodedText, tokenizer, max_length: int, stride: int) -> list[Window]:
    cls_id, sep_id = special_ids(tokenizer)
    counts = [len(p) for p in encoded.pieces]
    word_index_of_token, k = [], 0
    for token in encoded.tokens:
        word_index_of_token.append(k if token.is_word else -1)
        k += token.is_word
    windows = []
    for start, end in plan_windows(counts, max_length - 2, stride):
        body: list[int] = []
        offsets = []
        for i in range(start, end):
            offsets.append(len(body))
            body.extend(encoded.pieces[i])
        window = Window([cls_id, *body, sep_id], [], [], [])
        for i in range(start, end):
            if word_index_of_token[i] >= 0:
                window.word_indices.append(word_index_of_token[i])
                window.positions.append(1 + offsets[i - start] + encoded.label_piece[i])
                window.centrality.append(min(i - start, end - 1 - i))
        windows.append(window)
    return windows


def special_ids(tokenizer) -> tuple[int, int]:
    """The ids framing every window: [CLS] ... [SEP] for BERT, <s> ... </s> for XLM-R."""
    cls_id, sep_id = tokenizer.cls_token_id, tokenizer.sep_token_id
    if cls_id is None or sep_id is None:
        raise ValueError(
            f"{type(tokenizer).__name__} has no cls/sep tokens; Isnad needs an encoder tokenizer "
            "(BERT WordPiece or XLM-R SentencePiece)"
        )
    return cls_id, sep_id
