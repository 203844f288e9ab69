"""Span-level scores per family and type, strict (exact span and type) and overlap (any shared
character, same type). Hand-written because seqeval scores BIO tags, not character spans, and has
no overlap mode."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Iterable, Sequence

from isnad_tagger.labels import FAMILIES, Family
from isnad_tagger.spans import Span

MODES = ("strict", "overlap")


def _prf(tp_pred: int, n_pred: int, tp_gold: int, n_gold: int) -> dict[str, float | int]:
    precision = tp_pred / n_pred if n_pred else 0.0
    recall = tp_gold / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "predicted": n_pred, "gold": n_gold}


def _matches(a: Span, b: Span, mode: str) -> bool:
    if a.label != b.label or a.type != b.type:
        return False
    if mode == "strict":
        return a.start == b.start and a.end == b.end
    return a.start < b.end and b.start < a.end


def score_spans(gold: Sequence[Sequence[Span]], predicted: Sequence[Sequence[Span]], families: Sequence[Family] = FAMILIES) -> dict:
    """{mode: {"micro": prf, family: {"all": prf, type: prf}}} over paired documents."""
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold documents but {len(predicted)} predicted")
    # counts[mode][(family, type)] = [matched predictions, predictions, matched gold, gold]
    counts: dict[str, dict[tuple[str, str | None], list[int]]] = {m: defaultdict(lambda: [0, 0, 0, 0]) for m in MODES}
    for gold_spans, pred_spans in zip(gold, predicted):
        for mode in MODES:
            for p in pred_spans:
                c = counts[mode][(p.label, p.type)]
                c[1] += 1
                c[0] += any(_matches(p, g, mode) for g in gold_spans)
            for g in gold_spans:
                c = counts[mode][(g.label, g.type)]
                c[3] += 1
                c[2] += any(_matches(g, p, mode) for p in pred_spans)
    report: dict = {}
    for mode in MODES:
        table = counts[mode]
        section: dict = {}
        for family in families:
            kinds = family.types if family.typed else (None,)
            fam = {k: [table[(family.name, k)][i] for i in range(4)] for k in kinds}
            totals = [sum(v[i] for v in fam.values()) for i in range(4)]
            entry = {"all": _prf(*totals)}
            if family.typed:
                entry.update({k: _prf(*v) for k, v in fam.items()})
            section[family.name] = entry
        all_totals = [sum(v[i] for v in table.values()) for i in range(4)]
        section["micro"] = _prf(*all_totals)
        report[mode] = section
    return report


def format_table(report: dict) -> str:
    """A fixed-width table: one row per family and type, strict and overlap P/R/F1 side by side."""
    header = f"{'family/type':<26}{'gold':>6}{'pred':>6}  {'strict P':>8}{'R':>7}{'F1':>7}  {'overlap P':>9}{'R':>7}{'F1':>7}"
    lines = [header, "-" * len(header)]

    def row(name: str, strict: dict, overlap: dict) -> str:
        return (
            f"{name:<26}{strict['gold']:>6}{strict['predicted']:>6}  {strict['precision']:>8.3f}{strict['recall']:>7.3f}"
            f"{strict['f1']:>7.3f}  {overlap['precision']:>9.3f}{overlap['recall']:>7.3f}{overlap['f1']:>7.3f}"
        )

    for name, strict in report["strict"].items():  # families in schema order, then micro
        if name == "micro":
            continue
        overlap = report["overlap"][name]
        lines.append(row(name, strict["all"], overlap["all"]))
        for kind in (k for k in strict if k != "all"):
            lines.append(row(f"  {kind}", strict[kind], overlap[kind]))
    lines.append(row("micro (all spans)", report["strict"]["micro"], report["overlap"]["micro"]))
    return "\n".join(lines)


def write_report(report: dict, path: str, extra: dict | None = None) -> None:
    """The scores as JSON, replacing `path` only once written in full."""
    from isnad_tagger.outputs import replace_when_done

    with replace_when_done(path) as handle:
        json.dump({**(extra or {}), **report}, handle, ensure_ascii=False, indent=2)


def evaluate_predictions(gold_records: Iterable, predict, families: Sequence[Family] = FAMILIES) -> dict:
    """Score a predict(texts) -> list[list[Span]] function on records with gold spans."""
    records = list(gold_records)
    predicted = predict([r.text for r in records])
    return score_spans([r.spans for r in records], predicted, families)
