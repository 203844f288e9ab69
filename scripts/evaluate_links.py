"""Score the cue -> source links of attribution records (isnad_tagger.records) against gold links
(docs/spec/links.md): on the gold spans, so only the linking is judged, and, with --model, end to end on
the spans a model predicts (a link counts only when its cue and its source spans are both exact).

    python scripts/evaluate_links.py --data data/gold/test.jsonl --links data/gold/links/test.jsonl [--model M] [--output F]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from isnad_tagger.data import read_records  # noqa: E402
from isnad_tagger.links import LinkScore, predicted_links, read_links  # noqa: E402


def score(records, gold_links, spans_per_record=None) -> LinkScore:
    result = LinkScore()
    for i, record in enumerate(records):
        if record.id not in gold_links:
            continue
        spans = spans_per_record[i] if spans_per_record is not None else None
        result.add(gold_links[record.id], predicted_links(record, spans))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="gold span file")
    parser.add_argument("--links", required=True, help="gold links for it")
    parser.add_argument("--model", help="also score end to end on this model's predicted spans")
    parser.add_argument("--output", help="write the scores as JSON")
    args = parser.parse_args(argv)
    records = read_records(args.data)
    gold = read_links(args.links, args.data)
    results = {"gold_spans": score(records, gold).as_dict()}
    if args.model:
        from isnad_tagger.tagger import Tagger

        predicted = Tagger.from_pretrained(args.model).predict([r.text for r in records])
        results["predicted_spans"] = score(records, gold, predicted).as_dict()
    print(f"{'spans':<16} {'links':>6} {'pred':>6} {'right':>6} {'P':>6} {'R':>6} {'F1':>6} {'cue acc':>8}")
    for name, row in results.items():
        print(f"{name:<16} {row['gold']:>6} {row['predicted']:>6} {row['correct']:>6} {row['precision']:>6.3f} {row['recall']:>6.3f} "
              f"{row['f1']:>6.3f} {row['cue_accuracy']:>8.3f}")
    if args.output:
        Path(args.output).write_text(json.dumps({"data": args.data, "links": args.links, "model": args.model, **results}, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
