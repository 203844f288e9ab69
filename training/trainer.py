"""A thin transformers Trainer: per-family loss, word-level seqeval during training.

Gradient accumulation: the Trainer counts "items" per accumulated batch for models whose forward takes
**kwargs (BERT does in transformers 5) and then does not divide the loss by the accumulation steps.
Our loss is a per-family weighted mean, so the count it needs is per family and class-weighted; the
two hooks below supply it, which makes k micro-batches of b exactly one batch of k*b.
"""

from __future__ import annotations

import numpy as np
from seqeval.metrics import f1_score
from transformers import Trainer

from isnad_tagger.layout import HeadLayout
from isnad_tagger.training.features import IGNORE_INDEX
from isnad_tagger.training.modeling import family_loss, target_weight_totals


class IsnadTrainer(Trainer):
    # compute_loss divides by the accumulated batch's totals, so the Trainer must not divide again.
    loss_is_scaled_for_ga = True

    def __init__(self, *args, layout: HeadLayout, family_weights: list[float] | None = None, o_tag_weight: float = 1.0, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.layout = layout
        self.family_weights = family_weights
        self.o_tag_weight = o_tag_weight

    def evaluate(self, *args, **kwargs):
        """Evaluation must not move the training RNG, or a run resumed from a checkpoint (which
        skips the evaluation done just before saving) would diverge from an uninterrupted one."""
        import random

        import torch

        python_state, numpy_state = random.getstate(), np.random.get_state()
        devices = list(range(torch.cuda.device_count())) if torch.cuda.is_available() else []
        with torch.random.fork_rng(devices=devices):
            result = super().evaluate(*args, **kwargs)
        random.setstate(python_state)
        np.random.set_state(numpy_state)
        return result

    def _get_num_items_in_batch(self, batch_samples: list, device):
        """Per-family class-weighted target totals over the given micro-batches: the denominators of
        family_loss (the Trainer's own count is one number over all families, unweighted)."""
        if not batch_samples or "labels" not in batch_samples[0]:
            return None
        return sum(target_weight_totals(b["labels"], self.layout, self.o_tag_weight) for b in batch_samples).to(device)

    def get_batch_samples(self, epoch_iterator, num_batches: int, device):
        """One optimizer step's micro-batches; under several processes the totals cover all ranks."""
        batch_samples, totals = super().get_batch_samples(epoch_iterator, num_batches, device)
        if totals is not None and self.args.world_size > 1:
            totals = self.accelerator.gather(totals.unsqueeze(0)).sum(dim=0)
        return batch_samples, totals

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        labels = inputs.pop("labels")
        outputs = model(**inputs)
        loss = family_loss(outputs.logits, labels, self.layout, self.family_weights, self.o_tag_weight, totals=num_items_in_batch)
        if num_items_in_batch is not None and model.training and self.args.world_size > 1:
            loss = loss * self.args.world_size  # DDP averages gradients over ranks; the totals are global
        return (loss, outputs) if return_outputs else loss


def word_level_metrics(layout: HeadLayout):
    """compute_metrics for Trainer: seqeval F1 per family on the label pieces of eval windows."""

    def compute(eval_pred) -> dict[str, float]:
        logits, labels = eval_pred.predictions, eval_pred.label_ids
        result = {}
        for f, block in enumerate(layout.blocks):
            pred = logits[..., block.start : block.stop].argmax(-1)
            gold_seqs, pred_seqs = [], []
            for row_gold, row_pred in zip(labels[..., f], pred):
                keep = row_gold != IGNORE_INDEX
                gold_seqs.append([block.tags[i] for i in row_gold[keep]])
                pred_seqs.append([block.tags[i] for i in row_pred[keep]])
            result[f"f1_{block.family.name}"] = float(f1_score(gold_seqs, pred_seqs, zero_division=0))
        result["f1_mean"] = float(np.mean(list(result.values())))
        return result

    return compute
