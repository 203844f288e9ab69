"""Build the extra gold pool (pool tag `extra-2026-12`): ~2,400 new train paragraphs from more outlets and
genres, rare cue types over-sampled, plus an out-of-domain test split (`ood_test`) from outlets that no
train document comes from; write it in batch order with raw and rule-drafted markup batches.

Why this design:
- Real text only, kept byte-for-byte except for stripping outer whitespace (the corpus readers in
  isnad_tagger.training.corpora; thatiar rows are CSV-unquoted, which is how dev_test_ar.tsv stores fields that
  contain `"`). Corpus paragraphs pass `corpora.keep`; thatiar sentences pass the same filter with a
  12-word minimum instead of 20, since each is one sentence.
- More outlets and genres: thatiar_subjectivity (recent web news, about 2019-2024 judging by the
  content: pages linked from Arabic fact-checkers, and opinion/analysis pieces of named outlets), saudinewsnet spread over its 14 outlets
  (the outlet with fewest picks goes next; no outlet above 20% of the saudinewsnet share), antcorpus
  spread over its 9 genres (file stem JA-<genre>-...), and unifiedfc spread over its outlets (URL domain).
- About 1/4 of each corpus share is uniform random (an unbiased slice); the rest over-samples the cue
  groups that are rare in the gold train split: deny, warn, allege, unverified, evidential, and the
  SOURCE words for media and unspecified sources. The group with the fewest selected paragraphs
  containing it goes next, its cue words in round robin (rarest first), so rare groups are pushed as
  far as the corpora allow. The cue lists extend the gold pool builder's (scripts/build_gold_pool.py,
  whose `normalise`, `cue_pattern` and `cue_literal` do the matching); they steer selection only and
  say nothing about the annotation. When the rare cues run out, any cue of the builder's CUES fills in.
- OOD test split: thatiar outlets held out completely (no sentence of theirs in train): CNN, RTArabic,
  FranceENArabe, AlArabiya (also spelt Alarabiya), Alhurra, SkyNews (international broadcasters),
  Almayadeen (pan-Arab broadcaster, Beirut) and AlMasryAlYoum (Egyptian daily). Their pieces are
  opinion and analysis, mostly from 2023-2024 judging by the content (Gaza war), a shift in time, region and genre from the train corpora. AFP is NOT
  held out: its thatiar sentences are not AFP texts but pages linked from AFP's Arabic fact-check
  (Annahar, Petra, ...), the same kind of material as the MIS/FAT/VER/MAH rows used for train. Under
  the cap of 2 sentences per article the eight outlets give about 250 sentences, enough for 200: the
  sentences with a rare cue first (at most 50; these opinion pieces hold few), then uniform random
  among the rest. unifiedfc documents whose URL is on a held-out outlet's site are
  left out of the new train pool (the existing gold train split has 4 such documents: see the README).
- At most 2 paragraphs per document. Every document of the existing gold files (train, dev, test, pool,
  pool supplement) is excluded, as is any text equal to a gold text (exactly, or after cue
  normalisation and whitespace collapsing); thatiar sentence ids that occur twice with different texts
  are dropped (the id would be ambiguous).
- Batch order: each corpus's selection is shuffled and the corpora are interleaved evenly, so every
  batch of 60 has the overall mix; the ood_test records follow, shuffled, in batches of 50.

Run from the repository root:
  python scripts/build_train_pool.py --corpora CORPORA_DIR [--seed 13] [--out data/gold/extra] [--batches 1-8]
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from unittest import mock
from urllib.parse import urlparse

import regex

from isnad_tagger.data import read_records, validate_file, write_records
from isnad_tagger.spans import Record
from isnad_tagger.training import corpora

REPO = Path(__file__).resolve().parent.parent
GOLD = REPO / "data" / "gold"
GOLD_FILES = ("train", "dev", "test", "pool", "pool_supplement")
POOL_TAG = "extra-2026-12"
THATIAR_LICENSE = "CC BY-NC-SA 4.0"
LICENSES = {**corpora.LICENSES, "thatiar": THATIAR_LICENSE}

TARGETS = {"thatiar": 700, "saudinewsnet": 800, "antcorpus": 600, "unifiedfc": 300}  # train paragraphs
RANDOM_FRACTION = 0.25
MAX_PER_DOC = 2
STRATUM_CAP = {"saudinewsnet": 0.20}  # share of the corpus target one outlet may take
OOD_SIZE, OOD_MAX_CUE = 200, 50
BATCH_SIZE, OOD_BATCH_SIZE = 60, 50
THATIAR_MIN_WORDS = 12

OUTLET_ALIASES = {"Alarabiya": "AlArabiya"}
HELD_OUT = ("CNN", "RTArabic", "FranceENArabe", "AlArabiya", "Alhurra", "SkyNews", "Almayadeen", "AlMasryAlYoum")
# web sites of the held-out outlets: unifiedfc articles from them stay out of the train pool
HELD_OUT_DOMAINS = ("cnn.com", "rt.com", "france24.com", "mc-doualiya.com", "alarabiya.net", "alhurra.com",
                    "skynewsarabia.com", "almayadeen.net", "almasryalyoum.com")
# thatiar prefixes whose ids carry -curl/-eurl: rows from pages linked by a fact-checker (claim page /
# evidence page, as far as the ids and texts show), not texts of the named organisation
FACT_CHECKERS = {"MIS": "Misbar", "FAT": "Fatabyyano", "VER": "Verify-Sy", "MAH": "Maharat News (probably)",
                 "AFP": "AFP Fact Check Arabic"}


def _load_gold_pool_module() -> ModuleType:
    """scripts/build_gold_pool.py as a module (it is a script, not part of the package)."""
    spec = importlib.util.spec_from_file_location("build_gold_pool", REPO / "scripts" / "build_gold_pool.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up while being defined
    spec.loader.exec_module(module)
    return module


gold_pool = _load_gold_pool_module()
normalise = gold_pool.normalise
cue_pattern = gold_pool.cue_pattern
cue_literal = gold_pool.cue_literal

# Selection groups: the builder's cue words plus more forms (selection only, not annotation rules).
RARE_GROUPS: dict[str, list[str]] = {
    "deny": gold_pool.CUES["deny"] + ["نفوا", "ينفون", "نافيا", "نافية", "نفيه", "نفيها", "دحض", "دحضت", "فند", "فندت",
                                      "يفند", "تكذيب", "عار عن الصحة", "عارية عن الصحة", "لا أساس له من الصحة", "غير صحيح"],
    "warn": gold_pool.CUES["warn"] + ["يحذر", "تحذر", "حذروا", "محذرا", "محذرة", "تحذير", "تحذيرات", "نبه", "نبهت", "منبها",
                                      "أنذر", "توعد", "توعدت", "هددوا", "مهددا"],
    "allege": gold_pool.CUES["allege"] + ["يزعم", "تزعم", "زعموا", "المزعوم", "المزعومة", "يدعي", "تدعي", "ادعاء",
                                          "يتهم", "تتهم", "اتهموا", "متهما", "اتهامات"],
    "unverified": gold_pool.CUES["unverified"] + ["لم يتسن التأكد", "تعذر التحقق", "يتعذر التحقق", "لا يمكن التأكد",
                                                  "لم يتم التحقق", "لم يتضح", "لم تتضح", "لم يوضح", "دون أن يتسنى", "لم يعلق"],
    "evidential": gold_pool.CUES["evidential"] + ["يشتبه", "تداولت", "تداوله", "تداولته", "المتداولة", "متداولة", "يتداول",
                                                  "تناقلت", "يشاع", "حسبما يتردد", "ترددت"],
    "media": ["وكالة", "صحيفة", "قناة", "تلفزيون", "موقع", "إذاعة", "جريدة", "مجلة", "شبكة", "وسائل إعلام", "وسائل الإعلام",
              "مراسل", "التلفزة"],
    "unspecified": ["أنباء", "تقارير", "شائعات", "يقال", "قيل", "إشاعات", "شائعة", "إشاعة", "معلومات", "تسريبات"],
}
NOUN_GROUPS = ("media", "unspecified")
FILL_GROUPS = {group: cues for group, cues in gold_pool.CUES.items() if group in ("report", "hedge", "source")}


@dataclass(frozen=True)
class Cue:
    group: str
    word: str
    literal: str
    pattern: regex.Pattern[str]


def build_cues(groups: dict[str, list[str]], nouns: Iterable[str]) -> list[Cue]:
    nouns = set(nouns)
    seen: set[tuple[str, str]] = set()
    out = []
    for group, words in groups.items():
        for word in words:
            if (group, word) not in seen:
                seen.add((group, word))
                out.append(Cue(group, word, cue_literal(word), cue_pattern(word, group in nouns or group == "source")))
    return out


RARE_CUES = build_cues(RARE_GROUPS, NOUN_GROUPS)
FILL_CUES = build_cues(FILL_GROUPS, ())


@dataclass
class Candidate:
    corpus: str
    doc_id: str
    index: int
    text: str
    origin: str
    outlet: str
    id: str
    genre: str | None = None
    extra: dict[str, object] = field(default_factory=dict)
    rare: frozenset[str] = frozenset()  # rare cue words found
    groups: frozenset[str] = frozenset()  # their groups
    fill: frozenset[str] = frozenset()  # other cue words found

    @property
    def doc(self) -> tuple[str, str]:
        return self.corpus, self.doc_id


def find_cues(text: str, cues: list[Cue]) -> list[Cue]:
    norm = normalise(text)
    return [c for c in cues if c.literal in norm and c.pattern.search(norm)]


def dedup_key(text: str) -> str:
    return " ".join(normalise(text).split())


def with_cues(candidate: Candidate) -> Candidate:
    rare = find_cues(candidate.text, RARE_CUES)
    candidate.rare = frozenset(c.word for c in rare)
    candidate.groups = frozenset(c.group for c in rare)
    candidate.fill = frozenset(c.word for c in find_cues(candidate.text, FILL_CUES))
    return candidate


# ---------------------------------------------------------------- reading


@dataclass
class Gold:
    docs: set[tuple[str, str]]
    heldout_docs: set[tuple[str, str]]  # dev and test
    texts: set[str]
    heldout_texts: list[str]
    keys: set[str]
    records: list[Record]


def read_gold(gold: Path) -> Gold:
    docs, heldout, texts, heldout_texts, records = set(), set(), set(), [], []
    for name in GOLD_FILES:
        for r in read_records(gold / f"{name}.jsonl"):
            key = (r.meta["corpus"], r.meta["doc_id"])
            docs.add(key)
            texts.add(r.text)
            records.append(r)
            if r.meta.get("split") in ("dev", "test"):
                heldout.add(key)
                heldout_texts.append(r.text)
    return Gold(docs, heldout, texts, heldout_texts, {dedup_key(t) for t in texts}, records)


def domain(origin: str) -> str:
    host = urlparse(origin).netloc.lower() if origin.startswith("http") else ""
    return host[4:] if host.startswith("www.") else host or "unknown"


def on_held_out_site(origin: str) -> bool:
    host = domain(origin)
    return any(host == d or host.endswith("." + d) for d in HELD_OUT_DOMAINS)


def corpus_candidates(root: Path, stats: Counter[str]) -> Iterator[Candidate]:
    """Kept, deduplicated paragraphs of unifiedfc, saudinewsnet and antcorpus with outlet and genre."""
    sources = corpora.read_saudinewsnet_sources(root / "saudinewsnet")
    for p in corpora.iter_paragraphs(root, stats=stats):
        genre = None
        if p.corpus == "saudinewsnet":
            outlet = sources[p.doc_id]
        elif p.corpus == "antcorpus":
            outlet, genre = "JawharaFM", p.doc_id.split("-")[1]
        else:
            outlet = domain(p.origin)
            if on_held_out_site(p.origin):
                stats["unifiedfc held-out-site paragraphs"] += 1
                continue
        yield Candidate(p.corpus, p.doc_id, p.index, p.text, p.origin, outlet, p.id, genre)


def keep_sentence(text: str) -> bool:
    """corpora.keep with a lower word minimum (one sentence, not a paragraph); the rest unchanged."""
    with mock.patch.object(corpora, "MIN_WORDS", THATIAR_MIN_WORDS):
        return corpora.keep(text)


def thatiar_candidates(root: Path, stats: Counter[str]) -> Iterator[Candidate]:
    rows = list(corpora.read_thatiar(root / "thatiar_subjectivity"))
    id_count = Counter(r.sentence_id for r in rows)
    for row in rows:
        stats["thatiar rows"] += 1
        if id_count[row.sentence_id] > 1:
            stats["thatiar ambiguous ids"] += 1
            continue
        text = row.text.strip()
        if not keep_sentence(text):
            stats["thatiar filtered"] += 1
            continue
        prefix = OUTLET_ALIASES.get(row.prefix, row.prefix)
        extra: dict[str, object] = {"sentence_id": row.sentence_id, "thatiar_label": row.label}
        channel = row.doc_id.split("_")[1].split("-")[1] if "-" in row.doc_id.split("_")[1] else None
        if prefix in FACT_CHECKERS and channel:
            extra["collection"] = f"page linked from {FACT_CHECKERS[prefix]} ({channel})"
        stats["thatiar candidates"] += 1
        yield Candidate("thatiar", row.doc_id, row.index, text, f"thatiar_subjectivity/{row.origin}", prefix,
                        f"thatiar/{row.sentence_id}", None, extra)


def all_candidates(root: Path, gold: Gold, stats: Counter[str]) -> list[Candidate]:
    """Every candidate outside the gold documents, no text twice and none equal to a gold text."""
    out: list[Candidate] = []
    seen_texts: set[str] = set()
    seen_keys: set[str] = set()
    for c in [*corpus_candidates(root, stats), *thatiar_candidates(root, stats)]:
        key = dedup_key(c.text)
        if c.doc in gold.docs:
            stats[f"{c.corpus} in gold documents"] += 1
        elif c.text in gold.texts or key in gold.keys:
            stats[f"{c.corpus} equal to a gold text"] += 1
        elif c.text in seen_texts or key in seen_keys:
            stats[f"{c.corpus} duplicate texts"] += 1
        else:
            seen_texts.add(c.text)
            seen_keys.add(key)
            out.append(with_cues(c))
    return out


# ---------------------------------------------------------------- selection


def stratum(c: Candidate) -> str:
    return c.genre if c.corpus == "antcorpus" else c.outlet


class Selector:
    """Seeded selection inside one corpus (or the OOD outlets) under the per-document cap and an
    optional per-stratum cap; strata are outlets (antcorpus: genres)."""

    def __init__(self, candidates: list[Candidate], rng: random.Random, stratum_cap: int | None,
                 per_doc: Counter[tuple[str, str]]) -> None:
        self.order = candidates[:]
        rng.shuffle(self.order)
        self.stratum_cap = stratum_cap
        self.per_doc = per_doc
        self.per_stratum: Counter[str] = Counter()
        self.coverage: Counter[str] = Counter()
        self.chosen: list[tuple[Candidate, str]] = []
        self.taken: set[str] = set()
        self.strata = sorted({stratum(c) for c in self.order})
        self.queues: dict[tuple[str, str], list[Candidate]] = defaultdict(list)
        for c in self.order:
            for word in sorted(c.rare | c.fill):
                self.queues[(stratum(c), word)].append(c)
        self.pointer: Counter[tuple[str, str]] = Counter()

    def can_take(self, c: Candidate) -> bool:
        if c.id in self.taken or self.per_doc[c.doc] >= MAX_PER_DOC:
            return False
        return self.stratum_cap is None or self.per_stratum[stratum(c)] < self.stratum_cap

    def take(self, c: Candidate, reason: str) -> None:
        self.chosen.append((c, reason))
        self.taken.add(c.id)
        self.per_doc[c.doc] += 1
        self.per_stratum[stratum(c)] += 1
        self.coverage.update(c.groups)

    def take_random(self, count: int) -> None:
        """Uniform random: the shuffled order, skipping what the caps forbid."""
        for c in self.order:
            if len(self.chosen) >= count:
                return
            if self.can_take(c):
                self.take(c, "random")

    def first(self, word: str) -> Candidate | None:
        """The next free candidate holding `word`, from the stratum with the fewest picks."""
        for s in sorted(self.strata, key=lambda s: (self.per_stratum[s], s)):
            key = (s, word)
            queue = self.queues.get(key)
            if not queue:
                continue
            # a candidate that cannot be taken now never can again, except under the stratum cap,
            # which is per stratum and so the same for the whole queue: skipping stays safe
            while self.pointer[key] < len(queue):
                c = queue[self.pointer[key]]
                if self.can_take(c):
                    return c
                if self.stratum_cap is not None and self.per_stratum[s] >= self.stratum_cap:
                    break
                self.pointer[key] += 1
        return None

    def take_rare(self, count: int, frequency: Counter[str]) -> None:
        """Rare cue groups: the least covered group next, its words in round robin, rarest first."""
        words = {g: sorted(RARE_GROUPS[g], key=lambda w: (frequency[w], w)) for g in RARE_GROUPS}
        words = {g: [w for w in ws if frequency[w]] for g, ws in words.items()}
        turn: Counter[str] = Counter()
        while len(self.chosen) < count:
            alive = [g for g in RARE_GROUPS if words[g]]
            if not alive:
                return
            group = min(alive, key=lambda g: (self.coverage[g], list(RARE_GROUPS).index(g)))
            ring = words[group]
            word = ring[turn[group] % len(ring)]
            found = self.first(word)
            if found is None:
                ring.remove(word)
                continue
            turn[group] += 1
            self.take(found, f"cue:{word}")

    def take_fill(self, count: int, frequency: Counter[str]) -> None:
        """Any other cue (reporting verbs, hedges, source nouns), labelled by its rarest word."""
        for c in self.order:
            if len(self.chosen) >= count:
                return
            if c.fill and self.can_take(c):
                self.take(c, f"cue:{min(c.fill, key=lambda w: (frequency[w], w))}")


def select(candidates: list[Candidate], target: int, random_count: int, rng: random.Random,
           stratum_cap: int | None, per_doc: Counter[tuple[str, str]]) -> list[tuple[Candidate, str]]:
    """Train share of one corpus: uniform random first, then rare cues, then any cue, then random."""
    frequency = Counter(w for c in candidates for w in c.rare | c.fill)
    sel = Selector(candidates, rng, stratum_cap, per_doc)
    sel.take_random(random_count)
    sel.take_rare(target, frequency)
    sel.take_fill(target, frequency)
    sel.take_random(target)
    return sel.chosen


def select_ood(candidates: list[Candidate], rng: random.Random, per_doc: Counter[tuple[str, str]]) -> list[tuple[Candidate, str]]:
    """OOD split: rare-cue sentences first (at most OOD_MAX_CUE), then uniform random among the rest."""
    frequency = Counter(w for c in candidates for w in c.rare | c.fill)
    sel = Selector(candidates, rng, None, per_doc)
    sel.take_rare(OOD_MAX_CUE, frequency)
    sel.take_random(OOD_SIZE)
    return sel.chosen


def select_all(candidates: list[Candidate], seed: int) -> tuple[dict[str, list[tuple[Candidate, str]]], list[tuple[Candidate, str]]]:
    """Train selection per corpus, then the OOD split from the held-out thatiar outlets."""
    per_doc: Counter[tuple[str, str]] = Counter()
    train: dict[str, list[tuple[Candidate, str]]] = {}
    for i, (corpus, target) in enumerate(TARGETS.items()):
        pool = [c for c in candidates if c.corpus == corpus and c.outlet not in HELD_OUT]
        cap = round(STRATUM_CAP[corpus] * target) if corpus in STRATUM_CAP else None
        train[corpus] = select(pool, target, round(target * RANDOM_FRACTION), random.Random(seed + i), cap, per_doc)
    ood_pool = [c for c in candidates if c.corpus == "thatiar" and c.outlet in HELD_OUT]
    ood = select_ood(ood_pool, random.Random(seed + 100), per_doc)
    return train, ood


def interleave(groups: list[list[Record]], rng: random.Random) -> list[Record]:
    """Merge lists so that each stretch of the result has every list in proportion."""
    keyed = []
    for g, items in enumerate(groups):
        for i, record in enumerate(items):
            keyed.append(((i + rng.random()) / len(items), g, record))
    return [record for _, _, record in sorted(keyed, key=lambda k: (k[0], k[1]))]


# ---------------------------------------------------------------- output


def to_record(c: Candidate, reason: str, split: str) -> Record:
    meta: dict[str, object] = {"corpus": c.corpus, "doc_id": c.doc_id, "paragraph": c.index, "license": LICENSES[c.corpus],
                               "origin": c.origin, "outlet": c.outlet}
    if c.genre:
        meta["genre"] = c.genre
    meta.update({"split": split, "selection": reason, "pool": POOL_TAG, **c.extra})
    return Record(c.id, c.text, [], meta)


def order_records(train: dict[str, list[tuple[Candidate, str]]], ood: list[tuple[Candidate, str]], seed: int) -> list[Record]:
    rng = random.Random(seed + 200)
    per_corpus = []
    for corpus in TARGETS:
        records = [to_record(c, reason, "train") for c, reason in train[corpus]]
        rng.shuffle(records)
        per_corpus.append(records)
    ood_records = [to_record(c, reason, "ood_test") for c, reason in ood]
    rng.shuffle(ood_records)
    return interleave(per_corpus, rng) + ood_records


def parse_range(text: str, available: int) -> list[int]:
    """'1-8', '3', '1,4-5', 'all' or 'none' -> batch numbers (1-based) within 1..available."""
    if text == "all":
        return list(range(1, available + 1))
    if text == "none":
        return []
    numbers: list[int] = []
    for part in text.split(","):
        low, _, high = part.partition("-")
        numbers.extend(range(int(low), int(high or low) + 1))
    bad = [n for n in numbers if not 1 <= n <= available]
    if bad:
        raise SystemExit(f"batch numbers {bad} outside 1..{available}")
    return numbers


def batches(records: list[Record], size: int, stem: str) -> list[tuple[str, list[Record]]]:
    return [(f"{stem}{n // size + 1:02d}.txt", records[n:n + size]) for n in range(0, len(records), size)]


def check(records: list[Record], gold: Gold) -> None:
    """The invariants the brief asks for; a violation stops the build before anything is written."""
    ids = [r.id for r in records]
    assert len(ids) == len(set(ids)), "duplicate ids"
    docs = Counter((r.meta["corpus"], r.meta["doc_id"]) for r in records)
    assert max(docs.values()) <= MAX_PER_DOC, "more than 2 paragraphs from one document"
    assert not set(docs) & gold.heldout_docs, "a dev/test document is in the pool"
    assert not set(docs) & gold.docs, "a gold document is in the pool"
    assert not {r.text for r in records} & gold.texts, "a gold text is in the pool"
    train_outlets = {r.meta["outlet"] for r in records if r.meta["split"] == "train" and r.meta["corpus"] == "thatiar"}
    assert not train_outlets & set(HELD_OUT), "a held-out outlet is in train"
    assert all(not on_held_out_site(str(r.meta["origin"])) for r in records if r.meta["corpus"] == "unifiedfc")
    split_docs = defaultdict(set)
    for r in records:
        split_docs[r.meta["split"]].add((r.meta["corpus"], r.meta["doc_id"]))
    assert not split_docs["train"] & split_docs["ood_test"], "a document is in train and ood_test"
    for r in records:  # no pool text inside a dev/test text or the other way round
        for t in gold.heldout_texts:
            assert r.text not in t and t not in r.text, f"{r.id} overlaps a dev/test text"


def write_batches(records: list[Record], out: Path, train_batches: str, ood_batches: str, force: bool,
                  drafts: bool) -> list[Path]:
    train = [r for r in records if r.meta["split"] == "train"]
    ood = [r for r in records if r.meta["split"] == "ood_test"]
    chosen = []
    for stem, size, pick, rs in (("batch_e", BATCH_SIZE, train_batches, train), ("ood_", OOD_BATCH_SIZE, ood_batches, ood)):
        numbered = batches(rs, size, stem)
        chosen += [numbered[n - 1] for n in parse_range(pick, len(numbered))]
    work = out / "work"
    existing = [work / name for name, _ in chosen if (work / name).exists()]
    if existing and drafts and not force:
        raise SystemExit(f"{len(existing)} work files exist (e.g. {existing[0]}): they may hold annotations; pass --force to overwrite")
    raw_paths = []
    for name, rs in chosen:
        path = out / "raw" / name
        write_records([Record(r.id, r.text, []) for r in rs], path)
        raw_paths.append(path)
    if drafts:
        subprocess.run([sys.executable, str(REPO / "scripts" / "preannotate.py"), *map(str, raw_paths), "--out-dir", str(work)],
                       check=True)
    return raw_paths


def refuse_changed_pool(path: Path, records: list[Record], force: bool) -> None:
    """Batches may already be annotated against an existing pool: a different pool needs --force."""
    if path.exists() and not force:
        old = [r.id for r in read_records(path)]
        if old != [r.id for r in records]:
            raise SystemExit(f"{path} exists with other records or another order (other seed or corpora?); pass --force to replace it")


def verify_files(out: Path, raw_paths: list[Path], drafts: bool) -> None:
    pool_text = {r.id: r.text for r in read_records(out / "pool.jsonl")}
    paths = raw_paths + ([out / "work" / p.name for p in raw_paths] if drafts else [])
    problems = validate_file(out / "pool.jsonl")
    for path in paths:
        problems += validate_file(path)
        for r in read_records(path):
            if pool_text.get(r.id) != r.text:
                raise SystemExit(f"{path}: text of {r.id} differs from pool.jsonl")
    if problems:
        raise SystemExit("\n".join(map(str, problems)))


# ---------------------------------------------------------------- report


def table(header: list[str], rows: list[list[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|"]
    lines += ["| " + " | ".join(str(x) for x in row) + " |" for row in rows]
    return "\n".join(lines)


SPLITS = ("train", "ood_test")


def count_rows(records: list[Record], key: str, top: int | None = None) -> list[list[object]]:
    """Per value of meta[key]: records per split, total, documents; beyond `top` values one 'others' row."""
    grid = Counter((str(r.meta.get(key, "-")), str(r.meta["split"])) for r in records)
    docs: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for r in records:
        docs[str(r.meta.get(key, "-"))].add((r.meta["corpus"], r.meta["doc_id"]))
    keys = sorted(docs, key=lambda k: (-sum(grid[(k, s)] for s in SPLITS), k))
    rows: list[list[object]] = [[k, *(grid[(k, s)] for s in SPLITS), sum(grid[(k, s)] for s in SPLITS), len(docs[k])]
                                for k in keys[:top]]
    if top is not None and len(keys) > top:
        rest = keys[top:]
        rows.append([f"{len(rest)} others", *(sum(grid[(k, s)] for k in rest) for s in SPLITS),
                     sum(grid[(k, s)] for k in rest for s in SPLITS), sum(len(docs[k]) for k in rest)])
    return rows


def outlet_tables(records: list[Record]) -> list[str]:
    parts = []
    for corpus, top in (("thatiar", None), ("saudinewsnet", None), ("unifiedfc", 12)):
        subset = [r for r in records if r.meta["corpus"] == corpus]
        outlets = len({r.meta["outlet"] for r in subset})
        parts += [f"{corpus} ({outlets} outlets{'; URL domain' if corpus == 'unifiedfc' else ''}):", "",
                  table(["outlet", *SPLITS, "total", "docs"], count_rows(subset, "outlet", top)), ""]
    parts.append("antcorpus: all JawharaFM (Tunisian radio site).")
    return parts


def cue_rows(records: list[Record]) -> list[list[object]]:
    rows = []
    for group in RARE_GROUPS:
        cues = [c for c in RARE_CUES if c.group == group]
        n = {s: sum(1 for r in records if r.meta["split"] == s and find_cues(r.text, cues)) for s in ("train", "ood_test")}
        rows.append([group, n["train"], n["ood_test"]])
    return rows


def report(records: list[Record], gold: Gold, stats: Counter[str], args: argparse.Namespace, raw_paths: list[Path],
           seconds: float) -> str:
    splits = list(SPLITS)
    selection = Counter((("random" if r.meta["selection"] == "random" else "cue"), r.meta["split"], r.meta["corpus"]) for r in records)
    sel_rows = [[f"{kind} / {corpus}", *(selection[(kind, s, corpus)] for s in splits)]
                for kind in ("random", "cue") for corpus in [*TARGETS]]
    sel_rows = [row for row in sel_rows if any(row[1:])]
    word_rows = Counter(str(r.meta["selection"]) for r in records if r.meta["selection"] != "random").most_common()
    conflicts = sorted({f"{r.meta['split']} {r.id} ({domain(str(r.meta['origin']))})" for r in gold.records
                        if r.meta.get("corpus") == "unifiedfc" and on_held_out_site(str(r.meta.get("origin", "")))})
    written = sorted((args.out / "raw").glob("*.txt"))
    command = (f"python scripts/build_train_pool.py --corpora {args.corpora_display} --seed {args.seed} "
               f"--out {args.out_display} --batches {args.batches}" + (f" --ood-batches {args.ood_batches}" if args.ood_batches != "all" else ""))
    parts = [
        "# Extra gold pool (`extra-2026-12`): more outlets and genres, rare types over-sampled, an OOD test split",
        "",
        "_Generated by `scripts/build_train_pool.py` (its docstring explains the design); do not edit by hand._",
        "",
        f"Unannotated candidates for the gold data: {sum(r.meta['split'] == 'train' for r in records)} new train paragraphs "
        f"and a {sum(r.meta['split'] == 'ood_test' for r in records)}-sentence out-of-domain test split (`split: ood_test`). "
        "No document of `data/gold/{train,dev,test,pool,pool_supplement}.jsonl` is in it and no text equals a gold text. "
        "Texts are the corpus text byte-for-byte (outer whitespace stripped). Nothing here is annotated yet: "
        "`spans` are empty in `pool.jsonl`.",
        "",
        "Built with (from the repository root):",
        "",
        "```bash",
        command,
        "```",
        f"({seconds:.0f} s on this machine, most of it reading and cue-matching the corpora.) The same seed gives the same pool; "
        "`--batches 9-16 --ood-batches none` writes the next train batches without touching the ones written before "
        "(existing work files are never overwritten without `--force`).",
        "",
        "## Files",
        "- `pool.jsonl`: every record, train first (in batch order), then ood_test. `meta`: corpus, doc_id, paragraph "
        "(line index; thatiar: the sentence number), license, origin (URL, or thatiar `file:line`), outlet, genre "
        "(antcorpus only), split, selection (`random` or `cue:<word>`), pool; thatiar records add sentence_id, "
        "thatiar_label (the corpus's OBJ/SUBJ) and, for fact-check-linked pages, collection.",
        f"- `raw/`: markup batches without spans; `work/`: the same batches with the rule draft "
        "(`scripts/preannotate.py`), to be corrected. Train batches `batch_eNN.txt` hold "
        f"{BATCH_SIZE} records, OOD batches `ood_NN.txt` {OOD_BATCH_SIZE}; batch N of train is records "
        f"{BATCH_SIZE}(N-1)+1..{BATCH_SIZE}N of the train part of `pool.jsonl`. Batch files written so far: "
        + ", ".join(f"`{p.name}`" for p in written) + ". The `raw/` copies are for annotating without a draft "
        "(to measure anchoring on the rules).",
        "",
        "## Held-out outlets (OOD test split)",
        "ood_test comes only from the thatiar outlets " + ", ".join(HELD_OUT) + " (`Alarabiya` in the corpus is written "
        "AlArabiya here); no train sentence comes from them, and unifiedfc articles from their web sites ("
        + ", ".join(HELD_OUT_DOMAINS) + ") are left out of the train pool. They are international and pan-Arab "
        "broadcasters plus an Egyptian daily, with opinion and analysis pieces, mostly from 2023-2024 judging by the "
        "content: a shift in outlet, region, time and genre from the train corpora. The AlArabiya rows are one "
        f"series on AI in defence, many of them bullet points. Selection: the sentences holding a rare cue first (at most {OOD_MAX_CUE}), "
        "then uniform random among the rest; at most 2 sentences per article.",
        "",
        "AFP is not held out: its thatiar rows (`AFP_<n>-curl_..`, `-eurl_..`) are not AFP texts but pages linked from "
        "AFP's Arabic fact-check (Annahar, Jordan's Petra, Egyptian and Moroccan sites, ...), the same kind of material "
        "as the MIS (Misbar), FAT (Fatabyyano), VER (Verify-Sy) and MAH (probably Maharat News) rows used for train.",
        "",
        "Caveats: the outlet behind a fact-check-linked page is not recorded, so such a page could come from a "
        "held-out outlet's site. The existing gold files hold unifiedfc documents from held-out outlets' sites; "
        "the ones in train should be left out of training (or the OOD split read with this in mind) when ood_test "
        "is used as out-of-domain:",
        "",
        *[f"- {c}" for c in conflicts],
        "",
        "## Counts",
        "### By corpus (paragraphs per split, total, documents)",
        table(["corpus", *splits, "total", "docs"], count_rows(records, "corpus")),
        "",
        "### By outlet",
        *outlet_tables(records),
        "",
        "### By genre (antcorpus; the file stem JA-<genre>-...)",
        table(["genre", *splits, "total", "docs"], count_rows([r for r in records if "genre" in r.meta], "genre")),
        "",
        "### By selection",
        table(["selection / corpus", *splits], sel_rows),
        "",
        "Cue words behind the cue selections: " + ", ".join(f"{w.removeprefix('cue:')} {n}" for w, n in word_rows) + ".",
        "",
        "### Paragraphs containing a cue of each over-sampled group (selection lists, not annotations)",
        table(["group", "train", "ood_test"], cue_rows(records)),
        "",
        "### Candidates and exclusions",
        table(["step", "count"], [[k, v] for k, v in sorted(stats.items())]),
        "",
        "Counts are paragraphs (thatiar: sentences), except the `docs` rows; `candidates` are the kept, deduplicated paragraphs the corpus readers yield.",
        "",
        "## Licenses",
        table(["corpus", "license", "records"], [[c, LICENSES[c], sum(r.meta["corpus"] == c for r in records)] for c in TARGETS]),
        "",
        "thatiar_subjectivity is CC BY-NC-SA 4.0 (license file in its folder), like saudinewsnet; antcorpus Apache-2.0; "
        "unifiedfc has no stated license (research only; cite Baly et al. 2018). Data built from this pool is for "
        "research and non-commercial use, share-alike.",
        "",
    ]
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", type=Path, required=True, help="the shared corpus folder (holds saudinewsnet/, thatiar_subjectivity/, ...)")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--out", type=Path, default=Path("data/gold/extra"))
    parser.add_argument("--batches", default="1-8", help="train batches to write: '1-8', '9-16', '1,3', 'all'")
    parser.add_argument("--ood-batches", default="all", help="ood_test batches to write: 'all' (default), 'none', '1-2'")
    parser.add_argument("--no-drafts", action="store_true", help="write raw batches only, no rule drafts in work/")
    parser.add_argument("--force", action="store_true", help="overwrite existing work/ batches")
    args = parser.parse_args(argv)
    args.corpora_display, args.out_display = str(args.corpora), str(args.out)
    if not (args.corpora / "thatiar_subjectivity").is_dir():
        raise SystemExit(f"{args.corpora}: no thatiar_subjectivity/ folder; --corpora must point at the shared corpus folder")
    started = time.monotonic()

    gold = read_gold(GOLD)
    stats: Counter[str] = Counter()
    candidates = all_candidates(args.corpora, gold, stats)
    train, ood = select_all(candidates, args.seed)
    for corpus, target in TARGETS.items():
        if len(train[corpus]) < target:
            print(f"warning: {corpus}: {len(train[corpus])} of {target} paragraphs", file=sys.stderr)
    records = order_records(train, ood, args.seed)
    check(records, gold)

    out: Path = args.out
    refuse_changed_pool(out / "pool.jsonl", records, args.force)
    write_records(records, out / "pool.jsonl")
    raw_paths = write_batches(records, out, args.batches, args.ood_batches, args.force, not args.no_drafts)
    verify_files(out, raw_paths, not args.no_drafts)
    seconds = time.monotonic() - started
    text = report(records, gold, stats, args, raw_paths, seconds)
    (out / "README.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
