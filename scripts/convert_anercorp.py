"""Convert ANERcorp to ACTOR span JSONL (data/anercorp/{train,dev,test}.jsonl; not committed).

Thin front end of isnad.training.anercorp, which documents the mapping and the split.
Run from the repository root:  python scripts/convert_anercorp.py [--input ...] [--out data/anercorp]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    from isnad.data import validate_file
    from isnad.training.anercorp import convert_file

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--input", type=Path, default=REPO.parent / "shared" / "data" / "anercorp" / "ANERCorp.txt")
    parser.add_argument("--out", type=Path, default=REPO / "data" / "anercorp")
    args = parser.parse_args(argv)

    stats = convert_file(args.input, args.out)
    width = max(map(len, stats))
    for key in sorted(stats):
        print(f"{key.ljust(width)}  {stats[key]}")
    failed = False
    for split in ("train", "dev", "test"):
        errors = validate_file(args.out / f"{split}.jsonl")
        failed |= bool(errors)
        print(f"{args.out / f'{split}.jsonl'}: {'ok' if not errors else f'{len(errors)} problem(s)'}")
        for error in errors[:10]:
            print(error, file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
