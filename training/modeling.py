"""Build the Isnad token-classification model from any encoder and compute its per-family loss."""

from __future__ import annotations

from pathlib import Path

import torch
from torch.nn import functional as F

from isnad_tagger.contract import Contract
from isnad_tagger.layout import HeadLayout
from isnad_tagger.training.features import IGNORE_INDEX


def init_model(base: str | Path, contract: Contract):
    """Load an encoder (folder or Hub id) with a fresh head for the contract's labels; the contract
    goes into config.json, so the checkpoint reads back with the same labels and windows."""
    from transformers import AutoModelForTokenClassification

    labels = contract.layout.labels()
    model = AutoModelForTokenClassification.from_pretrained(
        base,
        num_labels=len(labels),
        id2label=dict(enumerate(labels)),
        label2id={label: i for i, label in enumerate(labels)},
        trust_remote_code=False,
    )
    contract.to_config(model.config)
    return model


def tag_weights(layout: HeadLayout, o_tag_weight: float, device: torch.device | None = None) -> list[torch.Tensor]:
    """Per family block, the class weight of each tag: o_tag_weight for "O" (index 0), 1 for the rest."""
    out = []
    for block in layout.blocks:
        weights = torch.ones(len(block.tags), device=device)
        weights[0] = o_tag_weight
        out.append(weights)
    return out


def target_weight_totals(labels: torch.Tensor, layout: HeadLayout, o_tag_weight: float) -> torch.Tensor:
    """(families,) sum of class weights over the supervised positions of a (batch, length, families)
    label grid: the denominator of each family's weighted mean cross-entropy."""
    totals = []
    for f, weights in enumerate(tag_weights(layout, o_tag_weight, labels.device)):
        target = labels[..., f].reshape(-1)
        valid = target != IGNORE_INDEX
        totals.append(weights[target[valid]].sum() if valid.any() else weights.new_zeros(()))
    return torch.stack(totals)


def family_loss(
    logits: torch.Tensor,
    labels: torch.Tensor,
    layout: HeadLayout,
    weights: list[float] | None = None,
    o_tag_weight: float = 1.0,
    totals: torch.Tensor | None = None,
) -> torch.Tensor:
    """Sum over families of the class-weighted cross-entropy inside each family's logit block.

    labels is (batch, length, families) with IGNORE_INDEX where no word label sits. o_tag_weight < 1
    down-weights the "O" tag against the rare span tags. Each family's summed loss is divided by
    `totals[f]` (its target weight over the whole accumulated batch, so k micro-batches give the same
    update as one batch k times larger), or by this batch's own total when `totals` is None.
    """
    totals = target_weight_totals(labels, layout, o_tag_weight) if totals is None else totals
    total = logits.new_zeros(())
    for f, (block, class_weights) in enumerate(zip(layout.blocks, tag_weights(layout, o_tag_weight, logits.device))):
        part = logits[..., block.start : block.stop].reshape(-1, len(block.tags))
        target = labels[..., f].reshape(-1)
        if not (target != IGNORE_INDEX).any() or totals[f] <= 0:
            continue
        summed = F.cross_entropy(part.float(), target, weight=class_weights, ignore_index=IGNORE_INDEX, reduction="sum")
        total = total + (weights[f] if weights else 1.0) * summed / totals[f]
    return total
