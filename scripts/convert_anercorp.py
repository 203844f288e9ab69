"""Convert ANERcorp to ACTOR span JSONL (data/anercorp/{train,dev,test}.jsonl; not committed), or
with --ner to four-type NER span JSONL in the CAMeL Lab split (data/anercorp-ner/{train,test}.jsonl),
the public yardstick trained by configs/anercorp-ner.yaml.

Thin front end of isnad_tagger.training.anercorp, which documents the mappings and the splits.
Run from the repository root:  python scripts/convert_anercorp.py [--ner] [--input ...] [--out DIR]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    from isnad_tagger.data import validate_file
    from isnad_tagger.labels import FAMILY_BY_NAME, by_name
    from isnad_tagger.training.anercorp import NER_SCHEMA, convert_file, convert_ner_file

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--input", type=Path, required=True, help="ANERCorp.txt of the ANERcorp release (research-only; not in this repository)")
    parser.add_argument("--out", type=Path, help="default data/anercorp, or data/anercorp-ner with --ner")
    parser.add_argument("--ner", action="store_true", help="all four types as NER spans, CAMeL Lab train/test split")
    args = parser.parse_args(argv)
    out = args.out or REPO / "data" / ("anercorp-ner" if args.ner else "anercorp")

    stats = convert_ner_file(args.input, out) if args.ner else convert_file(args.input, out)
    families = by_name(NER_SCHEMA) if args.ner else FAMILY_BY_NAME
    width = max(map(len, stats))
    for key in sorted(stats):
        print(f"{key.ljust(width)}  {stats[key]}")
    failed = False
    for split in ("train", "test") if args.ner else ("train", "dev", "test"):
        errors = validate_file(out / f"{split}.jsonl", families)
        failed |= bool(errors)
        print(f"{out / f'{split}.jsonl'}: {'ok' if not errors else f'{len(errors)} problem(s)'}")
        for error in errors[:10]:
            print(error, file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
