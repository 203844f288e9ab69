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
