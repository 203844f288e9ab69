import json

from isnad_tagger.evaluation import format_table, score_spans, write_report
from isnad_tagger.spans import Span

GOLD = [[Span(0, 4, "STANCE", "report"), Span(5, 20, "SOURCE", "anonymous"), Span(10, 20, "ACTOR")]]


def test_strict_and_overlap_differ_on_boundary_errors():
    predicted = [[Span(0, 4, "STANCE", "report"), Span(5, 14, "SOURCE", "anonymous"), Span(10, 20, "ACTOR"), Span(25, 30, "ACTOR")]]
    report = score_spans(GOLD, predicted)
    assert report["strict"]["SOURCE"]["anonymous"]["f1"] == 0.0
    assert report["overlap"]["SOURCE"]["anonymous"]["f1"] == 1.0
    actor = report["strict"]["ACTOR"]["all"]
    assert (actor["precision"], actor["recall"], actor["gold"], actor["predicted"]) == (0.5, 1.0, 1, 2)
    assert abs(report["strict"]["micro"]["f1"] - 2 * (2 / 4) * (2 / 3) / (2 / 4 + 2 / 3)) < 1e-12


def test_wrong_type_never_matches():
    report = score_spans(GOLD, [[Span(0, 4, "STANCE", "deny")]])
    assert report["overlap"]["STANCE"]["all"]["f1"] == 0.0
    assert report["overlap"]["STANCE"]["deny"]["predicted"] == 1 and report["overlap"]["STANCE"]["report"]["gold"] == 1


def test_table_and_json(tmp_path):
    report = score_spans(GOLD, GOLD)
    table = format_table(report)
    assert "UNCERTAINTY" in table and "  unverified" in table and "micro (all spans)" in table
    assert report["strict"]["micro"]["f1"] == 1.0
    write_report(report, str(tmp_path / "r.json"), {"split": "test"})
    assert json.loads((tmp_path / "r.json").read_text())["split"] == "test"
