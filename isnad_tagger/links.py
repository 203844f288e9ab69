"""The cue -> source link layer (docs/spec/links.md): reading it against its span file, and scoring the
links that attribution records (isnad_tagger.records) make, on gold spans or on predicted ones."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from isnad_tagger.data import iter_jsonl_objects, read_records
from isnad_tagger.records import build_records
from isnad_tagger.spans import IsnadDataError, Record

Offsets = tuple[int, int]
Links = dict[Offsets, Offsets | None]  # cue -> source (None: no source in the text)


def read_links(path: str | Path, span_file: str | Path) -> dict[str, Links]:
    """Links per record id, checked against the span file: every STANCE span has exactly one entry and
    every source is a SOURCE span of the same record; a violation names file, line and span."""
    records = {r.id: r for r in read_records(span_file)}
    out: dict[str, Links] = {}
    for line, obj in iter_jsonl_objects(path):
        where = dict(path=str(path), line=line)
        if not isinstance(obj, dict) or not isinstance(obj.get("id"), str) or not isinstance(obj.get("links"), list):
            raise IsnadDataError("expected an object with a string 'id' and a list 'links'", **where)
        record = records.get(obj["id"])
        if record is None:
            raise IsnadDataError(f"record {obj['id']!r} is not in {span_file}", **where)
        if obj["id"] in out:
            raise IsnadDataError(f"record {obj['id']!r} is linked twice", **where)
        cues = {(s.start, s.end) for s in record.spans if s.label == "STANCE"}
        sources = {(s.start, s.end) for s in record.spans if s.label == "SOURCE"}
        links: Links = {}
        for i, entry in enumerate(obj["links"]):
            cue, source = _offsets(entry, "cue", where, i), _offsets(entry, "source", where, i, optional=True)
            if cue not in cues:
                raise IsnadDataError(f"links[{i}]: cue {list(cue)} is not a STANCE span of {record.id!r}", **where)
            if source is not None and source not in sources:
                raise IsnadDataError(f"links[{i}]: source {list(source)} is not a SOURCE span of {record.id!r}", **where)
            if cue in links:
                raise IsnadDataError(f"links[{i}]: cue {list(cue)} is linked twice", **where)
            links[cue] = source
        missing = sorted(cues - set(links))
        if missing:
            raise IsnadDataError(f"record {record.id!r}: STANCE spans {[list(m) for m in missing]} have no link entry", **where)
        out[record.id] = links
    unlinked = [r.id for r in records.values() if any(s.label == "STANCE" for s in r.spans) and r.id not in out]
    if unlinked:
        raise IsnadDataError(f"{len(unlinked)} records with STANCE spans have no links, e.g. {unlinked[0]!r}", path=str(path))
    return out


def _offsets(entry, key: str, where: dict, i: int, optional: bool = False) -> Offsets | None:
    value = entry.get(key) if isinstance(entry, dict) else None
    if value is None and optional and isinstance(entry, dict) and key in entry:
        return None
    if not (isinstance(value, list) and len(value) == 2 and all(isinstance(v, int) and not isinstance(v, bool) for v in value)):
        raise IsnadDataError(f"links[{i}]: '{key}' must be [start, end]" + (" or null" if optional else ""), **where)
    return value[0], value[1]


def write_links(path: str | Path, links: dict[str, Links]) -> None:
    """One line per record, cues in text order (the layout read_links reads)."""
    with Path(path).open("w", encoding="utf-8") as handle:
        for record_id, record_links in links.items():
            entries = [{"cue": list(cue), "source": list(source) if source else None} for cue, source in sorted(record_links.items())]
            handle.write(json.dumps({"id": record_id, "links": entries}, ensure_ascii=False) + "\n")


def predicted_links(record: Record, spans: list[dict] | None = None) -> Links:
    """cue -> source as attribution records link them, over the record's own spans (gold) or `spans`
    (a model's predictions for the record's text)."""
    if spans is None:
        spans = [s.to_dict(record.text) for s in record.spans]
    built = build_records(record.text, spans)
    return {(a["cue"]["start"], a["cue"]["end"]): (a["source"]["start"], a["source"]["end"]) if a["source"] else None
            for a in built["attributions"]}


@dataclass
class LinkScore:
    """Links with a source: precision over the predicted ones, recall over the gold ones (a link is right
    when its cue and its source are both exact); `cues_right` also counts agreeing nulls."""

    predicted: int = 0
    gold: int = 0
    correct: int = 0
    cues: int = 0
    cues_right: int = 0

    def add(self, gold: Links, predicted: Links) -> None:
        self.gold += sum(1 for s in gold.values() if s is not None)
        self.predicted += sum(1 for s in predicted.values() if s is not None)
        self.correct += sum(1 for cue, s in predicted.items() if s is not None and gold.get(cue, "absent") == s)
        self.cues += len(gold)
        self.cues_right += sum(1 for cue, s in gold.items() if cue in predicted and predicted[cue] == s)

    def as_dict(self) -> dict[str, float | int]:
        p = self.correct / self.predicted if self.predicted else 0.0
        r = self.correct / self.gold if self.gold else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"precision": p, "recall": r, "f1": f, "predicted": self.predicted, "gold": self.gold, "correct": self.correct,
                "cues": self.cues, "cue_accuracy": self.cues_right / self.cues if self.cues else 0.0}
