"""Errors a user can act on; the CLI prints them as one line, never as a traceback."""

from __future__ import annotations

from isnad_tagger.spans import IsnadDataError


class MissingDependencyError(ImportError):
    """An optional package is not installed; the message names the extra that brings it."""

    def __init__(self, what: str, package: str, extra: str) -> None:
        super().__init__(f"{what} needs the {package} package: pip install 'isnad-tagger[{extra}]'")


def first_line(error: BaseException, limit: int = 300) -> str:
    """The first line of an exception's message (libraries put pages of detail below it), cut to `limit`."""
    text = str(error).strip()
    return text.splitlines()[0][:limit] if text else ""


class ModelLoadError(IsnadDataError):
    """A model folder that cannot be loaded as it claims to be (missing or unused weights, no tokenizer,
    an ONNX file that is not the one exported); the CLI exits 3 on it."""


class IsnadIOError(OSError):
    """A read or write the system refused (disk full, read-only folder, a file gone mid-run); the CLI
    exits 4 on it, and the message says what is left on disk."""


# Exit codes, the same for every command (README, "Exit codes"); a script can branch on them.
EXIT_OK = 0
EXIT_BAD_LINES = 1  # finished; some input lines were bad and were reported
EXIT_USAGE = 2  # usage, config or data-contract error, before any work
EXIT_MODEL = 3  # a model that cannot be loaded
EXIT_IO = 4  # an I/O failure; the output is left resumable
EXIT_BUG = 70  # an unexpected error (a bug): rerun with --debug and report the traceback
EXIT_SIGNAL_BASE = 128  # stopped by a signal: 128 + its number (130 SIGINT, 143 SIGTERM), output resumable


def describe_os_error(error: OSError) -> str:
    """'No space left on device: out.jsonl' rather than '[Errno 28] ...' with a traceback."""
    if isinstance(error, IsnadIOError):
        return error.strerror or str(error)
    reason = error.strerror or first_line(error) or type(error).__name__
    return f"{reason}: {error.filename}" if error.filename else reason
