"""Character spans <-> word BIO layers <-> subword positions, with windows over long texts.

The text is cut into pre-tokens (isnad.words); each pre-token is tokenized on its own, so every
subword belongs to exactly one pre-token and offsets are exact by construction (no offset-mapping
guesswork around SentencePiece's lone "▁"). A word's label sits on one subword: its first piece
that is not a bare word-start marker. Windows cover the whole text (never truncated) and overlap.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from isnad.labels import Family
from isnad.layout import HeadLayout
from isnad.spans import Span
from isnad.words import Token, pretokenize

IGNORE_INDEX = -100
# Cap on subwords kept per pre-token: only the label piece is read, the rest is context. It bounds
# a window's cost when a "word" is a 5,000-character run of letters (scraped junk, URLs).
MAX_PIECES_PER_TOKEN = 16

Normalizer = Callable[[str], str]


# ---- spans <-> word BIO tags -------------------------------------------------------------------

def word_bio(tokens: Sequence[Token], spans: Sequence[Span], family: Family) -> list[str]:
    """BIO tags for the word tokens of one family; spans must lie on word boundaries."""
    words = [t for t in tokens if t.is_word]
    tags = ["O"] * len(words)
    starts = {t.start: i for i, t in enumerate(words)}
    ends = {t.end: i for i, t in enumerate(words)}
    for span in spans:
        if span.label != family.name:
            continue
        first, last = starts.get(span.start), ends.get(span.end)
        if first is None or last is None or last < first:
            raise ValueError(f"span {span.start}-{span.end} is not on word boundaries")
        kind = family.tag_kind(span.type)
        tags[first] = f"B-{kind}"
        for i in range(first + 1, last + 1):
            tags[i] = f"I-{kind}"
    return tags


def bio_to_spans(
    words: Sequence[Token], tags: Sequence[str], family: Family, scores: Sequence[float] | None = None
) -> list[Span]:
    """Word BIO tags -> character spans; an I- that does not continue a span starts one (repair)."""
    spans: list[Span] = []
    open_kind: str | None = None
    first = 0

    def close(last: int) -> None:
        score = float(np.mean(scores[first : last + 1])) if scores is not None else None
        spans.append(Span(words[first].start, words[last].end, family.name, family.type_of_kind(open_kind), score))  # type: ignore[arg-type]

    for i, tag in enumerate(tags):
        prefix, _, kind = tag.partition("-")
        if prefix == "I" and open_kind == kind:
            continue
        if open_kind is not None:
            close(i - 1)
            open_kind = None
        if prefix in ("B", "I"):
            open_kind, first = kind, i
    if open_kind is not None:
        close(len(tags) - 1)
    return spans


# ---- pre-tokens -> subword pieces -> windows -----------------------------------------------------

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


def window_labels(window: Window, word_tags: list[list[int]], length: int) -> np.ndarray:
    """Training labels (length, families): each family's tag index at label pieces, else ignored."""
    labels = np.full((length, len(word_tags)), IGNORE_INDEX, dtype=np.int64)
    for word, position in zip(window.word_indices, window.positions):
        for f, tags in enumerate(word_tags):
            labels[position, f] = tags[word]
    return labels


def merge_window_logits(
    n_words: int, windows: Sequence[Window], window_logits: Sequence[np.ndarray], num_labels: int
) -> np.ndarray:
    """Per-word logits, each taken from the window where the word has the most context around it."""
    merged = np.zeros((n_words, num_labels), dtype=np.float32)
    best = np.full(n_words, -1)
    for window, logits in zip(windows, window_logits):
        for word, position, centrality in zip(window.word_indices, window.positions, window.centrality):
            if centrality > best[word]:
                best[word] = centrality
                merged[word] = logits[position]
    return merged


def decode_words(
    words: Sequence[Token], word_logits: np.ndarray, layout: HeadLayout, temperatures: dict[str, float] | None = None
) -> list[Span]:
    """Per-word logits -> spans of every family, scored by the mean probability of their tags."""
    spans: list[Span] = []
    if not words:
        return spans
    for block, probs in zip(layout.blocks, layout.block_probabilities(word_logits, temperatures)):
        best = probs.argmax(axis=-1)
        tags = [block.tags[i] for i in best]
        spans.extend(bio_to_spans(words, tags, block.family, probs.max(axis=-1).tolist()))
    return sorted(spans, key=lambda s: (s.start, s.end, s.label))
