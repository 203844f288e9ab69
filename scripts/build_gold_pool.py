"""Select the news paragraphs to be hand-annotated as gold (reproducible from a seed).

Why this design:
- Real text only, from three corpora with different licenses (unifiedfc, saudinewsnet, antcorpus);
  paragraph text is kept byte-for-byte except for stripping its outer whitespace, so offsets annotated
  on it stay valid against the source.
- About a third of the pool is uniform random (an unbiased sample for honest evaluation); the rest is
  chosen for attribution/hedge cues, with a minimum per rare cue group so that deny, allege, warn,
  evidential, unverified and hedge cues, and each source-type word, get enough examples to learn and
  measure.
- At most 2 paragraphs per document and the train/dev/test split is by document, so no test document
  leaks into training.

Paragraph index: the index of the line in the document's text split on "\\n" (unifiedfc: the article
string, which is also what the corpus's rationale indices refer to; saudinewsnet: `content`; antcorpus:
the raw content of <TEXT>, whose first line is usually empty), so every paragraph can be traced back.

Cue matching runs on a normalised copy (diacritics and tatweel removed, أ/إ/آ/ٱ -> ا, ى -> ي) and
matches whole words, allowing a leading و/ف and ب/ل; the source-type nouns also allow the article ال
(and بال/كال/لل), since "ذكرت الصحيفة" is as much a source mention as "صحيفة".

Run from the repository root:  python scripts/build_gold_pool.py --corpora CORPORA_DIR [--seed 13] [--out data/gold]
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import regex

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from isnad_tagger.arabic import strip_harakat, unify_alef_ya  # noqa: E402
from isnad_tagger.data import read_records, validate_file, write_records  # noqa: E402
from isnad_tagger.spans import Record  # noqa: E402
from isnad_tagger.training import corpora  # noqa: E402
from isnad_tagger.training.corpora import CORPORA, LICENSES  # noqa: E402

TOTAL = 960
RANDOM_FRACTION = 1 / 3
MAX_PER_DOC = 2
MIN_PER_QUOTA = 35
TEST_SIZE, DEV_SIZE = 240, 125
AGREEMENT_SIZE = 60
BATCH_SIZE = 80
WORD_CHAR = r"\p{L}\p{M}\p{N}"

# group -> cue words (as written by the brief); groups in QUOTA_GROUPS need MIN_PER_QUOTA paragraphs
# each, and every word of "source" needs MIN_PER_QUOTA on its own.
CUES: dict[str, list[str]] = {
    "deny": ["نفى", "نفت", "ينفي", "تنفي"],
    "allege": ["زعم", "زعمت", "مزاعم", "ادعى", "ادعت", "ادعاءات", "اتهم", "اتهمت"],
    "warn": ["حذر", "حذرت", "هدد", "هددت"],
    "evidential": ["يبدو", "على ما يبدو", "يعتقد", "يتردد"],
    "unverified": ["لم يتسن", "لم يتسنى", "لا يمكن التحقق", "لم يتم التأكد", "ليس واضحا", "غير واضح"],
    "hedge": ["ربما", "من المتوقع", "من المرجح", "قد ي.."],
    "source": ["بيان", "تقرير", "وكالة", "صحيفة", "مصادر", "مصدر", "أنباء", "تقارير", "شائعات", "وفقا", "بحسب"],
    "report": ["قال", "قالت", "أكد", "أكدت", "أعلن", "أعلنت", "أضاف", "أضافت", "أشار", "أشارت", "ذكر", "ذكرت",
               "أفاد", "أفادت", "صرح", "صرحت", "أوضح", "أوضحت", "كشف", "كشفت", "نقل", "نقلت"],
}
QUOTA_GROUPS = ("deny", "allege", "warn", "evidential", "unverified", "hedge")
NOUN_GROUPS = ("source",)


def normalise(text: str) -> str:
    """Matching copy only: drop Arabic diacritics (U+064B-U+065F, dagger alef) and tatweel and unify
    alef and final ya variants (ta marbuta is kept): offsets are never taken from this copy."""
    return unify_alef_ya(strip_harakat(text, dagger_alef=True, further_marks=True))


def cue_pattern(cue: str, noun: bool) -> regex.Pattern[str]:
    """Whole-word pattern for one cue with the allowed proclitics in front."""
    prefix = "[وف]?(?:بال|كال|لل|ال|ب|ل)?" if noun else "[وف]?[بل]?"
    if cue == "قد ي..":
        body = r"قد\s+ي[\p{L}\p{M}]+"
    else:
        body = r"\s+".join(regex.escape(normalise(part)) for part in cue.split())
    return regex.compile(rf"(?<![{WORD_CHAR}]){prefix}{body}(?![{WORD_CHAR}])")


def cue_literal(cue: str) -> str:
    """A substring every match must contain: a cheap prefilter, since regex search over ~400K paragraphs is slow."""
    return "قد" if cue == "قد ي.." else max(normalise(cue).split(), key=len)


CUE_PATTERNS: list[tuple[str, str, regex.Pattern[str]]] = [
    (group, cue, cue_pattern(cue, group in NOUN_GROUPS)) for group, cues in CUES.items() for cue in cues
]
CUE_LITERALS: dict[str, str] = {cue: cue_literal(cue) for _, cue, _ in CUE_PATTERNS}


@dataclass
class Paragraph(corpora.Paragraph):
    """A corpus paragraph with the cue words found in it (selection only)."""

    cues: frozenset[str] = field(default_factory=frozenset)


def extract(shared: Path) -> tuple[list[Paragraph], Counter[str]]:
    """All kept paragraphs, deduplicated (exact article texts, then exact paragraph texts), first wins."""
    stats: Counter[str] = Counter()
    out: list[Paragraph] = []
    for found in corpora.iter_paragraphs(shared, stats=stats):
        norm = normalise(found.text)
        cues = frozenset(cue for _, cue, pattern in CUE_PATTERNS if CUE_LITERALS[cue] in norm and pattern.search(norm))
        out.append(Paragraph(found.corpus, found.doc_id, found.index, found.text, found.origin, cues))
    return out, stats


class Selector:
    """Greedy, seeded selection under the per-document cap, keeping the corpora balanced."""

    def __init__(self, candidates: list[Paragraph], rng: random.Random) -> None:
        self.rng = rng
        self.by_corpus: dict[str, list[Paragraph]] = {c: [p for p in candidates if p.corpus == c] for c in CORPORA}
        for pool in self.by_corpus.values():
            rng.shuffle(pool)
        # per (corpus, cue or "*") queues in the shuffled order, with a read pointer: once a paragraph
        # cannot be taken it never can again (choices and document counts only grow), so skipping is safe
        self.queues: dict[tuple[str, str], list[Paragraph]] = defaultdict(list)
        for corpus, pool in self.by_corpus.items():
            for p in pool:
                if p.cues:
                    self.queues[(corpus, "*")].append(p)
                for cue in sorted(p.cues):
                    self.queues[(corpus, cue)].append(p)
        self.pointer: Counter[tuple[str, str]] = Counter()
        self.chosen: dict[str, tuple[Paragraph, str]] = {}
        self.per_doc: Counter[tuple[str, str]] = Counter()
        self.per_corpus: Counter[str] = Counter()

    def can_take(self, p: Paragraph) -> bool:
        return p.id not in self.chosen and self.per_doc[(p.corpus, p.doc_id)] < MAX_PER_DOC

    def take(self, p: Paragraph, reason: str) -> None:
        self.chosen[p.id] = (p, reason)
        self.per_doc[(p.corpus, p.doc_id)] += 1
        self.per_corpus[p.corpus] += 1

    def first(self, corpus: str, cue: str) -> Paragraph | None:
        """The next free paragraph of a corpus in shuffled order holding `cue` ("*": any cue)."""
        key = (corpus, cue)
        queue = self.queues.get(key, [])
        while self.pointer[key] < len(queue):
            p = queue[self.pointer[key]]
            if self.can_take(p):
                return p
            self.pointer[key] += 1
        return None

    def count_with(self, cues: set[str]) -> int:
        return sum(1 for p, _ in self.chosen.values() if p.cues & cues)

    def corpora_by_need(self) -> list[str]:
        return sorted(CORPORA, key=lambda c: (self.per_corpus[c], CORPORA.index(c)))


def select(candidates: list[Paragraph], seed: int) -> dict[str, tuple[Paragraph, str]]:
    rng = random.Random(seed)
    sel = Selector(candidates, rng)
    per_corpus = [TOTAL // len(CORPORA) + (1 if i < TOTAL % len(CORPORA) else 0) for i in range(len(CORPORA))]
    # 1. uniform random third, per corpus
    for corpus, target in zip(CORPORA, per_corpus):
        quota = round(target * RANDOM_FRACTION)
        for p in sel.by_corpus[corpus]:
            if sel.per_corpus[corpus] >= quota:
                break
            if sel.can_take(p):
                sel.take(p, "random")
    # 2. minimum per rare cue group and per source-type word, rarest first, cue words in round robin
    frequency = Counter(cue for p in candidates for cue in p.cues)
    quotas: list[tuple[str, list[str]]] = [(g, CUES[g]) for g in QUOTA_GROUPS] + [(c, [c]) for c in CUES["source"]]
    quotas.sort(key=lambda q: sum(frequency[c] for c in q[1]))
    for _, words in quotas:
        words = sorted(words, key=lambda c: frequency[c])
        turn = 0
        stalled = 0
        while sel.count_with(set(words)) < MIN_PER_QUOTA and stalled < len(words):
            word = words[turn % len(words)]
            turn += 1
            found = next((p for c in sel.corpora_by_need() if (p := sel.first(c, word))), None)
            if found is None:
                stalled += 1
                continue
            stalled = 0
            sel.take(found, f"cue:{word}")
    # 3. fill to the total with paragraphs holding any cue, labelled by their rarest cue
    while len(sel.chosen) < TOTAL:
        found = next((p for c in sel.corpora_by_need() if (p := sel.first(c, "*"))), None)
        if found is None:
            raise SystemExit("ran out of cue paragraphs before reaching the total")
        rarest = min(found.cues, key=lambda c: (frequency[c], c))
        sel.take(found, f"cue:{rarest}")
    return sel.chosen


def split_by_document(chosen: dict[str, tuple[Paragraph, str]], seed: int) -> dict[str, str]:
    """doc -> split, per corpus so each split keeps the corpus mix; sizes met at document granularity."""
    rng = random.Random(seed + 1)
    split_of: dict[str, str] = {}
    for i, corpus in enumerate(CORPORA):
        docs: dict[str, int] = Counter(p.doc_id for p, _ in chosen.values() if p.corpus == corpus)
        order = sorted(docs)
        rng.shuffle(order)
        test_target = TEST_SIZE // len(CORPORA) + (1 if i < TEST_SIZE % len(CORPORA) else 0)
        dev_target = DEV_SIZE // len(CORPORA) + (1 if i < DEV_SIZE % len(CORPORA) else 0)
        counts = Counter[str]()
        for doc in order:
            split = "test" if counts["test"] < test_target else "dev" if counts["dev"] < dev_target else "train"
            split_of[f"{corpus}/{doc}"] = split
            counts[split] += docs[doc]
    return split_of


def table(rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(r, widths)) for r in rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--corpora", "--shared", dest="shared", type=Path, required=True,
                        help="the news corpus folder (holds unifiedfc_baly2018/, saudinewsnet/, antcorpus/)")
    parser.add_argument("--out", type=Path, default=REPO / "data" / "gold")
    args = parser.parse_args(argv)

    candidates, stats = extract(args.shared)
    for key in sorted(stats):
        print(f"{key}: {stats[key]}")
    chosen = select(candidates, args.seed)
    split_of = split_by_document(chosen, args.seed)

    records: list[Record] = []
    for p, reason in sorted(chosen.values(), key=lambda item: (CORPORA.index(item[0].corpus), item[0].doc_id, item[0].index)):
        meta = {
            "corpus": p.corpus, "doc_id": p.doc_id, "paragraph": p.index, "license": LICENSES[p.corpus],
            "origin": p.origin, "split": split_of[f"{p.corpus}/{p.doc_id}"], "selection": reason,
        }
        records.append(Record(p.id, p.text, [], meta))

    out: Path = args.out
    work = out / "work"
    write_records(records, out / "pool.jsonl")
    rng = random.Random(args.seed + 2)
    shuffled = records[:]
    rng.shuffle(shuffled)
    bare = [Record(r.id, r.text, []) for r in shuffled]
    batch_paths = []
    for n in range(0, len(bare), BATCH_SIZE):
        path = work / f"batch_{n // BATCH_SIZE + 1:02d}.txt"
        write_records(bare[n : n + BATCH_SIZE], path)
        batch_paths.append(path)
    test = sorted((r for r in records if r.meta["split"] == "test"), key=lambda r: r.id)
    agreement = random.Random(args.seed + 3).sample(test, AGREEMENT_SIZE)
    write_records([Record(r.id, r.text, []) for r in agreement], work / "agreement_batch.txt")
    # next to pool.jsonl, not in work/: `isnad-tagger validate data/gold/work/*.txt` must only see markup files
    (out / "agreement_ids.txt").write_text("".join(f"{r.id}\n" for r in agreement), encoding="utf-8")

    # verification: contract-valid files, and every batch text equals its pool text
    pool_text = {r.id: r.text for r in read_records(out / "pool.jsonl")}
    problems = validate_file(out / "pool.jsonl")
    seen = 0
    for path in batch_paths + [work / "agreement_batch.txt"]:
        problems += validate_file(path)
        for r in read_records(path):
            if pool_text.get(r.id) != r.text:
                raise SystemExit(f"{path}: text of {r.id} differs from pool.jsonl")
            seen += path in batch_paths
    if problems:
        raise SystemExit("\n".join(map(str, problems)))
    assert seen == len(records) == len(pool_text) == TOTAL, (seen, len(records))

    splits = ("train", "dev", "test")
    grid = Counter((r.meta["corpus"], r.meta["split"]) for r in records)
    rows = [["corpus", *splits, "total"]]
    for corpus in CORPORA:
        rows.append([corpus, *(str(grid[(corpus, s)]) for s in splits), str(sum(grid[(corpus, s)] for s in splits))])
    rows.append(["total", *(str(sum(grid[(c, s)] for c in CORPORA)) for s in splits), str(len(records))])
    print("\n" + table(rows))
    agree = Counter(r.meta["corpus"] for r in agreement)
    print(f"\nagreement study: {len(agreement)} test paragraphs " + ", ".join(f"{c} {agree[c]}" for c in CORPORA))
    by_reason = Counter(r.meta["selection"] for r in records)
    print("\n" + table([["selection", "paragraphs"]] + [[k, str(v)] for k, v in by_reason.most_common()]))
    contains = {cue: sum(1 for p, _ in chosen.values() if cue in p.cues) for _, cue, _ in CUE_PATTERNS}
    rows = [["group", "paragraphs containing", "per cue"]]
    for group, cues in CUES.items():
        n = sum(1 for p, _ in chosen.values() if p.cues & set(cues))
        rows.append([group, str(n), " ".join(f"{c}={contains[c]}" for c in cues)])
    print("\n" + table(rows))
    print(f"\nwrote {out / 'pool.jsonl'}, {out / 'agreement_ids.txt'}, {len(batch_paths)} batches and the agreement batch under {work}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
