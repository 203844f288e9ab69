"""Streaming JSONL prediction for whole archives: writes as it goes, reports bad lines without
stopping, and resumes after an interruption without duplicating or losing records.

The output is written to `<output>.partial` and renamed over `<output>` only when the run is complete,
so a failed or interrupted run never leaves a half-overwritten result; `--resume` continues the
`.partial` file (or, without one, appends to a finished output). "-" reads stdin / writes stdout.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Callable, Iterator, TextIO

from isnad_tagger.data import json_type_name
from isnad_tagger.errors import IsnadIOError
from isnad_tagger.outputs import STDIO, partial_path
from isnad_tagger.spans import IsnadDataError

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


def count_lines(path: Path) -> int | None:
    """Lines in the input, for a progress bar with a total (None for stdin)."""
    if str(path) == STDIO:
        return None
    with path.open("rb") as handle:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))


def _open_input(path: Path) -> BinaryIO:
    if str(path) == STDIO:
        return sys.stdin.buffer
    try:
        return path.open("rb")
    except FileNotFoundError:
        raise IsnadDataError("input file not found", path=str(path)) from None
    except OSError as error:
        raise IsnadDataError(f"input cannot be read ({error.strerror})", path=str(path)) from None


def iter_input(path: Path) -> Iterator[tuple[int, dict | None, str | None]]:
    """(line number, record, problem): a record {id, text, ...} or the reason the line is bad."""
    handle = _open_input(path)
    with contextlib.closing(handle) if handle is not sys.stdin.buffer else contextlib.nullcontext(handle):
        for number, raw in enumerate(handle, start=1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as error:
                yield number, None, f"invalid UTF-8 at byte {error.start} of the line"
                continue
            if not line.strip():
                continue
            try:
                obj = json.loads(line.rstrip("\r\n"))
            except json.JSONDecodeError as error:
                yield number, None, f"invalid JSON: {error.msg} (column {error.colno})"
                continue
            yield number, obj, record_problem(obj)


def record_problem(obj) -> str | None:
    """Why a decoded line is not a record {id, text, ...} to tag, or None when it is one."""
    if not isinstance(obj, dict):
        return f"expected a JSON object, got {json_type_name(obj)}"
    for name, kinds, wanted in (("id", (str, int), "a string or an integer"), ("text", (str,), "a string")):
        if name not in obj:
            return f"missing field {name!r}"
        value = obj[name]
        if not isinstance(value, kinds) or isinstance(value, bool):
            return f"field {name!r} must be {wanted}, got {json_type_name(value)}"
    return None


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
    to_stdout = str(output_path) == STDIO
    if to_stdout and resume:
        raise IsnadDataError("--resume needs an output file, not stdout")
    working = output_path if to_stdout else partial_path(output_path)
    done: set[str] = set()
    if resume:
        if not working.is_file() and output_path.is_file():
            working = output_path  # a finished output: add what is missing to it in place
        done = read_done_ids(working)
    lines = iter_input(input_path)
    first = next(lines, None)  # the input is open and its first line read before anything is written
    total = count_lines(input_path) if progress else None
    seen: set[str] = set()
    out = LineWriter(working, append=resume)
    try:
        pending: list[dict] = []

        def flush() -> None:
            if not pending:
                return
            spans = predict([r["text"] for r in pending])
            out.write_lines([json.dumps({**record, "spans": record_spans}, ensure_ascii=False) for record, record_spans in zip(pending, spans)])
            report.written += len(pending)
            pending.clear()

        ordinal = -1
        stream = _chain(first, lines)
        for number, record, problem in tqdm(stream, total=total, disable=not progress, unit=" lines", desc="isnad-tagger predict"):
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
    finally:
        out.close()
    if working != output_path:
        try:
            os.replace(working, output_path)  # complete: only now does the result take the output's name
        except OSError as error:
            raise IsnadIOError(error.errno, f"all records are in {working}, but it cannot be renamed to {output_path} "
                               f"({error.strerror}); rerun with --resume to finish") from None
    return report


class LineWriter:
    """Appends whole JSONL lines and nothing else: when a write fails (disk full, a file-size limit, the
    folder gone), the file is cut back to its last complete line and the error says how to resume, so
    `--resume` never meets a torn line or a duplicate."""

    def __init__(self, path: Path, append: bool) -> None:
        self.path, self.lines = path, 0
        self.to_stdout = str(path) == STDIO
        if self.to_stdout:
            self.good = 0
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        self.handle = path.open("ab" if append else "wb")
        self.good = self.handle.tell()

    def write_lines(self, lines: list[str]) -> None:
        data = "".join(line + "\n" for line in lines)
        try:
            if self.to_stdout:
                sys.stdout.write(data)
                sys.stdout.flush()
            else:
                encoded = data.encode("utf-8")
                self.handle.write(encoded)
                self.handle.flush()
                self.good += len(encoded)
        except OSError as error:
            self._fail(error)
        self.lines += len(lines)

    def _fail(self, error: OSError) -> None:
        if self.to_stdout:
            raise IsnadIOError(error.errno, f"cannot write to stdout ({error.strerror}) after {self.lines} records") from None
        try:
            self.handle.close()
        except OSError:
            pass  # the close retries the failed flush; the cut below repairs what it left
        try:
            os.truncate(self.path, self.good)
        except OSError:
            pass  # read_done_ids() also cuts a torn last line on --resume
        raise IsnadIOError(error.errno, f"{error.strerror} while writing {self.path}: the {self.lines} records before "
                           "are kept there; free space or fix the folder and rerun with --resume") from None

    def close(self) -> None:
        if self.to_stdout:
            return
        if not self.handle.closed:
            self.handle.close()


def _chain(first, rest):
    if first is not None:
        yield first
    yield from rest
