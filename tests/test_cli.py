"""The `isnad-tagger` command line on the tiny model: train -> evaluate -> predict -> export -> predict(onnx)."""

from __future__ import annotations

import json
import subprocess
import sys


from conftest import MADE_UP


def isnad(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "isnad_tagger.cli", *map(str, args)], capture_output=True, text=True, input=stdin, timeout=300)


def test_validate_and_convert(tmp_path):
    ok = isnad("validate", MADE_UP)
    assert ok.returncode == 0 and "ok" in ok.stdout
    assert isnad("convert", MADE_UP, tmp_path / "a.jsonl").returncode == 0
    assert isnad("convert", tmp_path / "a.jsonl", tmp_path / "b.txt").returncode == 0
    assert (tmp_path / "b.txt").read_text(encoding="utf-8") == MADE_UP.read_text(encoding="utf-8")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "text": "قال", "spans": [{"start": 0, "end": 3, "label": "STANCE", "type": "maybe"}]}\n', encoding="utf-8")
    result = isnad("validate", bad)
    assert result.returncode == 1 and f"{bad}:1" in result.stderr and "unknown type 'maybe'" in result.stderr
    missing = isnad("convert", tmp_path / "nope.txt", tmp_path / "x.jsonl")
    assert missing.returncode == 2 and "file not found" in missing.stderr


def test_evaluate_predict_export_roundtrip(tmp_path, trained_checkpoint):
    scores = tmp_path / "scores.json"
    result = isnad("evaluate", "--model", trained_checkpoint, "--data", MADE_UP, "--output", scores)
    assert result.returncode == 0, result.stderr
    assert "micro (all spans)" in result.stdout
    assert json.loads(scores.read_text())["overlap"]["micro"]["f1"] > 0.8

    lines = [{"id": "a", "text": "وقال المتحدث باسم الوزارة إن الحكومة قد تعلن القرار."}, {"id": 2, "text": ""}]
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = isnad("predict", "--model", trained_checkpoint, "--input", source, "--output", out, "--no-progress")
    assert result.returncode == 0, result.stderr
    rows = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["a", 2] and rows[1]["spans"] == []
    assert rows[0]["spans"] and all(rows[0]["text"][s["start"] : s["end"]] == s["text"] for s in rows[0]["spans"])

    export = isnad("export-onnx", "--model", trained_checkpoint, "--output", tmp_path / "onnx")
    assert export.returncode == 0 and "int8" in export.stdout
    onnx_out = tmp_path / "onnx_out.jsonl"
    assert isnad("predict", "--model", tmp_path / "onnx", "--backend", "onnx", "--input", source, "--output", onnx_out, "--no-progress").returncode == 0
    strip = lambda rows: [[(s["start"], s["end"], s["label"], s["type"]) for s in r["spans"]] for r in rows]
    assert strip([json.loads(x) for x in onnx_out.read_text(encoding="utf-8").splitlines()]) == strip(rows)

    stdin = isnad("predict", "--model", trained_checkpoint, stdin="وقال المتحدث إن الحكومة قد تعلن")
    assert stdin.returncode == 0 and json.loads(stdin.stdout)["text"].startswith("وقال")


def test_predict_reports_bad_lines_and_keeps_good_ones(tmp_path, trained_checkpoint):
    source = tmp_path / "in.jsonl"
    source.write_bytes(
        b'{"id": "a", "text": "\xd9\x82\xd8\xa7\xd9\x84"}\n'  # good
        b"not json\n"
        b'{"id": "b"}\n'
        b'{"id": "c", "text": "\xff"}\n'
        b'["list"]\n'
        b'{"id": "a", "text": "again"}\n'
        b'{"id": "d", "text": "\xd9\x86\xd9\x81\xd9\x89"}\n'
    )
    out = tmp_path / "out.jsonl"
    result = isnad("predict", "--model", trained_checkpoint, "--input", source, "--output", out, "--no-progress")
    assert result.returncode == 1
    for number, reason in [(2, "invalid JSON"), (3, "missing field 'text'"), (4, "invalid UTF-8"), (5, "expected a JSON object"), (6, "duplicate id")]:
        assert f"{source}:{number}: {reason}" in result.stderr
    assert [json.loads(x)["id"] for x in out.read_text(encoding="utf-8").splitlines()] == ["a", "d"]


def test_missing_model_is_a_clear_error(tmp_path):
    result = isnad("evaluate", "--model", tmp_path / "nope", "--data", MADE_UP)
    assert result.returncode == 2 and "not found" in result.stderr and "Traceback" not in result.stderr


def test_predict_never_destroys_the_input_or_an_earlier_result(tmp_path, trained_checkpoint):
    source = tmp_path / "in.jsonl"
    original = '{"id": "a", "text": "قال الوزير"}\n'
    source.write_text(original, encoding="utf-8")
    (tmp_path / "link.jsonl").symlink_to(source)
    for output in (source, tmp_path / "link.jsonl", tmp_path / "." / "in.jsonl"):
        result = isnad("predict", "--model", trained_checkpoint, "--input", source, "--output", output, "--no-progress")
        assert result.returncode == 2 and "is the input file" in result.stderr and "Traceback" not in result.stderr
        assert source.read_text(encoding="utf-8") == original
    earlier = tmp_path / "results.jsonl"
    earlier.write_text('{"id": "kept"}\n', encoding="utf-8")
    result = isnad("predict", "--model", trained_checkpoint, "--input", tmp_path / "typo.jsonl", "--output", earlier, "--no-progress")
    assert result.returncode == 2 and "typo.jsonl: input file not found" in result.stderr and "Traceback" not in result.stderr
    assert earlier.read_text(encoding="utf-8") == '{"id": "kept"}\n'
    assert not list(tmp_path.glob("results.jsonl.*"))


