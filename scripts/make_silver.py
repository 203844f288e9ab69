"""Silver data: RuleTagger spans over shared-corpus paragraphs that are not in the gold data.

Paragraphs come from isnad.training.corpora (the same readers, ids, paragraph filter and
deduplication as scripts/build_gold_pool.py). Every document that appears in a gold file
(`meta.corpus` + `meta.doc_id` of each record of data/gold/*.jsonl, or the files given with --gold)
is excluded, and so is any paragraph whose text equals a gold paragraph's text. The kept paragraphs
are shuffled with --seed and the first --limit are tagged. Records: id `<corpus>/<doc_id>/p<index>`,
meta {corpus, doc_id, paragraph, license, split: "silver"}.

Run from the repository root:
    python scripts/make_silver.py [--shared ../shared/data] [--out data/silver/silver.jsonl] [--limit 25000] [--seed 13]
"""

from __future__ import annotations

import argparse
import glob
import random
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from isnad.data import iter_jsonl_objects, write_records  # noqa: E402
from isnad.rules import RuleTagger  # noqa: E402
from isnad.spans import Record, span_problems  # noqa: E402
from isnad.training.corpora import CORPORA, LICENSES, iter_paragraphs  # noqa: E402


def gold_exclusions(paths: list[Path]) -> tuple[set[tuple[str, str]], set[str], int]:
    """(corpus, doc_id) pairs and paragraph texts of every gold record; tolerates missing files."""
    docs: set[tuple[str, str]] = set()
    texts: set[str] = set()
    records = 0
    for path in paths:
        for _, obj in iter_jsonl_objects(path):
            if not isinstance(obj, dict):
                continue
            meta = obj.get("meta") or {}
            corpus, doc_id = meta.get("corpus"), meta.get("doc_id")
            if corpus is None or doc_id is None:  # fall back on the id: <corpus>/<doc_id>/p<n>
                parts = str(obj.get("id", "")).split("/")
                if len(parts) >= 3:
                    corpus, doc_id = parts[0], "/".join(parts[1:-1])
            if corpus and doc_id:
                docs.add((str(corpus), str(doc_id)))
            if isinstance(obj.get("text"), str):
                texts.add(obj["text"].strip())
            records += 1
    return docs, texts, records


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=REPO / "data" / "silver" / "silver.jsonl")
    parser.add_argument("--limit", type=int, default=25000)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--gold", nargs="*", default=[str(REPO / "data" / "gold" / "*.jsonl")],
                        help="gold span files or globs whose documents are excluded (default data/gold/*.jsonl)")
    args = parser.parse_args(argv)

    started = time.time()
    gold_paths = sorted({Path(p) for pattern in args.gold for p in glob.glob(pattern)})
    docs, texts, n_gold = gold_exclusions(gold_paths)
    if not gold_paths:
        print("WARNING: no gold files found: nothing is excluded", file=sys.stderr)
    print(f"gold: {len(gold_paths)} files, {n_gold} records, {len(docs)} documents excluded")

    kept, excluded = [], Counter()
    for paragraph in iter_paragraphs(args.shared):
        if (paragraph.corpus, paragraph.doc_id) in docs:
            excluded["gold document"] += 1
        elif paragraph.text in texts:
            excluded["gold text"] += 1
        else:
            kept.append(paragraph)
    print(f"paragraphs: {len(kept)} candidates, excluded {dict(excluded)} ({time.time() - started:.0f}s reading)")
    random.Random(args.seed).shuffle(kept)
    chosen = kept[: args.limit]

    tagger = RuleTagger()
    tag_start = time.time()
    predictions = tagger.predict_spans([p.text for p in chosen])
    tag_time = time.time() - tag_start

    records, counts, per_corpus = [], Counter(), Counter()
    for p, spans in zip(chosen, predictions):
        problems = span_problems(p.text, spans)
        if problems:  # never expected: the tagger only emits whole-word, non-overlapping spans
            raise SystemExit(f"{p.id}: {problems[0]}")
        counts.update((s.label, s.type) for s in spans)
        per_corpus[p.corpus] += 1
        meta = {"corpus": p.corpus, "doc_id": p.doc_id, "paragraph": p.index, "license": LICENSES[p.corpus], "split": "silver"}
        records.append(Record(p.id, p.text, spans, meta))
    write_records(records, args.out)

    print(f"wrote {len(records)} records to {args.out}: " + ", ".join(f"{c} {per_corpus[c]}" for c in CORPORA))
    print(f"paragraphs with at least one span: {sum(1 for s in predictions if s)}")
    for (label, typ), n in sorted(counts.items(), key=lambda kv: (kv[0][0], str(kv[0][1]))):
        print(f"  {label:<12} {str(typ):<12} {n}")
    print(f"tagging: {tag_time:.1f}s ({len(chosen) / max(tag_time, 1e-9):.0f} paragraphs/s); total {time.time() - started:.0f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
