"""Span and record types of the data contract (spec/format.md), and their validation rules."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from isnad_tagger.labels import FAMILY_BY_NAME, Family, check_label
from isnad_tagger.words import on_word_boundaries


class IsnadDataError(ValueError):
    """Bad data, with the place it was found (file, line, field) in the message."""

    def __init__(self, reason: str, *, path: str | None = None, line: int | None = None) -> None:
        self.reason, self.path, self.line = reason, path, line
        where = ":".join(str(part) for part in (path, line) if part is not None)
        super().__init__(f"{where}: {reason}" if where else reason)


@dataclass(frozen=True, order=True)
class Span:
    start: int
    end: int
    label: str
    type: str | None = None
    score: float | None = field(default=None, compare=False)

    def key(self) -> tuple[int, int, str, str | None]:
        return (self.start, self.end, self.label, self.type)

    def to_dict(self, text: str | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {"start": self.start, "end": self.end}
        if text is not None:
            out["text"] = text[self.start : self.end]
        out.update(label=self.label, type=self.type)
        if self.score is not None:
            out["score"] = float(self.score)
        return out


@dataclass
class Record:
    id: str
    text: str
    spans: list[Span]
    meta: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "text": self.text,
            "spans": [{k: v for k, v in s.to_dict().items()} for s in sorted(self.spans)],
        }
        if self.meta:
            out["meta"] = self.meta
        return out


def span_problems(text: str, spans: list[Span], families: Mapping[str, Family] = FAMILY_BY_NAME) -> list[str]:
    """Every reason why these spans break the contract on this text (empty list when valid)."""
    problems = []
    for i, span in enumerate(spans):
        where = f"spans[{i}] ({span.label} {span.start}-{span.end})"
        reason = check_label(span.label, span.type, families)
        if reason:
            problems.append(f"{where}: {reason}")
        if not (isinstance(span.start, int) and isinstance(span.end, int)) or isinstance(span.start, bool):
            problems.append(f"{where}: start and end must be integers")
            continue
        if not (0 <= span.start < span.end <= len(text)):
            problems.append(f"{where}: offsets out of range for a text of length {len(text)}")
        elif not on_word_boundaries(text, span.start, span.end):
            problems.append(
                f"{where}: {text[span.start:span.end]!r} does not start and end on word boundaries"
            )
    for family in families:
        own = sorted((s for s in spans if s.label == family), key=lambda s: (s.start, s.end))
        for left, right in zip(own, own[1:]):
            if right.start < left.end:
                problems.append(
                    f"overlapping {family} spans {left.start}-{left.end} and {right.start}-{right.end}"
                )
    return problems
