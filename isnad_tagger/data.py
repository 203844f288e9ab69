"""Reading, validating and writing span JSONL and markup files (the data contract).

Every problem is reported with its file, line and field; nothing is dropped silently.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Iterable, Iterator

from isnad_tagger.labels import FAMILY_BY_NAME, Family
from isnad_tagger.markup import markup_to_records, records_to_markup
from isnad_tagger.outputs import check_distinct, replace_when_done
from isnad_tagger.spans import IsnadDataError, Record, Span, span_problems

MARKUP_SUFFIXES = (".txt", ".md")
JSONL_SUFFIXES = (".jsonl",)


def _read_text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise IsnadDataError("file not found", path=str(path)) from None
    except UnicodeDecodeError as error:
        line = path.read_bytes()[: error.start].count(b"\n") + 1
        raise IsnadDataError(f"invalid UTF-8 at byte {error.start}", path=str(path), line=line) from None


def json_type_name(value: Any) -> str:
    """The JSON name of a decoded value's type (null, true/false, number, ...), as the user wrote it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return {dict: "an object", list: "an array", str: "a string", int: "a number", float: "a number"}.get(type(value), type(value).__name__)


def parse_record(obj: Any) -> Record:
    """Turn one decoded JSON object into a Record, checking field presence and types."""
    if not isinstance(obj, dict):
        raise IsnadDataError(f"expected a JSON object, got {json_type_name(obj)}")
    for name, kind in (("id", str), ("text", str)):
        if name not in obj:
            raise IsnadDataError(f"missing field {name!r}")
        if not isinstance(obj[name], kind):
            raise IsnadDataError(f"field {name!r} must be a string, got {json_type_name(obj[name])}")
    raw_spans = obj.get("spans", [])
    if not isinstance(raw_spans, list):
        raise IsnadDataError("field 'spans' must be a list")
    spans = []
    for i, raw in enumerate(raw_spans):
        if not isinstance(raw, dict):
            raise IsnadDataError(f"spans[{i}] must be an object")
        for name in ("start", "end", "label"):
            if name not in raw:
                raise IsnadDataError(f"spans[{i}] is missing field {name!r}")
        if not all(isinstance(raw[k], int) and not isinstance(raw[k], bool) for k in ("start", "end")):
            raise IsnadDataError(f"spans[{i}]: start and end must be integers")
        score = raw.get("score")
        if score is not None and (not isinstance(score, (int, float)) or isinstance(score, bool)):
            raise IsnadDataError(f"spans[{i}]: score must be a number, got {score!r}")
        spans.append(Span(raw["start"], raw["end"], raw["label"], raw.get("type"), score))
        if "text" in raw and raw["text"] != obj["text"][raw["start"] : raw["end"]]:
            raise IsnadDataError(f"spans[{i}]: field 'text' {raw['text']!r} differs from text[start:end]")
    meta = obj.get("meta") or {}
    if not isinstance(meta, dict):
        raise IsnadDataError("field 'meta' must be an object")
    return Record(obj["id"], obj["text"], spans, meta)


