"""The cue -> source link layer (docs/spec/links.md): the committed gold links match their span files,
bad link files are named precisely, and the scorer counts what it should."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from isnad_tagger.data import read_records
from isnad_tagger.links import LinkScore, predicted_links, read_links, write_links
from isnad_tagger.spans import IsnadDataError

ROOT = Path(__file__).resolve().parents[1]
LINKED = {"dev": ROOT / "data/gold/dev.jsonl", "test": ROOT / "data/gold/test.jsonl", "ood_test": ROOT / "data/gold/extra/ood_test.jsonl"}


@pytest.mark.parametrize("split", sorted(LINKED))
def test_committed_links_cover_every_cue_of_their_split(split):
    links = read_links(ROOT / f"data/gold/links/{split}.jsonl", LINKED[split])
    cues = sum(1 for r in read_records(LINKED[split]) for s in r.spans if s.label == "STANCE")
    assert sum(len(v) for v in links.values()) == cues


def test_round_trip_and_errors_name_the_line(tmp_path):
    spans = tmp_path / "spans.jsonl"
    text = "وقال الوزير إن الطريق مغلق"
    spans.write_text(json.dumps({"id": "a", "text": text, "spans": [
        {"start": 0, "end": 4, "label": "STANCE", "type": "report"}, {"start": 5, "end": 11, "label": "SOURCE", "type": "named"}]},
        ensure_ascii=False) + "\n", encoding="utf-8")
    good = tmp_path / "links.jsonl"
    write_links(good, {"a": {(0, 4): (5, 11)}})
    assert read_links(good, spans) == {"a": {(0, 4): (5, 11)}}
    for entry, reason in [({"cue": [0, 4], "source": [0, 4]}, "source [0, 4] is not a SOURCE span"),
                          ({"cue": [5, 11], "source": None}, "cue [5, 11] is not a STANCE span"),
                          ({"cue": [0, 4]}, "'source' must be [start, end] or null")]:
        bad = tmp_path / "bad.jsonl"
        bad.write_text(json.dumps({"id": "a", "links": [entry]}) + "\n", encoding="utf-8")
        with pytest.raises(IsnadDataError, match=re.escape(f"bad.jsonl:1: links[0]: {reason}")):
            read_links(bad, spans)
    missing = tmp_path / "missing.jsonl"
    missing.write_text("\n", encoding="utf-8")
    with pytest.raises(IsnadDataError, match="1 records with STANCE spans have no links"):
        read_links(missing, spans)


def test_link_score_counts_sources_and_agreeing_nulls():
    score = LinkScore()
    score.add(gold={(0, 4): (5, 11), (20, 24): None, (30, 34): (40, 45)}, predicted={(0, 4): (5, 11), (20, 24): None, (30, 34): (50, 55)})
    result = score.as_dict()
    assert (result["gold"], result["predicted"], result["correct"]) == (2, 2, 1)
    assert result["f1"] == pytest.approx(0.5) and result["cue_accuracy"] == pytest.approx(2 / 3)


def test_records_link_the_gold_spans_of_dev_well():
    """The linking rules were tuned on dev (docs/links.md); a change that breaks them shows here."""
    records = read_records(LINKED["dev"])
    gold = read_links(ROOT / "data/gold/links/dev.jsonl", LINKED["dev"])
    score = LinkScore()
    for record in records:
        if record.id in gold:
            score.add(gold[record.id], predicted_links(record))
    assert score.as_dict()["f1"] > 0.93
