"""Assemble the hand-corrected batches into one span file per split (data/gold/{train,dev,test}.jsonl).

Each record gets its pool metadata (corpus, document id, paragraph, license, origin, split,
selection). Fails, naming the id, when a pool paragraph is missing from the batches (unless
--allow-missing: a pool annotated batch by batch, such as data/gold/extra), annotated twice, or its
text no longer matches the pool. The extra pool:
    python scripts/build_gold.py --pool data/gold/extra/pool.jsonl --annotated data/gold/extra/annotated --out data/gold/extra --allow-missing
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from isnad_tagger.data import read_records, write_records
from isnad_tagger.spans import Record

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "data" / "gold"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pool", default=str(GOLD / "pool.jsonl"))
    parser.add_argument("--annotated", default=str(GOLD / "annotated"))
    parser.add_argument("--out", default=str(GOLD))
    parser.add_argument("--allow-missing", action="store_true", help="write the annotated part of a pool still being annotated")
    args = parser.parse_args()
    pool = {r.id: r for r in read_records(args.pool)}
    supplement = Path(args.pool).with_name("pool_supplement.jsonl")  # scripts/build_gold_supplement.py
    if supplement.is_file():
        pool.update({r.id: r for r in read_records(supplement)})
    annotated: dict[str, Record] = {}
    for path in sorted(Path(args.annotated).glob("*.txt")):
        for record in read_records(path):
            if record.id in annotated:
                raise SystemExit(f"{path}: {record.id} is annotated twice")
            if record.id not in pool:
                raise SystemExit(f"{path}: {record.id} is not in the pool")
            if record.text != pool[record.id].text:
                raise SystemExit(f"{path}: {record.id}: text differs from the pool")
            annotated[record.id] = record
    missing = [i for i in pool if i not in annotated]
    if missing and not args.allow_missing:
        raise SystemExit(f"{len(missing)} pool paragraphs are not annotated yet, e.g. {missing[:3]}")
    splits: dict[str, list[Record]] = {}
    for record_id, original in pool.items():
        if record_id not in annotated:
            continue
        record = annotated[record_id]
        splits.setdefault(original.meta["split"], []).append(Record(record_id, record.text, sorted(record.spans), original.meta))
    for split, records in splits.items():
        write_records(records, Path(args.out) / f"{split}.jsonl")
        counts = Counter(f"{s.label}:{s.type}" if s.type else s.label for r in records for s in r.spans)
        print(f"{split}: {len(records)} paragraphs, {sum(counts.values())} spans")
    if missing:
        print(f"{len(missing)} pool paragraphs not annotated yet (left out)")


if __name__ == "__main__":
    main()
