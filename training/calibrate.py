"""Per-family temperature scaling fitted on dev, and span-level expected calibration error.

A span's score is the mean probability of its words' tags; dividing a family's logits by a
temperature fitted on dev so that span scores best predict exact-match correctness (Brier score)
makes the score track how often such spans are right. Argmax, so the spans themselves, never changes.
Word-level NLL fitting was tried first and made span scores worse: it is dominated by easy O tags.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

from isnad_tagger.decoding import decode_block
from isnad_tagger.spans import Record, Span

GRID = np.exp(np.linspace(np.log(0.1), np.log(8.0), 141))


def fit_temperatures(tagger, dev: Sequence[Record]) -> dict[str, float]:
    """Per family, the temperature (grid 0.1..8, log scale) whose span scores have the lowest
    Brier score against strict correctness on dev. Span extents do not depend on it."""
    encoded, word_logits = tagger.word_logits([r.text for r in dev])
    temperatures = {}
    for block in tagger.layout.blocks:
        gold = [{s.key() for s in r.spans if s.label == block.family.name} for r in dev]

        def brier(temperature: float) -> float | None:
            errors = [
                (span.score - (span.key() in keys)) ** 2
                for enc, logits, keys in zip(encoded, word_logits, gold)
                for span in decode_block(enc.words, logits, block, temperature, tagger.contract.decoding)
            ]
            return float(np.mean(errors)) if errors else None

        if brier(1.0) is None:
            continue  # the family predicts no span on dev: nothing to calibrate, keep 1.0
        temperatures[block.family.name] = float(min(GRID, key=brier))
    return temperatures


def span_reliability(predicted: Sequence[Sequence[Span]], gold: Sequence[Sequence[Span]], bins: int = 10) -> dict:
    """ECE of span scores against strict correctness (exact extent, label and type)."""
    scores, correct = [], []
    for pred_doc, gold_doc in zip(predicted, gold):
        keys = {s.key() for s in gold_doc}
        for span in pred_doc:
            scores.append(span.score)
            correct.append(span.key() in keys)
    scores_a, correct_a = np.array(scores, dtype=np.float64), np.array(correct, dtype=np.float64)
    edges = np.linspace(0, 1, bins + 1)
    rows, ece = [], 0.0
    for low, high in zip(edges, edges[1:]):
        mask = (scores_a > low) & (scores_a <= high) if low > 0 else (scores_a >= low) & (scores_a <= high)
        if mask.any():
            confidence, accuracy = float(scores_a[mask].mean()), float(correct_a[mask].mean())
            ece += mask.sum() / len(scores_a) * abs(confidence - accuracy)
            rows.append({"low": float(low), "high": float(high), "count": int(mask.sum()), "confidence": confidence, "accuracy": accuracy})
    return {"ece": float(ece), "spans": len(scores), "bins": rows}


def plot_reliability(before: dict, after: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 5), dpi=110)
    ax.plot([0, 1], [0, 1], color="#adb5bd", linestyle="--", label="perfect calibration")
    for result, name, color in ((before, "before", "#e03131"), (after, "after", "#1971c2")):
        xs = [b["confidence"] for b in result["bins"]]
        ys = [b["accuracy"] for b in result["bins"]]
        ax.plot(xs, ys, marker="o", color=color, label=f"{name} (ECE {result['ece']:.3f})")
    ax.set_xlabel("span score (mean tag probability)")
    ax.set_ylabel("share of spans exactly right")
    ax.set_title("Span score reliability on the test split")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.legend(loc="upper left")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
