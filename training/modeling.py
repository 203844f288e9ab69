"""Build the Isnad token-classification model from any encoder and compute its per-family loss."""

from __future__ import annotations

from pathlib import Path

import torch
from torch.nn import functional as F

from isnad.alignment import IGNORE_INDEX
from isnad.labels import schema_to_mapping
from isnad.layout import HeadLayout


def init_model(base: str | Path, layout: HeadLayout, max_length: int, normalizer: str | None = None):
    """Load an encoder (folder or Hub id) with a fresh Isnad head; labels go into config.json."""
    from transformers import AutoModelForTokenClassification

    labels = layout.labels()
    model = AutoModelForTokenClassification.from_pretrained(
        base,
        num_labels=len(labels),
        id2label=dict(enumerate(labels)),
        label2id={label: i for i, label in enumerate(labels)},
        trust_remote_code=False,
    )
    model.config.isnad = {"schema_version": "1", "max_length": max_length, "normalizer": normalizer}
    if not layout.is_isnad_schema:
        model.config.isnad["families"] = schema_to_mapping(layout.families)
    return model


def family_loss(
    logits: torch.Tensor,
    labels: torch.Tensor,
    layout: HeadLayout,
    weights: list[float] | None = None,
    o_tag_weight: float = 1.0,
) -> torch.Tensor:
    """Sum over families of the cross-entropy inside each family's logit block.

    labels is (batch, length, families) with IGNORE_INDEX where no word label sits. o_tag_weight < 1
    down-weights the "O" tag against the rare span tags (class weighting inside each block).
    """
    total = logits.new_zeros(())
    for f, block in enumerate(layout.blocks):
        part = logits[..., block.start : block.stop].reshape(-1, len(block.tags))
        target = labels[..., f].reshape(-1)
        if (target != IGNORE_INDEX).any():
            tag_weights = None
            if o_tag_weight != 1.0:
                tag_weights = torch.ones(len(block.tags), device=part.device)
                tag_weights[0] = o_tag_weight
            loss = F.cross_entropy(part.float(), target, weight=tag_weights, ignore_index=IGNORE_INDEX)
            total = total + (weights[f] if weights else 1.0) * loss
    return total
