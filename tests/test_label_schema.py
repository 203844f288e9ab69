"""Another label schema through the same pipeline (the ANERcorp NER yardstick): conversion with the
CAMeL split, training, config.json, predict, evaluate, and validation against the chosen schema."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from isnad_tagger.data import read_records, write_records
from isnad_tagger.labels import by_name, schema_from_mapping
from isnad_tagger.spans import IsnadDataError
from isnad_tagger.training.anercorp import NER_SCHEMA, camel_sentences, convert_ner

from conftest import MADE_UP, TINY_TRAINING, write_config

# Made-up sentences in ANERcorp's "token TAG" format (no blank lines; "." ends a sentence).
SENTENCES = [
    "قال O|زيد B-PERS|عمرو I-PERS|في O|بغداد B-LOC|. O",
    "أعلنت O|شركة B-ORG|نور I-ORG|عن O|كأس B-MISC|الخليج I-MISC|. O|. O",  # a run of periods: one end
    "وصل O|هند B-PERS|إلى O|عمان B-LOC|\u200f O|\u00b7 O",  # U+200F token removed, middle period ends it
    "زار O|سالم B-PERS|مقر O|شركة B-ORG|نور I-ORG|. O",
    "غادر O|زيد B-PERS|بغداد B-LOC|. O",
    "التقى O|هند B-PERS|سالم B-PERS|. O",
]
SAMPLE = "\n".join(line for sentence in SENTENCES for line in sentence.split("|")) + "\n"
FAMILIES = by_name(NER_SCHEMA)


def test_camel_corrections_and_sentence_ends():
    from collections import Counter

    stats = Counter()
    sentences = camel_sentences(SAMPLE, stats)
    assert [len(s) for s in sentences] == [6, 8, 5, 6, 4, 4]
    assert sentences[2][-1] == (".", "O") and stats["tokens that were only U+200F (removed)"] == 1


def test_ner_records_and_five_sixths_split():
    records, stats = convert_ner(SAMPLE)
    assert stats["words train"] + stats["words test"] == 33
    # sentences start at words 0, 6, 14, 19, 25, 29; 5/6 of 33 = 27.5, so the first five are train
    assert [len(records["train"]), len(records["test"])] == [5, 1]
    first = records["train"][0]
    assert [(first.text[s.start : s.end], s.label, s.type) for s in first.spans] == [("زيد عمرو", "NER", "PERS"), ("بغداد", "NER", "LOC")]
    second = records["train"][1]
    assert [(second.text[s.start : s.end], s.type) for s in second.spans] == [("شركة نور", "ORG"), ("كأس الخليج", "MISC")]
    assert all(r.meta["split"] == "camel-test" for r in records["test"])


def test_isnad_data_is_rejected_under_the_ner_schema(tmp_path):
    with pytest.raises(IsnadDataError, match=r"made_up\.txt:\d+.*unknown label 'STANCE' \(expected one of NER\)"):
        read_records(MADE_UP, FAMILIES)


@pytest.mark.parametrize("mapping", [{}, {"NE:R": ["PERS"]}, {"NER": ["PERS", "PERS"]}, {"B-NER": None}])
def test_bad_schema_is_named(mapping):
    with pytest.raises(ValueError):
        schema_from_mapping(mapping)


def test_training_predict_and_evaluate_on_the_ner_schema(tmp_path, tiny_encoder):
    from isnad_tagger import Tagger
    from isnad_tagger.training.config import load_config
    from isnad_tagger.training.train import train

    records, _ = convert_ner(SAMPLE)
    data = tmp_path / "ner.jsonl"
    write_records(records["train"] + records["test"], data)
    config = write_config(
        tmp_path / "ner.yaml", model_name_or_path=str(tiny_encoder), train_files=[str(data)], test_file=str(data),
        output_dir=str(tmp_path / "model"), save_strategy="no", label_schema={"NER": ["PERS", "ORG", "LOC", "MISC"]},
        **{**TINY_TRAINING, "batch_size": 2},
    )
    info = train(load_config(config))
    saved = json.loads((tmp_path / "model" / "config.json").read_text())
    assert saved["isnad"]["families"] == {"NER": ["PERS", "ORG", "LOC", "MISC"]}
    assert saved["id2label"]["0"] == "NER:O" and len(saved["id2label"]) == 9
    assert info["eval"]["test"]["strict"] > 0.9

    from isnad_tagger.onnx_export import export_onnx

    spans = Tagger.from_pretrained(tmp_path / "model").predict("قال زيد عمرو في بغداد .")
    assert [(s["text"], s["label"], s["type"]) for s in spans] == [("زيد عمرو", "NER", "PERS"), ("بغداد", "NER", "LOC")]
    export_onnx(tmp_path / "model", tmp_path / "onnx")
    onnx_spans = Tagger.from_pretrained(tmp_path / "onnx", backend="onnx").predict("قال زيد عمرو في بغداد .")
    assert [(s["start"], s["end"], s["type"]) for s in onnx_spans] == [(s["start"], s["end"], s["type"]) for s in spans]

    result = subprocess.run([sys.executable, "-m", "isnad_tagger.cli", "evaluate", "--model", str(tmp_path / "model"), "--data", str(data)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "  PERS" in result.stdout and "micro (all spans)" in result.stdout

    # The model card follows the checkpoint's own families (it raised KeyError: 'ACTOR' before).
    from isnad_tagger.training.model_card import render_model_card

    card = render_model_card(tmp_path / "model", tmp_path, "ner-tiny")
    header = card.split("---")[1]
    assert "NER strict F1" in header and "ACTOR" not in header and "| **NER** |" in card and "&nbsp;&nbsp;PERS" in card
    # Rendering NER spans (a KeyError on the hand-listed Isnad colours before), schema from the checkpoint.
    page = tmp_path / "page.html"
    result = subprocess.run([sys.executable, "-m", "isnad_tagger.cli", "render", str(data), str(page), "--schema", str(tmp_path / "model")],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "NER:PERS" in page.read_text(encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "isnad_tagger.cli", "render", str(data), str(tmp_path / "p2.html"), "--model", str(tmp_path / "model")],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0 and "NER:" in (tmp_path / "p2.html").read_text(encoding="utf-8")


def test_ner_markup_converts_both_ways_under_its_schema(tmp_path):
    from isnad_tagger.markup import parse_markup, to_markup

    marked = "قال [[محمد علي|NER:PERS]] في [[بغداد|NER:LOC]] ."
    text, spans = parse_markup(marked)
    assert text == "قال محمد علي في بغداد ." and [(s.label, s.type, text[s.start:s.end]) for s in spans] == [
        ("NER", "PERS", "محمد علي"), ("NER", "LOC", "بغداد")]
    assert to_markup(text, spans, NER_SCHEMA) == marked
    source = tmp_path / "ner.txt"
    source.write_text(f"### s1\n{marked}\n", encoding="utf-8")
    schema = tmp_path / "schema.yaml"
    schema.write_text("NER: [PERS, ORG, LOC, MISC]\n", encoding="utf-8")
    run = lambda *a: subprocess.run([sys.executable, "-m", "isnad_tagger.cli", *a], capture_output=True, text=True, timeout=120)
    assert run("convert", str(source), str(tmp_path / "ner.jsonl"), "--schema", str(schema)).returncode == 0
    assert run("convert", str(tmp_path / "ner.jsonl"), str(tmp_path / "back.txt"), "--schema", str(schema)).returncode == 0
    assert (tmp_path / "back.txt").read_text(encoding="utf-8") == source.read_text(encoding="utf-8")
    assert run("validate", str(source), "--schema", str(schema)).returncode == 0
    refused = run("validate", str(source))  # under the Isnad schema NER is not a label
    assert refused.returncode == 1 and "ner.txt:1: record 's1'" in refused.stderr and "unknown label 'NER'" in refused.stderr
