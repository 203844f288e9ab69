"""Readers for the shared unlabelled news corpora, and the paragraph split (isnad_tagger.training.corpora).

Document ids and paragraph indices follow the gold pool builder (scripts/build_gold_pool.py), so ids
from both agree exactly and gold documents can be excluded from silver data:
- unifiedfc:    `<claim file stem>-<article index>` (R-10-8), text = the article string
- saudinewsnet: `<zip date>-<index in the JSON array>` (2015-07-21-4512), text = `content`
- antcorpus:    the file stem inside the tarball, text = the raw content of <TEXT>
A paragraph is a line of the document text split on "\\n", stripped of outer whitespace; its index is
the line index; record id `<corpus>/<doc_id>/p<index>`. `keep` is the builder's paragraph filter
(20-130 whitespace words, mostly Arabic letters, ends a sentence, nothing that clashes with markup).
"""

from __future__ import annotations

import json
import re

import regex
import tarfile
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

CORPORA = ("unifiedfc", "saudinewsnet", "antcorpus")
LICENSES = {
    "unifiedfc": "research-only (Baly et al. 2018; no license stated)",
    "saudinewsnet": "CC BY-NC-SA 4.0",
    "antcorpus": "Apache-2.0",
}
MIN_WORDS, MAX_WORDS = 20, 130
MIN_ARABIC_LETTER_SHARE = 0.7

