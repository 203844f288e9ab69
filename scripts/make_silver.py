"""Silver data: RuleTagger spans over unlabelled news paragraphs that are not in the gold data.

Two steps, so the main job needs no corpus:
1. choose (development, once): `--corpora DIR` reads the news corpora through isnad_tagger.training.corpora
   (the same readers, ids, paragraph filter and deduplication as scripts/build_gold_pool.py), keeps only
   corpora whose license allows redistribution (saudinewsnet CC BY-NC-SA 4.0, antcorpus Apache-2.0;
   unifiedfc is research-only and stays out), drops every document that appears in a gold file
   (`meta.corpus` + `meta.doc_id` of data/gold/*.jsonl and data/gold/extra/*.jsonl, or --gold) and any
   paragraph whose text equals a gold text, shuffles with --seed and writes the first --limit
   paragraphs, unlabelled, with corpus, document id, paragraph index, origin and license, to
   data/unlabelled/silver-paragraphs.jsonl (committed).
2. tag (the main job): `--paragraphs FILE` rule-tags those paragraphs into --out.

    python scripts/make_silver.py --corpora CORPORA_DIR --limit 3000 --paragraphs-out data/unlabelled/silver-paragraphs.jsonl
    python scripts/make_silver.py --paragraphs data/unlabelled/silver-paragraphs.jsonl --out artifacts/silver-3000.jsonl
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

from isnad_tagger.data import iter_jsonl_objects, read_records, write_records  # noqa: E402
from isnad_tagger.rules import RuleTagger  # noqa: E402
from isnad_tagger.spans import Record, span_problems  # noqa: E402
from isnad_tagger.training.corpora import LICENSES, iter_paragraphs  # noqa: E402


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


REDISTRIBUTABLE = ("saudinewsnet", "antcorpus")
DEFAULT_GOLD = [str(REPO / "data" / "gold" / "*.jsonl"), str(REPO / "data" / "gold" / "extra" / "*.jsonl")]


def choose(corpora: Path, limit: int, seed: int, gold: list[str]) -> list[Record]:
    """Unlabelled paragraphs of the redistributable corpora, gold documents and texts excluded."""
    started = time.time()
    gold_paths = sorted({Path(p) for pattern in gold for p in glob.glob(pattern)})
    docs, texts, n_gold = gold_exclusions(gold_paths)
    if not gold_paths:
        raise SystemExit("no gold files found: refusing to choose silver paragraphs without excluding gold documents")
    print(f"gold: {len(gold_paths)} files, {n_gold} records, {len(docs)} documents excluded")
    kept, excluded = [], Counter()
    for paragraph in iter_paragraphs(corpora, REDISTRIBUTABLE):
        if (paragraph.corpus, paragraph.doc_id) in docs:
            excluded["gold document"] += 1
        elif paragraph.text in texts:
            excluded["gold text"] += 1
        else:
            kept.append(paragraph)
    print(f"paragraphs: {len(kept)} candidates, excluded {dict(excluded)} ({time.time() - started:.0f}s reading)")
    random.Random(seed).shuffle(kept)
    return [
        Record(p.id, p.text, [], {"corpus": p.corpus, "doc_id": p.doc_id, "paragraph": p.index, "origin": p.origin,
                                  "license": LICENSES[p.corpus], "split": "silver"})
        for p in kept[:limit]
    ]


def tag(paragraphs: list[Record], out: Path) -> None:
    """Rule-tag the paragraphs (the silver stage's training data)."""
    started = time.time()
    predictions = RuleTagger().predict_spans([p.text for p in paragraphs])
    tag_time = time.time() - started
    records, counts, per_corpus = [], Counter(), Counter()
    for p, spans in zip(paragraphs, predictions):
        problems = span_problems(p.text, spans)
        if problems:  # never expected: the tagger only emits whole-word, non-overlapping spans
            raise SystemExit(f"{p.id}: {problems[0]}")
        counts.update((s.label, s.type) for s in spans)
        per_corpus[p.meta["corpus"]] += 1
        records.append(Record(p.id, p.text, spans, p.meta))
    write_records(records, out)
    print(f"wrote {len(records)} records to {out}: " + ", ".join(f"{c} {n}" for c, n in sorted(per_corpus.items())))
    print(f"paragraphs with at least one span: {sum(1 for s in predictions if s)}")
    for (label, typ), n in sorted(counts.items(), key=lambda kv: (kv[0][0], str(kv[0][1]))):
        print(f"  {label:<12} {str(typ):<12} {n}")
    print(f"tagging: {tag_time:.1f}s ({len(paragraphs) / max(tag_time, 1e-9):.0f} paragraphs/s)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--corpora", type=Path, help="choose: the news corpus folder (development only)")
    source.add_argument("--paragraphs", type=Path, help="tag: the committed unlabelled paragraphs")
    parser.add_argument("--paragraphs-out", type=Path, default=REPO / "data" / "unlabelled" / "silver-paragraphs.jsonl")
    parser.add_argument("--out", type=Path, help="tag: the silver span file to write")
    parser.add_argument("--limit", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--gold", nargs="*", default=DEFAULT_GOLD,
                        help="gold span files or globs whose documents are excluded (default data/gold/*.jsonl, data/gold/extra/*.jsonl)")
    args = parser.parse_args(argv)
    if args.corpora is not None:
        chosen = choose(args.corpora, args.limit, args.seed, args.gold)
        write_records(chosen, args.paragraphs_out)
        print(f"wrote {len(chosen)} unlabelled paragraphs to {args.paragraphs_out}: "
              + ", ".join(f"{c} {n}" for c, n in sorted(Counter(r.meta['corpus'] for r in chosen).items())))
        return 0
    if args.out is None:
        parser.error("--out is required with --paragraphs")
    tag(read_records(args.paragraphs), args.out)
    from tools.reference_inputs import compare

    print(compare(args.out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
