"""Corpus runs lose nothing: SIGKILL mid-run then --resume, and a 2-process sharded run, both give
every id exactly once, in input order."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

from isnad_tagger.corpus_predict import read_done_ids

SENTENCES = ["وقال المتحدث باسم الوزارة إن الحكومة قد تعلن القرار.", "نفى مصدر مسؤول صحة الأنباء.", "ربما تستأنف المحادثات."]


def write_input(path, n):
    with path.open("w", encoding="utf-8") as handle:
        for i in range(n):
            handle.write(json.dumps({"id": f"doc-{i}", "text": SENTENCES[i % 3] * (1 + i % 5)}, ensure_ascii=False) + "\n")


def ids_in(path):
    return [json.loads(line)["id"] for line in path.read_text(encoding="utf-8").splitlines()]


def test_resume_after_sigkill_completes_without_duplicates(tmp_path, trained_checkpoint):
    """A killed run leaves the earlier result untouched and its own work in OUTPUT.partial; --resume
    continues that file and only then renames it over the output."""
    source, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    partial = tmp_path / "out.jsonl.partial"
    write_input(source, 1500)
    out.write_text('{"id": "an earlier result", "spans": []}\n', encoding="utf-8")
    command = [sys.executable, "-m", "isnad_tagger.cli", "predict", "--model", str(trained_checkpoint), "--input", str(source),
               "--output", str(out), "--chunk-size", "8", "--no-progress"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while not partial.exists() or partial.stat().st_size < 5_000:
        assert time.time() < deadline and process.poll() is None
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert ids_in(out) == ["an earlier result"]  # the interrupted run did not touch the old output
    done = len(read_done_ids(partial))
    assert 0 < done < 1500
    resumed = subprocess.run(command + ["--resume"], capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert f"{done} already done" in resumed.stderr
    assert ids_in(out) == [f"doc-{i}" for i in range(1500)] and not partial.exists()


def test_torn_last_line_is_cut_before_resuming(tmp_path):
    out = tmp_path / "out.jsonl"
    out.write_text('{"id": "a", "spans": []}\n{"id": "b", "sp', encoding="utf-8")
    assert read_done_ids(out) == {"a"}
    assert out.read_text(encoding="utf-8") == '{"id": "a", "spans": []}\n'


def test_two_process_run_merges_in_input_order(tmp_path, trained_checkpoint):
    source, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    write_input(source, 101)
    with source.open("a", encoding="utf-8") as handle:
        handle.write("broken line\n")
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2", "-m", "isnad_tagger.cli", "predict",
         "--model", str(trained_checkpoint), "--input", str(source), "--output", str(out), "--no-progress"],
        capture_output=True, text=True, timeout=300, env=env,
    )
    assert result.returncode != 0  # the broken line fails the run, reported once (by rank 0)
    assert result.stderr.count(f"{source}:102: invalid JSON") == 1
    assert ids_in(out) == [f"doc-{i}" for i in range(101)]
    assert not list(tmp_path.glob("out.jsonl.part*"))
    single = tmp_path / "single.jsonl"
    subprocess.run([sys.executable, "-m", "isnad_tagger.cli", "predict", "--model", str(trained_checkpoint), "--input", str(source),
                    "--output", str(single), "--no-progress"], capture_output=True, timeout=300)
    assert out.read_text(encoding="utf-8") == single.read_text(encoding="utf-8")


def test_stale_parts_of_an_interrupted_run_are_never_merged(tmp_path, trained_checkpoint):
    """Regression: rank 0 merged as soon as every `.partK.done` marker existed, and an interrupted
    run could leave them behind, so a rerun merged (and deleted) parts while a rank still wrote."""
    source, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    write_input(source, 41)
    for k in range(2):  # what an interrupted earlier run leaves
        (tmp_path / f"out.jsonl.part{k}").write_text('{"id": "stale", "spans": []}\n', encoding="utf-8")
        (tmp_path / f"out.jsonl.part{k}.done").write_text("ok", encoding="utf-8")
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2", "-m", "isnad_tagger.cli", "predict",
         "--model", str(trained_checkpoint), "--input", str(source), "--output", str(out), "--no-progress"],
        capture_output=True, text=True, timeout=300, env=env,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert ids_in(out) == [f"doc-{i}" for i in range(41)]
    assert not list(tmp_path.glob("out.jsonl.part?"))