LINE_BREAK_LIKE = re.compile("[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
ARABIC_LETTER = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
SENTENCE_END = re.compile(r"[.!?؟…:][\"”»')\]]*$")
# Fast equivalents of the per-character test (str.isalpha() == \p{L}; Arabic letter = \p{L} inside
# ARABIC_LETTER's ranges), same result as the gold pool builder's loop.
_LETTER = regex.compile(r"\p{L}")
_ARABIC_LETTER = regex.compile(r"(?V1)[[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]&&\p{L}]")
ANT_FIELD = re.compile(r"<(URL|TEXT)>(.*?)</\1>", re.S)


@dataclass
class Paragraph:
    corpus: str
    doc_id: str
    index: int
    text: str
    origin: str

    @property
    def id(self) -> str:
        return f"{self.corpus}/{self.doc_id}/p{self.index}"


def keep(text: str) -> bool:
    """Paragraph filter: length, Arabic share, sentence end, and nothing that clashes with markup."""
    if not MIN_WORDS <= len(text.split()) <= MAX_WORDS:
        return False
    if "[[" in text or "]]" in text or "|" in text or LINE_BREAK_LIKE.search(text):
        return False
    if any(line.startswith("### ") for line in text.split("\n")):
        return False
    if not SENTENCE_END.search(text):
        return False
    letters = len(_LETTER.findall(text))
    return bool(letters) and len(_ARABIC_LETTER.findall(text)) / letters >= MIN_ARABIC_LETTER_SHARE


def split_document(corpus: str, doc_id: str, body: str, origin: str) -> Iterator[Paragraph]:
    for index, line in enumerate(body.split("\n")):
        text = line.strip()
        if text and keep(text):
            yield Paragraph(corpus, doc_id, index, text, origin)


def read_unifiedfc(root: Path) -> Iterator[tuple[str, str, str, str]]:
    """(corpus, doc_id, body, origin) per article of unifiedfc_baly2018/dataset/*.json."""
    for path in sorted((root / "dataset").glob("*.json")):
        claim = json.loads(path.read_text(encoding="utf-8"))
        urls = claim.get("url") or []
        for i, article in enumerate(claim["article"]):
            origin = urls[i] if i < len(urls) and urls[i] else f"dataset/{path.name}#article[{i}]"
            yield "unifiedfc", f"{path.stem}-{i}", article, origin


def read_saudinewsnet(root: Path) -> Iterator[tuple[str, str, str, str]]:
    """(corpus, doc_id, body, origin) per article of saudinewsnet/*.zip."""
    for path in sorted(root.glob("*.zip")):
        with zipfile.ZipFile(path) as archive:
            for name in sorted(archive.namelist()):
                for i, article in enumerate(json.loads(archive.read(name).decode("utf-8"))):
                    origin = article.get("url") or f"{path.name}/{name}[{i}]"
                    yield "saudinewsnet", f"{path.stem}-{i}", article.get("content") or "", origin


def read_antcorpus(root: Path) -> Iterator[tuple[str, str, str, str]]:
    """(corpus, doc_id, body, origin) per file of antcorpus/antcorpus_v1.1.tar.gz."""
    # One streaming pass in archive order (seeking back in a .tar.gz re-decompresses from the start,
    # which made sorted-order extraction take minutes), then yield in sorted name order as before.
    contents: dict[str, str] = {}
    with tarfile.open(root / "antcorpus_v1.1.tar.gz", mode="r:gz") as archive:
        for member in archive:
            if member.isfile() and member.name.endswith(".txt"):
                handle = archive.extractfile(member)
                assert handle is not None
                contents[member.name] = handle.read().decode("utf-8")
    for name in sorted(contents):
        fields = dict(ANT_FIELD.findall(contents[name]))
        if "TEXT" not in fields:
            continue
        origin = fields.get("URL", "").strip() or name
        yield "antcorpus", Path(name).stem, fields["TEXT"], origin


READERS = {
    "unifiedfc": (read_unifiedfc, "unifiedfc_baly2018"),
    "saudinewsnet": (read_saudinewsnet, "saudinewsnet"),
    "antcorpus": (read_antcorpus, "antcorpus"),
}


def iter_documents(shared: Path, corpora: tuple[str, ...] = CORPORA) -> Iterator[tuple[str, str, str, str]]:
    for corpus in corpora:
        reader, folder = READERS[corpus]
        yield from reader(Path(shared) / folder)


def iter_paragraphs(shared: Path, corpora: tuple[str, ...] = CORPORA, stats: Counter | None = None) -> Iterator[Paragraph]:
    """Kept paragraphs of all documents, deduplicated like the gold pool: exact article texts, then
    exact paragraph texts, first occurrence wins (corpora in the given order). `stats` counts
    documents, duplicates and candidates per corpus when given."""
    stats = Counter() if stats is None else stats
    seen_docs: set[str] = set()
    seen_texts: set[str] = set()
    for corpus, doc_id, body, origin in iter_documents(shared, corpora):
        stats[f"{corpus} docs"] += 1
        if body.strip() in seen_docs:
            stats[f"{corpus} duplicate docs"] += 1
            continue
        seen_docs.add(body.strip())
        for paragraph in split_document(corpus, doc_id, body, origin):
            if paragraph.text in seen_texts:
                stats[f"{corpus} duplicate paragraphs"] += 1
                continue
            seen_texts.add(paragraph.text)
            stats[f"{corpus} candidates"] += 1
            yield paragraph


@dataclass
class ThatiarSentence:
    """One row of thatiar_subjectivity/*.tsv. `text` is the sentence field as the TSV holds it after
    CSV unquoting (dev_test_ar.tsv quotes fields that contain `"`, doubling the inner quotes; the
    other files never quote), not stripped. The article id is the sentence id without its last `_N`
    (`MIS_2916-eurl_05_004` -> `MIS_2916-eurl_05`), the outlet prefix is the part before the first `_`."""

    sentence_id: str
    text: str
    label: str
    origin: str

    @property
    def doc_id(self) -> str:
        return self.sentence_id.rsplit("_", 1)[0]

    @property
    def index(self) -> int:
        return int(self.sentence_id.rsplit("_", 1)[1])

    @property
    def prefix(self) -> str:
        return self.sentence_id.split("_", 1)[0]


def read_thatiar(root: Path) -> Iterator[ThatiarSentence]:
    """Every row of thatiar_subjectivity/{train_ar,dev_ar,dev_test_ar}.tsv (sorted file names), in file
    order; origin `<file>:<line>` (1-based, the header is line 1). No filtering or deduplication."""
    import csv

    for path in sorted(Path(root).glob("*.tsv")):
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle, delimiter="\t")
            header = next(reader)
            if header[:3] != ["sentence_id", "sentence", "label"]:
                raise ValueError(f"{path}: unexpected header {header!r}")
            for row in reader:
                if len(row) != 3:
                    raise ValueError(f"{path}:{reader.line_num}: expected 3 fields, got {len(row)}")
                yield ThatiarSentence(row[0], row[1], row[2], f"{path.name}:{reader.line_num}")


def read_saudinewsnet_sources(root: Path) -> dict[str, str]:
    """doc_id -> the article's `source` (its outlet, e.g. alriyadh, was), ids as in read_saudinewsnet."""
    sources: dict[str, str] = {}
    for path in sorted(Path(root).glob("*.zip")):
        with zipfile.ZipFile(path) as archive:
            for name in sorted(archive.namelist()):
                for i, article in enumerate(json.loads(archive.read(name).decode("utf-8"))):
                    sources[f"{path.stem}-{i}"] = article.get("source") or "unknown"
    return sources
