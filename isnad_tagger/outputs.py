"""Writing results without ever losing a user's file.

A command's output is written beside its final name and moved into place only when complete, so a
failed or interrupted run leaves the previous file as it was; an output that is the input (also
through a link) is refused before anything is opened for writing.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import IO, Iterator

from isnad_tagger.spans import IsnadDataError

STDIO = "-"
PARTIAL_SUFFIX = ".partial"


def same_file(a: str | Path, b: str | Path) -> bool:
    """True when both name one file: the same path after resolving links, or the same inode."""
    a, b = Path(a), Path(b)
    if a.resolve() == b.resolve():
        return True
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def check_distinct(source: str | Path, target: str | Path) -> None:
    if str(source) != STDIO and str(target) != STDIO and same_file(source, target):
        raise IsnadDataError(f"the output {target} is the input file: pick another output, the input would be destroyed")


def partial_path(path: str | Path) -> Path:
    """Where a run writes before its output is complete (kept after an interruption, for --resume)."""
    path = Path(path)
    return path.with_name(path.name + PARTIAL_SUFFIX)


@contextlib.contextmanager
def replace_when_done(path: str | Path, encoding: str = "utf-8") -> Iterator[IO[str]]:
    """Write a text file through a temporary sibling, renamed over `path` only on success."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with temporary.open("w", encoding=encoding, newline="") as handle:
            yield handle
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def probe_folder(folder: str | Path) -> None:
    """Create `folder` if needed and write and remove a probe file in it (named per process: torchrun
    ranks probe one folder at once); raises the OSError the system gives."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    probe = folder / f".isnad_write_probe.{os.getpid()}"
    probe.write_bytes(b"")
    probe.unlink()


def check_writable(path: str | Path) -> None:
    """Fail before any work (a model load, an hour of tagging) when `path` cannot be created in its
    folder. Raises IsnadIOError (exit 4)."""
    from isnad_tagger.errors import IsnadIOError

    path = Path(path)
    try:
        probe_folder(path.parent)
    except OSError as error:
        raise IsnadIOError(error.errno, f"cannot write {path} ({error.strerror}); nothing was written") from None
