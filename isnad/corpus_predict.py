"""Streaming JSONL prediction for whole archives: writes as it goes, reports bad lines without
stopping, and resumes after an interruption without duplicating or losing records."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, TextIO

PredictFn = Callable[[list[str]], list[list[dict]]]


@dataclass
class RunReport:
    written: int = 0
    skipped_done: int = 0
    bad_lines: list[tuple[int, str]] = field(default_factory=list)


def read_done_ids(output: Path) -> set[str]:
    """Ids already in an output file; a torn last line (killed mid-write) is cut off first."""
    if not output.is_file():
        return set()
    data = output.read_bytes()
    if data and not data.endswith(b"\n"):
        cut = data.rfind(b"\n") + 1
        with output.open("r+b") as handle:
            handle.truncate(cut)
        data = data[:cut]
    done = set()
    for line in data.decode("utf-8").splitlines():
        if line.strip():
            done.add(json.loads(line)["id"])
    return done


def iter_input(path: Path) -> Iterator[tuple[int, dict | None, str | None]]:
    """(line number, record, problem): a record {id, text, ...} or the reason the line is bad."""
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as error:
                yield number, None, f"invalid UTF-8 at byte {error.start} of the line"
                continue
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as error:
                yield number, None, f"invalid JSON ({error.msg} at column {error.colno})"
                continue
            if not isinstance(obj, dict):
                yield number, None, "expected a JSON object"
            elif not isinstance(obj.get("id"), (str, int)) or isinstance(obj.get("id"), bool):
                yield number, None, "missing or non-string field 'id'"
            elif not isinstance(obj.get("text"), str):
                yield number, None, "missing or non-string field 'text'"
            else:
                yield number, obj, None


def predict_jsonl(
    predict: PredictFn,
    input_path: Path,
    output_path: Path,
    resume: bool = False,
    chunk_size: int = 64,
    progress: bool = True,
    shard: tuple[int, int] = (0, 1),
    errors: TextIO = sys.stderr,
) -> RunReport:
    """Predict every good line of input_path into output_path, in input order.

    shard=(k, n) keeps records whose ordinal among good lines is k mod n (multi-process runs).
    """
    from tqdm import tqdm

    report = RunReport()
    done = read_done_ids(output_path) if resume else set()
    if not resume and output_path.exists():
        output_path.unlink()
    seen: set[str] = set()
    output_path.parent.mkdir(parents=True, exist_ok=True)
    with output_path.open("a", encoding="utf-8") as out:
        pending: list[dict] = []

        def flush() -> None:
            if not pending:
                return
            spans = predict([r["text"] for r in pending])
            for record, record_spans in zip(pending, spans):
                out.write(json.dumps({**record, "spans": record_spans}, ensure_ascii=False) + "\n")
            out.flush()
            report.written += len(pending)
            pending.clear()

        ordinal = -1
        for number, record, problem in tqdm(iter_input(input_path), disable=not progress, unit=" lines", desc="isnad predict"):
            if problem is None and str(record["id"]) in seen:  # type: ignore[index]
                problem = f"duplicate id {record['id']!r}"  # type: ignore[index]
            if problem is not None:
                report.bad_lines.append((number, problem))
                print(f"{input_path}:{number}: {problem}", file=errors)
                continue
            seen.add(str(record["id"]))  # type: ignore[index]
            ordinal += 1
            if ordinal % shard[1] != shard[0]:
                continue
            if record["id"] in done:  # type: ignore[index]
                report.skipped_done += 1
                continue
            pending.append(record)  # type: ignore[arg-type]
            if len(pending) >= chunk_size:
                flush()
        flush()
    return report
