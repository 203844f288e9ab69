"""The `isnad` command line on the tiny model: train -> evaluate -> predict -> export -> predict(onnx)."""

from __future__ import annotations

import json
import subprocess
import sys


from conftest import MADE_UP


def isnad(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "isnad.cli", *map(str, args)], capture_output=True, text=True, input=stdin, timeout=300)


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
    for number, reason in [(2, "invalid JSON"), (3, "missing or non-string field 'text'"), (4, "invalid UTF-8"), (5, "expected a JSON object"), (6, "duplicate id")]:
        assert f"{source}:{number}: {reason}" in result.stderr
    assert [json.loads(x)["id"] for x in out.read_text(encoding="utf-8").splitlines()] == ["a", "d"]


def test_missing_model_is_a_clear_error(tmp_path):
    result = isnad("evaluate", "--model", tmp_path / "nope", "--data", MADE_UP)
    assert result.returncode == 2 and "not found" in result.stderr and "Traceback" not in result.stderr
