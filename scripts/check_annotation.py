"""Check an annotated markup batch against the pool: valid markup, same ids in the same order, and
text that strips back to the pool text exactly. Prints span counts per family and type."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from isnad_tagger.data import read_records, validate_file

POOL = Path(__file__).resolve().parent.parent / "data" / "gold" / "pool.jsonl"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("files", nargs="+")
    parser.add_argument("--pool", default=str(POOL))
    args = parser.parse_args()
    pool = {r.id: r.text for r in read_records(args.pool)}
    failed = False
    for path in args.files:
        errors = validate_file(path)
        if errors:
            failed = True
            print("\n".join(map(str, errors)))
            continue
        records = read_records(path)
        counts: Counter = Counter()
        for record in records:
            if record.id not in pool:
                print(f"{path}: id {record.id!r} is not in the pool")
                failed = True
            elif record.text != pool[record.id]:
                failed = True
                original = pool[record.id]
                at = next((i for i, (a, b) in enumerate(zip(record.text, original)) if a != b), min(len(record.text), len(original)))
                print(f"{path}: {record.id}: text differs from the pool at character {at}: "
                      f"{record.text[max(0, at - 20):at + 20]!r} vs {original[max(0, at - 20):at + 20]!r}")
            counts.update(f"{s.label}:{s.type}" if s.type else s.label for s in record.spans)
        print(f"{path}: {len(records)} records, {sum(counts.values())} spans: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
