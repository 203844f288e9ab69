"""Inline markup `[[span text|LABEL:type]]` <-> spans, exactly (spec/format.md).

Hand-written because no library knows this format; nesting across families is allowed. Any label
schema reads and writes: a label is a name (`ACTOR`, `NER`), a type any name (`named`,
`PERS`); whether they belong to the schema is the validator's question (isnad_tagger.spans), not the parser's.
"""

from __future__ import annotations

import re

from isnad_tagger.labels import FAMILIES, Family
from isnad_tagger.spans import IsnadDataError, Record, Span

OPEN = "[["
CLOSE_PATTERN = re.compile(r"\|([A-Za-z][A-Za-z0-9_]*)(?::([A-Za-z0-9_][A-Za-z0-9_-]*))?\]\]")
BLOCK_HEADER = "### "


def parse_markup(marked: str) -> tuple[str, list[Span]]:
    """Strip the markup, returning the plain text and the spans it marked (unvalidated)."""
    plain: list[str] = []
    length = 0
    stack: list[int] = []
    spans: list[Span] = []
    i = 0
    while i < len(marked):
        if marked.startswith(OPEN, i):
            stack.append(length)
            i += len(OPEN)
            continue
        close = CLOSE_PATTERN.match(marked, i) if marked[i] == "|" else None
        if close:
            if not stack:
                raise IsnadDataError(f"closing '{close.group(0)}' at character {i} has no opening '[['")
            start = stack.pop()
            spans.append(Span(start, length, close.group(1), close.group(2)))
            i = close.end()
            continue
        plain.append(marked[i])
        length += 1
        i += 1
    if stack:
        raise IsnadDataError(f"{len(stack)} '[[' never closed (first opened at text offset {stack[0]})")
    return "".join(plain), spans


def to_markup(text: str, spans: list[Span], families: tuple[Family, ...] = FAMILIES) -> str:
    """Insert markup for spans into text; crossing spans (not nested) cannot be written."""
    # Outer spans open first; for identical extents the later family of the schema is written
    # outside, so `[[[[X|ACTOR]]|SOURCE:named]]` is the one canonical form.
    order = {family.name: i for i, family in enumerate(families)}
    ordered = sorted(spans, key=lambda s: (s.start, -s.end, -order.get(s.label, -1)))
    for outer in ordered:
        for inner in ordered:
            if outer.start < inner.start < outer.end < inner.end:
                raise IsnadDataError(
                    f"spans {outer.label} {outer.start}-{outer.end} and {inner.label} "
                    f"{inner.start}-{inner.end} cross, so they cannot be written as nested markup"
                )
    opens: dict[int, list[Span]] = {}
    closes: dict[int, list[Span]] = {}
    for span in ordered:
        opens.setdefault(span.start, []).append(span)
        closes.setdefault(span.end, []).append(span)
    out: list[str] = []
    open_stack: list[Span] = []
    for position in range(len(text) + 1):
        for _ in closes.get(position, []):
            span = open_stack.pop()
            suffix = f":{span.type}" if span.type is not None else ""
            out.append(f"|{span.label}{suffix}]]")
        for span in opens.get(position, []):
            open_stack.append(span)
            out.append(OPEN)
        if position < len(text):
            out.append(text[position])
    return "".join(out)


def read_markup_blocks(content: str, path: str = "<markup>") -> list[tuple[str, int, str]]:
    """Split a markup file into (id, line number of its header, marked text) blocks."""
    blocks: list[tuple[str, int, list[str]]] = []
    for number, line in enumerate(content.split("\n"), start=1):
        if line.startswith(BLOCK_HEADER):
            record_id = line[len(BLOCK_HEADER) :].strip()
            if not record_id:
                raise IsnadDataError("empty record id after '### '", path=path, line=number)
            blocks.append((record_id, number, []))
        elif blocks:
            blocks[-1][2].append(line)
        elif line.strip():
            raise IsnadDataError("text before the first '### <id>' header", path=path, line=number)
    result = []
    for record_id, number, lines in blocks:
        if lines and lines[-1] == "":
            lines = lines[:-1]  # the block's final newline is not part of the text (spec)
        result.append((record_id, number, "\n".join(lines)))
    return result


def markup_to_records(content: str, path: str = "<markup>") -> list[Record]:
    records = []
    for record_id, number, marked in read_markup_blocks(content, path):
        try:
            text, spans = parse_markup(marked)
        except IsnadDataError as error:
            raise IsnadDataError(f"record {record_id!r}: {error.reason}", path=path, line=number) from None
        records.append(Record(record_id, text, spans))
    return records


def records_to_markup(records: list[Record], families: tuple[Family, ...] = FAMILIES) -> str:
    parts = []
    for record in records:
        try:
            parts.append(f"{BLOCK_HEADER}{record.id}\n{to_markup(record.text, record.spans, families)}\n")
        except IsnadDataError as error:
            raise IsnadDataError(f"record {record.id!r}: {error.reason}") from None
    return "".join(parts)