def test_predict_streams_stdin_and_stdout(tmp_path, trained_checkpoint):
    lines = '{"id": "a", "text": "قال الوزير"}\n{"id": "b", "text": "نفى المصدر"}\n'
    piped = isnad("predict", "--model", trained_checkpoint, "--input", "-", "--output", "-", "--no-progress", stdin=lines)
    assert piped.returncode == 0, piped.stderr
    rows = [json.loads(x) for x in piped.stdout.splitlines()]
    assert [r["id"] for r in rows] == ["a", "b"] and all("spans" in r for r in rows)
    per_line = isnad("predict", "--model", trained_checkpoint, "--lines", stdin="قال الوزير\nنفى المصدر\n")
    assert per_line.returncode == 0
    assert [(r["id"], r["text"]) for r in map(json.loads, per_line.stdout.splitlines())] == [(1, "قال الوزير"), (2, "نفى المصدر")]
    assert [r["spans"] for r in map(json.loads, per_line.stdout.splitlines())] == [r["spans"] for r in rows]


def test_convert_writes_span_tables_and_refuses_what_it_cannot_write(tmp_path):
    assert isnad("convert", MADE_UP, tmp_path / "spans.tsv").returncode == 0
    assert isnad("convert", MADE_UP, tmp_path / "spans.csv").returncode == 0
    import csv

    from isnad_tagger.data import read_records

    records = read_records(MADE_UP)
    rows = list(csv.DictReader((tmp_path / "spans.csv").open(encoding="utf-8")))
    assert len(rows) == sum(len(r.spans) for r in records) and list(rows[0]) == ["id", "start", "end", "text", "label", "type", "score"]
    by_id = {r.id: r.text for r in records}
    assert all(by_id[row["id"]][int(row["start"]) : int(row["end"])] == row["text"] for row in rows)
    tsv = (tmp_path / "spans.tsv").read_text(encoding="utf-8").splitlines()
    assert tsv[0] == "id\tstart\tend\ttext\tlabel\ttype\tscore" and len(tsv) == len(rows) + 1
    refused = isnad("convert", MADE_UP, tmp_path / "spans.xlsx")
    assert refused.returncode == 2 and "cannot write spans.xlsx" in refused.stderr and not (tmp_path / "spans.xlsx").exists()
    copy = tmp_path / "copy.txt"
    copy.write_text(MADE_UP.read_text(encoding="utf-8"), encoding="utf-8")
    same = isnad("convert", copy, copy)
    assert same.returncode == 2 and "is the input file" in same.stderr and copy.read_text(encoding="utf-8") == MADE_UP.read_text(encoding="utf-8")


def test_render_names_bad_spans_by_file_and_line(tmp_path):
    page = tmp_path / "page.html"
    for spans, reason in [([{"start": 0, "end": 3, "label": "STANCE", "type": "hedge"}], "unknown type 'hedge' for STANCE"),
                          ([{"start": 0, "end": 30, "label": "ACTOR", "type": None}], "out of range")]:
        source = tmp_path / "in.jsonl"
        source.write_text('{"id": "ok", "text": "قال", "spans": []}\n' + json.dumps({"id": "x", "text": "قال", "spans": spans}) + "\n", encoding="utf-8")
        result = isnad("render", source, page)
        assert result.returncode == 2 and f"{source}:2: record 'x'" in result.stderr and reason in result.stderr
        assert "Traceback" not in result.stderr and not page.exists()


def test_evaluate_never_writes_its_scores_over_the_gold_file(tmp_path):
    gold = tmp_path / "gold.txt"
    gold.write_text(MADE_UP.read_text(encoding="utf-8"), encoding="utf-8")
    result = isnad("evaluate", "--rules", "--data", gold, "--output", gold, "--no-progress")
    assert result.returncode == 2 and "is the input file" in result.stderr
    assert gold.read_text(encoding="utf-8") == MADE_UP.read_text(encoding="utf-8")
    scores = tmp_path / "scores.json"
    assert isnad("evaluate", "--rules", "--data", gold, "--output", scores, "--no-progress").returncode == 0
    assert json.loads(scores.read_text())["records"] == 6 and not list(tmp_path.glob(".scores.json.*"))


def test_render_never_writes_its_page_over_the_input(tmp_path):
    source = tmp_path / "in.jsonl"
    original = '{"id": "ok", "text": "قال", "spans": []}\n'
    source.write_text(original, encoding="utf-8")
    result = isnad("render", source, source)
    assert result.returncode == 2 and "is the input file" in result.stderr and source.read_text(encoding="utf-8") == original
