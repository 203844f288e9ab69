import json

import pytest

from isnad_tagger.data import convert, load_dataset, read_records, validate_file, write_records
from isnad_tagger.spans import IsnadDataError

TEXT = "وقال مسؤول في وزارة الخارجية إن الحكومة قد تعلن"


def line(**overrides):
    record = {"id": "r1", "text": TEXT, "spans": [{"start": 0, "end": 4, "label": "STANCE", "type": "report"}]}
    record.update(overrides)
    return json.dumps(record, ensure_ascii=False)


def errors_for(tmp_path, *lines, name="f.jsonl"):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [str(e) for e in validate_file(path)]


def test_valid_file_has_no_errors(tmp_path):
    assert errors_for(tmp_path, line()) == []


@pytest.mark.parametrize(
    "bad, expected",
    [
        ("{not json", "f.jsonl:2: invalid JSON"),
        (line(spans=[{"start": 0, "end": 4, "label": "SPEAKER", "type": None}]), "unknown label 'SPEAKER'"),
        (line(spans=[{"start": 0, "end": 4, "label": "STANCE", "type": "hedge"}]), "unknown type 'hedge' for STANCE"),
        (line(spans=[{"start": 0, "end": 400, "label": "ACTOR"}]), "out of range"),
        (line(spans=[{"start": 1, "end": 4, "label": "ACTOR"}]), "word boundaries"),
        (line(spans=[{"start": 0, "end": 5, "label": "ACTOR"}]), "word boundaries"),
        (line(spans=[{"start": 5, "end": 10, "label": "ACTOR"}, {"start": 5, "end": 28, "label": "ACTOR"}]), "overlapping ACTOR"),
        (line(id="r0"), "duplicate id 'r0'"),
        (line(text=5), "field 'text' must be a string"),
        (json.dumps({"text": TEXT}), "missing field 'id'"),
        (line(spans=[{"start": 0, "end": 4, "label": "STANCE", "type": "report", "text": "قال"}]), "differs from text[start:end]"),
        (line(spans=[{"start": "0", "end": 4, "label": "ACTOR"}]), "must be integers"),
    ],
)
def test_each_violation_is_reported_with_file_and_line(tmp_path, bad, expected):
    errors = errors_for(tmp_path, line(id="r0"), bad)
    assert any(expected in e for e in errors), errors
    assert all(e.startswith(str(tmp_path / "f.jsonl") + ":2") for e in errors)


def test_overlap_across_families_is_allowed(tmp_path):
    spans = [{"start": 5, "end": 28, "label": "SOURCE", "type": "anonymous"}, {"start": 14, "end": 28, "label": "ACTOR", "type": None}]
    assert errors_for(tmp_path, line(spans=spans)) == []


def test_invalid_utf8_names_the_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_bytes(line().encode() + b"\n" + b'{"id": "x", "text": "\xff"}\n')
    (error,) = validate_file(path)
    assert "bad.jsonl:2: invalid UTF-8" in str(error)


def test_read_records_raises_first_problem(tmp_path):
    path = tmp_path / "f.jsonl"
    path.write_text(line() + "\n" + line() + "\n", encoding="utf-8")
    with pytest.raises(IsnadDataError, match="f.jsonl:2: duplicate id"):
        read_records(path)
    with pytest.raises(IsnadDataError, match="file not found"):
        read_records(tmp_path / "missing.jsonl")


def test_markup_file_errors_name_the_record_line(tmp_path):
    path = tmp_path / "m.txt"
    path.write_text("### a\n[[قال|STANCE:report]]\n### b\n[[قال |STANCE:report]]x\n", encoding="utf-8")
    (error,) = validate_file(path)
    assert "m.txt:3: record 'b'" in str(error) and "word boundaries" in str(error)


def test_convert_both_ways_is_exact(tmp_path, made_up_records):
    write_records(made_up_records, tmp_path / "a.jsonl")
    convert(tmp_path / "a.jsonl", tmp_path / "b.txt")
    convert(tmp_path / "b.txt", tmp_path / "c.jsonl")
    back = read_records(tmp_path / "c.jsonl")
    assert [(r.id, r.text, sorted(r.spans)) for r in back] == [(r.id, r.text, sorted(r.spans)) for r in made_up_records]


def test_load_dataset_gives_columns(tmp_path, made_up_records):
    write_records(made_up_records, tmp_path / "a.jsonl")
    dataset = load_dataset(tmp_path / "a.jsonl")
    assert dataset.column_names == ["id", "text", "spans"] and len(dataset) == len(made_up_records)
    first = dataset[0]
    assert {s["label"] for s in first["spans"]} >= {"STANCE", "SOURCE", "ACTOR"}
