"""Select extra train-split paragraphs for types the main pool left short in train (STANCE:deny).

Documents already in the gold pool are excluded, one paragraph per document, all assigned to train;
the records go to data/gold/pool_supplement.jsonl and a raw batch to data/gold/work/batch_13.txt.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

import regex

from isnad_tagger.arabic import strip_harakat
from isnad_tagger.data import read_records, write_records
from isnad_tagger.spans import Record
from isnad_tagger.training.corpora import LICENSES, iter_paragraphs

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "data" / "gold"
DENY = regex.compile(r"(?<![\p{L}\p{M}])[وف]?(?:نفى|نفت|ينفي|تنفي|نفوا|نافيا|نافياً|كذب|كذبت|دحض|دحضت)(?![\p{L}\p{M}])")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpora", "--shared", dest="shared", required=True,
                        help="the news corpus folder (holds unifiedfc_baly2018/, saudinewsnet/, antcorpus/)")
    parser.add_argument("--count", type=int, default=40)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    pool_docs = {(r.meta["corpus"], r.meta["doc_id"]) for r in read_records(GOLD / "pool.jsonl")}
    candidates, seen_docs = [], set()
    for paragraph in iter_paragraphs(Path(args.shared)):
        key = (paragraph.corpus, paragraph.doc_id)
        if key in pool_docs or key in seen_docs or not DENY.search(strip_harakat(paragraph.text, dagger_alef=False)):
            continue
        seen_docs.add(key)
        candidates.append(paragraph)
    random.Random(args.seed).shuffle(candidates)
    chosen = sorted(candidates[: args.count], key=lambda p: p.id)
    records = [
        Record(p.id, p.text, [], {"corpus": p.corpus, "doc_id": p.doc_id, "paragraph": p.index, "license": LICENSES[p.corpus],
                                  "origin": p.origin, "split": "train", "selection": "cue:deny-supplement"})
        for p in chosen
    ]
    write_records(records, GOLD / "pool_supplement.jsonl")
    write_records([Record(r.id, r.text, []) for r in records], GOLD / "work" / "batch_13.txt")
    print(f"{len(candidates)} candidate paragraphs with a deny cue outside the pool; wrote {len(records)}")


if __name__ == "__main__":
    main()
