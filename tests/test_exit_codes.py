"""Exit codes a script can trust (README, "Exit codes"): 0 done, 1 done with bad lines, 2 usage or data
error before any work, 3 a model that cannot be loaded (tests/test_verified_loading.py), 4 an I/O failure
with the output left resumable, 130/143 a stop signal; one line on stderr, a traceback only with --debug."""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from isnad_tagger.cli import exit_code_for

TEXTS = ["وقال المتحدث إن الوزارة نفت الخبر", "وأكدت مصادر مطلعة أن الاجتماع قد يعقد غدا", "ذكرت الصحيفة أن الوزير سيزور المدينة"]


def isnad(*args, stdin: bytes | None = None, stdout=subprocess.PIPE, limit_bytes: int | None = None):
    def limit_file_size() -> None:  # a file-size limit fails writes the way a full disk does
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, limit_bytes))

    return subprocess.run([sys.executable, "-m", "isnad_tagger.cli", *map(str, args)], input=stdin, stdout=stdout,
                          stderr=subprocess.PIPE, timeout=300, preexec_fn=limit_file_size if limit_bytes else None)


@pytest.fixture()
def corpus(tmp_path) -> Path:
    path = tmp_path / "corpus.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for i in range(300):
            handle.write(json.dumps({"id": f"doc-{i}", "text": TEXTS[i % 3]}, ensure_ascii=False) + "\n")
    return path


@pytest.fixture()
def read_only_folder(tmp_path) -> Path:
    """A folder this process cannot create files in: chmod for a normal user; root ignores modes, so
    there it is a sysfs folder (the kernel refuses new files there for everyone)."""
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    candidates = [folder] + [Path("/sys/kernel"), Path("/proc/self")]
    for candidate in candidates:
        try:
            (candidate / ".isnad-probe").write_bytes(b"")
        except OSError:
            return candidate
        (candidate / ".isnad-probe").unlink()
    pytest.skip("no read-only folder available here")


def stderr_of(result) -> str:
    return result.stderr.decode("utf-8")


def test_a_full_disk_on_stdout_exits_4_without_a_traceback(corpus):
    with open("/dev/full", "wb") as full:  # every write: ENOSPC
        result = isnad("predict", "--rules", "--input", corpus, "--output", "-", "--no-progress", stdout=full)
    assert result.returncode == 4
    assert "No space left on device" in stderr_of(result) and "Traceback" not in stderr_of(result)


def test_a_failed_write_leaves_whole_lines_and_resume_finishes_the_same_output(corpus, tmp_path):
    out = tmp_path / "out.jsonl"
    result = isnad("predict", "--rules", "--input", corpus, "--output", out, "--no-progress", "--chunk-size", "16", limit_bytes=30_000)
    assert result.returncode == 4, stderr_of(result)
    message = stderr_of(result).strip().splitlines()[-1]
    assert "File too large while writing" in message and "rerun with --resume" in message and "Traceback" not in stderr_of(result)
    partial = out.with_name(out.name + ".partial")
    kept = partial.read_bytes()
    assert kept and kept.endswith(b"\n") and not out.exists()  # no torn line, nothing under the final name
    assert all(json.loads(line)["spans"] is not None for line in kept.decode("utf-8").splitlines())

    resumed = isnad("predict", "--rules", "--input", corpus, "--output", out, "--no-progress", "--resume")
    assert resumed.returncode == 0, stderr_of(resumed)
    clean = tmp_path / "clean.jsonl"
    assert isnad("predict", "--rules", "--input", corpus, "--output", clean, "--no-progress").returncode == 0
    assert out.read_bytes() == clean.read_bytes()


def test_a_read_only_output_folder_exits_4_before_any_work(corpus, read_only_folder):
    for command in (["predict", "--rules", "--input", corpus, "--output", read_only_folder / "out.jsonl"],
                    ["evaluate", "--rules", "--data", corpus, "--output", read_only_folder / "scores.json"],
                    ["render", corpus, read_only_folder / "page.html"]):
        result = isnad(*command, "--no-progress")
        assert result.returncode == 4, (command, stderr_of(result))
        assert "nothing was written" in stderr_of(result) and "Traceback" not in stderr_of(result)


def test_usage_and_data_errors_exit_2(tmp_path, corpus):
    assert isnad("predict", "--input", corpus, "--output", tmp_path / "o.jsonl").returncode == 2  # no --model
    assert isnad("predict", "--rules", "--input", tmp_path / "missing.jsonl", "--output", tmp_path / "o.jsonl").returncode == 2
    assert isnad("predict", "--no-such-option").returncode == 2  # argparse


def test_invalid_utf8_on_stdin_names_its_byte_offset():
    text = "قال الوزير\nنفى".encode("utf-8")
    result = isnad("predict", "--rules", "--lines", stdin=text + b"\xff\xfe tail\n")
    assert result.returncode == 2 and result.stdout == b""
    assert f"stdin: invalid UTF-8 at byte {len(text)} (line 2)" in stderr_of(result)


def test_bad_json_lines_are_named_precisely(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": "a", "text": "x"\n{"id": null, "text": "y"}\n{"id": true, "text": "z"}\n', encoding="utf-8")
    result = isnad("predict", "--rules", "--input", source, "--output", tmp_path / "o.jsonl", "--no-progress")
    assert result.returncode == 1
    errors = stderr_of(result)
    assert f"{source}:1: invalid JSON: Expecting ',' delimiter (column 24)" in errors  # the column of the line, once "at"
    assert f"{source}:2: field 'id' must be a string or an integer, got null" in errors
    assert f"{source}:3: field 'id' must be a string or an integer, got true" in errors
    validated = isnad("validate", source)  # every bad line, not only the first
    assert validated.returncode == 1
    assert all(f"{source}:{n}:" in stderr_of(validated) for n in (1, 2, 3))


def test_debug_shows_the_traceback(tmp_path):
    args = ("predict", "--rules", "--input", tmp_path / "missing.jsonl", "--output", tmp_path / "o.jsonl")
    quiet, loud = isnad(*args), isnad("--debug", *args)
    assert quiet.returncode == 2 and "Traceback" not in stderr_of(quiet)
    assert "Traceback" in stderr_of(loud) and "IsnadDataError" in stderr_of(loud)
    assert "Traceback" in stderr_of(isnad(*args[:1], "--debug", *args[1:]))  # after the command too


def test_every_failure_maps_to_its_documented_code():
    from isnad_tagger.errors import IsnadIOError, MissingDependencyError, ModelLoadError
    from isnad_tagger.spans import IsnadDataError

    assert exit_code_for(ModelLoadError("x"))[0] == 3
    assert exit_code_for(IsnadDataError("x"))[0] == 2
    assert exit_code_for(MissingDependencyError("export", "onnx", "export"))[0] == 2
    assert exit_code_for(IsnadIOError(28, "disk full"))[0] == 4
    assert exit_code_for(PermissionError(13, "Permission denied", "/x"))[1] == "I/O error: Permission denied: /x"
    assert exit_code_for(KeyboardInterrupt())[0] == 130
    code, message = exit_code_for(RuntimeError("boom"))
    assert code == 70 and "--debug" in message
