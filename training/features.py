"""Records -> model windows with per-family word labels, through `datasets.map`.

Encoding (pre-tokens, subwords, windows) is isnad_tagger.encoding, shared with inference; what only training
needs — spans as word BIO tags, and labels on the windows' label pieces — lives here.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import torch

from isnad_tagger.encoding import Window, build_windows, encode_text
from isnad_tagger.labels import Family
from isnad_tagger.contract import Contract
from isnad_tagger.normalize import get_normalizer
from isnad_tagger.spans import Span
from isnad_tagger.words import Token

IGNORE_INDEX = -100


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


def window_labels(window: Window, word_tags: list[list[int]], length: int) -> np.ndarray:
    """Training labels (length, families): each family's tag index at label pieces, else ignored."""
    labels = np.full((length, len(word_tags)), IGNORE_INDEX, dtype=np.int64)
    for word, position in zip(window.word_indices, window.positions):
        for f, tags in enumerate(word_tags):
            labels[position, f] = tags[word]
    return labels


def featurize(batch: dict[str, list], tokenizer, contract: Contract) -> dict[str, list]:
    """Batched map function: each record becomes one or more windows (never truncated), cut exactly as
    the checkpoint's contract will cut them at inference."""
    normalize = get_normalizer(contract.normalizer)
    layout = contract.layout
    out: dict[str, list[Any]] = {"input_ids": [], "labels": [], "record_id": []}
    supervised = batch.get("families") or [None] * len(batch["id"])
    for record_id, text, raw_spans, families in zip(batch["id"], batch["text"], batch["spans"], supervised):
        spans = [Span(s["start"], s["end"], s["label"], s["type"]) for s in raw_spans]
        encoded = encode_text(text, tokenizer, normalize)
        tags = []
        for block in layout.blocks:
            index = {tag: i for i, tag in enumerate(block.tags)}
            if families and block.family.name not in families:
                # A partially annotated source (e.g. ANERcorp: ACTOR only) says nothing about the
                # other families: their words get no label, not "O".
                tags.append([IGNORE_INDEX] * sum(t.is_word for t in encoded.tokens))
                continue
            tags.append([index[t] for t in word_bio(encoded.tokens, spans, block.family)])
        for window in build_windows(encoded, tokenizer, contract.max_length, contract.stride):
            out["input_ids"].append(window.input_ids)
            out["labels"].append(window_labels(window, tags, len(window.input_ids)).tolist())
            out["record_id"].append(record_id)
    return out


class WindowCollator:
    """Pads ids and (length, families) label grids; transformers' token-classification collator
    pads only 1-D labels, hence this one."""

    def __init__(self, pad_token_id: int) -> None:
        self.pad_token_id = pad_token_id

    def __call__(self, rows: list[dict[str, Any]]) -> dict[str, torch.Tensor]:
        longest = max(len(r["input_ids"]) for r in rows)
        families = len(rows[0]["labels"][0])
        ids = np.full((len(rows), longest), self.pad_token_id, dtype=np.int64)
        mask = np.zeros((len(rows), longest), dtype=np.int64)
        labels = np.full((len(rows), longest, families), IGNORE_INDEX, dtype=np.int64)
        for i, row in enumerate(rows):
            n = len(row["input_ids"])
            ids[i, :n] = row["input_ids"]
            mask[i, :n] = 1
            labels[i, :n] = row["labels"]
        return {"input_ids": torch.from_numpy(ids), "attention_mask": torch.from_numpy(mask), "labels": torch.from_numpy(labels)}
