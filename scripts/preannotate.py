"""Pre-annotate markup batches with the rule tagger: the draft an annotator then reads and corrects.

Spans of different families that cross (neither nests in the other) cannot be written as markup;
the shorter one is dropped from the draft and counted, never silently.
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

from isnad_tagger.data import read_records, write_records
from isnad_tagger.rules import RuleTagger
from isnad_tagger.spans import Record, Span


def drop_crossing(spans: list[Span]) -> tuple[list[Span], int]:
    kept: list[Span] = []
    dropped = 0
    for span in sorted(spans, key=lambda s: s.start - s.end):  # longest first
        if any(k.start < span.start < k.end < span.end or span.start < k.start < span.end < k.end for k in kept):
            dropped += 1
        else:
            kept.append(span)
    return kept, dropped


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("inputs", nargs="+", help="markup batch files (plain text blocks)")
    parser.add_argument("--out-dir", required=True)
    args = parser.parse_args()
    tagger = RuleTagger()
    for path in map(Path, args.inputs):
        records = read_records(path)
        drafts, dropped = [], 0
        for record, predicted in zip(records, tagger.predict_spans([r.text for r in records])):
            spans, lost = drop_crossing([replace(s, score=None) for s in predicted])  # drafts carry no scores
            dropped += lost
            drafts.append(Record(record.id, record.text, spans))
        out = Path(args.out_dir) / path.name
        write_records(drafts, out)
        print(f"{path} -> {out}: {len(drafts)} records, {sum(len(d.spans) for d in drafts)} spans, {dropped} crossing spans dropped")


if __name__ == "__main__":
    main()
