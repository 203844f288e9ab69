"""Model outputs -> spans, the one decoder: window merge, block softmax with temperature, BIO -> spans.

Inference (Tagger), calibration and the ANERcorp tools all decode through here, so a repair rule or a
score definition cannot differ between them. A span's score is the mean probability of its words' tags.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np

from isnad_tagger.encoding import Window
from isnad_tagger.labels import Family
from isnad_tagger.layout import Block, HeadLayout
from isnad_tagger.spans import Span
from isnad_tagger.words import Token


def bio_segments(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """BIO tags -> (first, stop, kind) runs, stop exclusive; an I- that does not continue the open run
    of its kind starts a new one (repair), so any tag sequence decodes."""
    segments: list[tuple[int, int, str]] = []
    open_kind: str | None = None
    first = 0
    for i, tag in enumerate(tags):
        prefix, _, kind = tag.partition("-")
        if prefix == "I" and open_kind == kind:
            continue
        if open_kind is not None:
            segments.append((first, i, open_kind))
            open_kind = None
        if prefix in ("B", "I"):
            open_kind, first = kind, i
    if open_kind is not None:
        segments.append((first, len(tags), open_kind))
    return segments


def bio_to_spans(
    words: Sequence[Token], tags: Sequence[str], family: Family, scores: Sequence[float] | None = None
) -> list[Span]:
    """Word BIO tags of one family -> character spans, scored by the mean of their words' scores."""
    spans = []
    for first, stop, kind in bio_segments(tags):
        score = float(np.mean(scores[first:stop])) if scores is not None else None
        spans.append(Span(words[first].start, words[stop - 1].end, family.name, family.type_of_kind(kind), score))
    return spans


def block_probabilities(logits: np.ndarray, block: Block, temperature: float = 1.0) -> np.ndarray:
    """Softmax inside one family block of logits shaped (..., num_labels); the family's temperature
    (fitted on dev, see isnad_tagger.training.calibrate) divides its logits first."""
    part = logits[..., block.start : block.stop].astype(np.float64) / temperature
    part = np.exp(part - part.max(axis=-1, keepdims=True))
    return part / part.sum(axis=-1, keepdims=True)


DECODINGS = ("argmax", "viterbi")


def _transitions(tags: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """(allowed[prev, cur], allowed_first[cur]) for BIO: an I-x only continues a B-x or I-x."""
    kinds = [tag.partition("-") for tag in tags]
    allowed = np.ones((len(tags), len(tags)), dtype=bool)
    first = np.ones(len(tags), dtype=bool)
    for j, (prefix, _, kind) in enumerate(kinds):
        if prefix == "I":
            first[j] = False
            allowed[:, j] = [p in ("B", "I") and k == kind for p, _, k in kinds]
    return allowed, first


def viterbi_tags(probs: np.ndarray, tags: Sequence[str]) -> np.ndarray:
    """The most probable tag sequence (product of the words' tag probabilities) among valid BIO ones:
    no I-x after O or after another type, so a span never splits into type fragments. Hand-written
    because the head predicts each word independently (no CRF layer to decode with)."""
    allowed, first = _transitions(tags)
    penalty = np.where(allowed, 0.0, -np.inf)
    log_probs = np.log(np.clip(probs, 1e-12, None))
    score = np.where(first, log_probs[0], -np.inf)
    back = np.zeros(probs.shape, dtype=np.int64)
    for t in range(1, len(probs)):
        total = score[:, None] + penalty  # (previous tag, current tag)
        back[t] = total.argmax(axis=0)
        score = total[back[t], np.arange(len(tags))] + log_probs[t]
    path = np.empty(len(probs), dtype=np.int64)
    path[-1] = int(score.argmax())
    for t in range(len(probs) - 1, 0, -1):
        path[t - 1] = back[t, path[t]]
    return path


def decode_block(words: Sequence[Token], word_logits: np.ndarray, block: Block, temperature: float = 1.0,
                 decoding: str = "argmax") -> list[Span]:
    """Spans of one family from per-word logits: each word's most probable tag (`argmax`, repaired by
    bio_segments) or the most probable valid sequence (`viterbi`)."""
    probs = block_probabilities(word_logits, block, temperature)
    # The path is chosen on untempered probabilities, so calibration changes scores, never extents.
    if decoding == "viterbi":
        best = viterbi_tags(probs if temperature == 1.0 else block_probabilities(word_logits, block), block.tags)
    else:
        best = probs.argmax(axis=-1)
    tags = [block.tags[i] for i in best]
    return bio_to_spans(words, tags, block.family, probs[np.arange(len(best)), best].tolist())


def decode_words(
    words: Sequence[Token], word_logits: np.ndarray, layout: HeadLayout, temperatures: Mapping[str, float] | None = None,
    decoding: str = "argmax",
) -> list[Span]:
    """Per-word logits -> spans of every family, sorted by position."""
    if not words:
        return []
    spans = [
        span
        for block in layout.blocks
        for span in decode_block(words, word_logits, block, (temperatures or {}).get(block.family.name, 1.0), decoding)
    ]
    return sorted(spans, key=lambda s: (s.start, s.end, s.label))


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
