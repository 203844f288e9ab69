"""Inter-annotator agreement: span F1 per family between the first pass (the gold batches) and an
independent second pass of the same paragraphs. Writes data/gold/agreement.json and prints a table."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from isnad_tagger.data import read_records
from isnad_tagger.evaluation import format_table, score_spans
from isnad_tagger.labels import FAMILIES

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "data" / "gold"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--second", default=str(GOLD / "agreement" / "second_pass.txt"))
    parser.add_argument("--first", nargs="*", default=[str(GOLD / "agreement" / "first_pass.txt")],
                        help="first-pass files; the default is the first pass of the same paragraphs frozen before the "
                             "disagreements were resolved in the gold batches (resolving them would inflate the figure)")
    parser.add_argument("--out", help="JSON to write (default, only for the default passes: data/gold/agreement.json)")
    args = parser.parse_args()
    if args.out is None:
        if args.second != parser.get_default("second") or args.first != parser.get_default("first"):
            parser.error("--out is required for other passes: the default file holds the gold agreement study")
        args.out = str(GOLD / "agreement.json")
    first = {r.id: r for path in args.first for r in read_records(path)}
    second = read_records(args.second)
    missing = [r.id for r in second if r.id not in first]
    if missing:
        raise SystemExit(f"second-pass ids missing from the first pass: {missing[:5]}")
    for record in second:
        if record.text != first[record.id].text:
            raise SystemExit(f"{record.id}: texts differ between the passes")
    report = score_spans([first[r.id].spans for r in second], [r.spans for r in second])
    print(f"{len(second)} paragraphs annotated twice (first pass as reference; F1 is symmetric)\n")
    print(format_table(report))
    summary = {
        "paragraphs": len(second),
        "f1": {mode: {f.name: report[mode][f.name]["all"]["f1"] for f in FAMILIES} | {"micro": report[mode]["micro"]["f1"]} for mode in report},
        "report": report,
    }
    Path(args.out).write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
