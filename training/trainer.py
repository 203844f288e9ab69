"""A thin transformers Trainer: per-family loss, word-level seqeval during training."""

from __future__ import annotations

import numpy as np
from seqeval.metrics import f1_score
from transformers import Trainer

from isnad.alignment import IGNORE_INDEX
from isnad.layout import HeadLayout
from isnad.training.modeling import family_loss


class IsnadTrainer(Trainer):
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

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        labels = inputs.pop("labels")
        outputs = model(**inputs)
        loss = family_loss(outputs.logits, labels, self.layout, self.family_weights, self.o_tag_weight)
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