def iter_jsonl_objects(path: str | Path, errors: list[IsnadDataError] | None = None) -> Iterator[tuple[int, Any]]:
    """Yield (line number, decoded object) for every non-blank line. Bad JSON raises with its line, or,
    given an `errors` list, is added to it and skipped (validate reports every bad line, not the first)."""
    path = Path(path)
    for number, line in enumerate(_read_text(path).split("\n"), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as error:
            problem = IsnadDataError(f"invalid JSON: {error.msg} (column {error.colno})", path=str(path), line=number)
            if errors is None:
                raise problem from None
            errors.append(problem)
            continue
        yield number, obj


def validate_records(records: Iterable[tuple[int, Record]], path: str, families: Mapping[str, Family] = FAMILY_BY_NAME) -> list[IsnadDataError]:
    """All contract violations in (line, record) pairs: span rules and duplicate ids."""
    errors = []
    seen: dict[str, int] = {}
    for line, record in records:
        if record.id in seen:
            errors.append(IsnadDataError(f"duplicate id {record.id!r} (first on line {seen[record.id]})", path=path, line=line))
        seen.setdefault(record.id, line)
        for problem in span_problems(record.text, record.spans, families):
            errors.append(IsnadDataError(f"record {record.id!r}: {problem}", path=path, line=line))
    return errors


def _collect_jsonl(path: Path) -> tuple[list[tuple[int, Record]], list[IsnadDataError]]:
    records: list[tuple[int, Record]] = []
    errors: list[IsnadDataError] = []
    for number, obj in iter_jsonl_objects(path, errors):
        try:
            records.append((number, parse_record(obj)))
        except IsnadDataError as error:
            errors.append(IsnadDataError(error.reason, path=str(path), line=number))
    return records, errors


def _collect_markup(path: Path) -> list[tuple[int, Record]]:
    from isnad_tagger.markup import read_markup_blocks

    content = _read_text(path)
    lines = [number for _, number, _ in read_markup_blocks(content, str(path))]
    return list(zip(lines, markup_to_records(content, str(path))))


def validate_file(path: str | Path, families: Mapping[str, Family] = FAMILY_BY_NAME) -> list[IsnadDataError]:
    """Every problem in a span JSONL or markup file; an empty list means the file is valid.
    `families` is the label schema (Isnad v1 unless a config sets `label_schema`)."""
    path = Path(path)
    try:
        if path.suffix in MARKUP_SUFFIXES:
            records, errors = _collect_markup(path), []
        else:
            records, errors = _collect_jsonl(path)
    except IsnadDataError as error:
        return [error]
    return errors + validate_records(records, str(path), families)


def read_records(path: str | Path, families: Mapping[str, Family] = FAMILY_BY_NAME) -> list[Record]:
    """Read a span JSONL or markup file, raising the first contract violation with file and line."""
    return [record for _, record in read_numbered_records(path, families)]


def read_numbered_records(path: str | Path, families: Mapping[str, Family] = FAMILY_BY_NAME) -> list[tuple[int, Record]]:
    """(line, record) for every record of a valid file (the line where its JSON object or markup block
    starts), so later checks can still name FILE:LINE; the first contract violation raises."""
    errors = validate_file(path, families)
    if errors:
        more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
        raise IsnadDataError(f"{errors[0]}{more}")
    path = Path(path)
    if path.suffix in MARKUP_SUFFIXES:
        return _collect_markup(path)
    return _collect_jsonl(path)[0]


def write_records(records: Iterable[Record], path: str | Path, families: Mapping[str, Family] = FAMILY_BY_NAME) -> None:
    """Write records as span JSONL or markup, chosen by the file extension."""
    path = Path(path)
    records = list(records)
    content = writer_for(path)(records, families)  # built in full first: a record that cannot be written leaves no file
    with replace_when_done(path) as handle:
        handle.write(content)


def _jsonl(records: list[Record], families: Mapping[str, Family]) -> str:
    return "".join(json.dumps(record.to_dict(), ensure_ascii=False) + "\n" for record in records)


def _markup(records: list[Record], families: Mapping[str, Family]) -> str:
    return records_to_markup(records, tuple(families.values()))


def _span_table(delimiter: str):
    """One row per span (id, start, end, text, label, type, score): what spreadsheets and pandas open."""

    def write(records: list[Record], families: Mapping[str, Family]) -> str:
        import csv
        import io

        buffer = io.StringIO()
        table = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
        table.writerow(SPAN_COLUMNS)
        for record in records:
            for span in sorted(record.spans):
                score = "" if span.score is None else f"{span.score:.6g}"
                table.writerow([record.id, span.start, span.end, record.text[span.start : span.end], span.label, span.type or "", score])
        return buffer.getvalue()

    return write


SPAN_COLUMNS = ("id", "start", "end", "text", "label", "type", "score")
WRITERS = {".jsonl": _jsonl, ".txt": _markup, ".md": _markup, ".csv": _span_table(","), ".tsv": _span_table("\t")}


def writer_for(path: Path):
    """The writer for a file's extension, or an error naming the extensions that can be written."""
    writer = WRITERS.get(path.suffix)
    if writer is None:
        raise IsnadDataError(f"cannot write {path.name}: the extension must be one of {', '.join(sorted(WRITERS))}")
    return writer


def convert(source: str | Path, target: str | Path, families: Mapping[str, Family] = FAMILY_BY_NAME) -> int:
    """Convert markup <-> span JSONL (or span JSONL/markup -> CSV/TSV, one row per span) by
    extension (`isnad-tagger convert`) under a label schema (Isnad's by default); returns the record count.
    The target is written only once the source has been read and checked, never over the source."""
    writer_for(Path(target))  # an extension it cannot write fails before anything is read
    check_distinct(source, target)
    records = read_records(source, families)
    write_records(records, target, families)
    return len(records)


def dataset_features():
    """Explicit Arrow schema: a file whose spans are all ACTOR (type always null) must still
    concatenate with files that have typed spans."""
    import datasets

    span = {"start": datasets.Value("int64"), "end": datasets.Value("int64"), "label": datasets.Value("string"), "type": datasets.Value("string")}
    return datasets.Features({"id": datasets.Value("string"), "text": datasets.Value("string"), "spans": datasets.List(span)})


def load_dataset(path: str | Path, families: Mapping[str, Family] = FAMILY_BY_NAME, max_record_chars: int | None = None,
                 require_records: bool = False):
    """Load a validated span file as a `datasets.Dataset` with columns id, text, spans. For training,
    `max_record_chars` rejects an over-long record and `require_records` an empty file, both with FILE:LINE."""
    import datasets

    numbered = read_numbered_records(path, families)
    if require_records and not numbered:
        raise IsnadDataError("no records: a training file must hold at least one (an empty file trains nothing)", path=str(path))
    for line, record in numbered:
        if max_record_chars is not None and len(record.text) > max_record_chars:
            raise IsnadDataError(f"record {record.id!r} has {len(record.text):,} characters, more than max_record_chars "
                                 f"({max_record_chars:,}): split long documents into paragraphs, or raise max_record_chars "
                                 "in the config", path=str(path), line=line)
    rows = [record.to_dict() for _, record in numbered]
    for row in rows:
        row.pop("meta", None)
    features = dataset_features()
    if not rows:
        return datasets.Dataset.from_dict({"id": [], "text": [], "spans": []}, features=features)
    return datasets.Dataset.from_list(rows, features=features)
