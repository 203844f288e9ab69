"""Errors a user can act on; the CLI prints them as one line (exit 2), never as a traceback."""

from __future__ import annotations


class MissingDependencyError(ImportError):
    """An optional package is not installed; the message names the extra that brings it."""

    def __init__(self, what: str, package: str, extra: str) -> None:
        super().__init__(f"{what} needs the {package} package: pip install 'isnad-tagger[{extra}]'")
