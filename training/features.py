"""Records -> model windows with per-family word labels, through `datasets.map`."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from isnad.alignment import IGNORE_INDEX, build_windows, encode_text, window_labels, word_bio
from isnad.layout import HeadLayout
from isnad.normalize import get_normalizer
from isnad.spans import Span


def featurize(batch: dict[str, list], tokenizer, layout: HeadLayout, max_length: int, stride: int, normalizer: str | None) -> dict[str, list]:
    """Batched map function: each record becomes one or more windows (never truncated)."""
    normalize = get_normalizer(normalizer)
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
        for window in build_windows(encoded, tokenizer, max_length, stride):
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
