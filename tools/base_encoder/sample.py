"""The corpus sample behind the vocabulary cut: paragraphs to count pieces on and held-out paragraphs to
check the cut on, drawn from the shared Arabic news corpora (a folder given explicitly; the default
build reads none, see piece_list.py). Documents are read with isnad_tagger.training.corpora's readers.
"""

from __future__ import annotations

import random
import tarfile
import zlib
from pathlib import Path
from typing import Iterator

from isnad_tagger.training.corpora import iter_documents, keep, read_saudinewsnet

# The order the sample was first drawn in (the committed piece list comes from it): saudinewsnet,
# unifiedfc, then antcorpus in the order of its tar archive. Pool order decides which paragraphs the
# seeded shuffle picks, so this order is part of the sample's definition.
SAMPLE_CORPORA = ("saudinewsnet", "unifiedfc", "antcorpus")
ANT_ARCHIVE = "antcorpus/antcorpus_v1.1.tar.gz"  # read_antcorpus's archive, under the corpora folder

COUNT_BUCKETS = (0.0, 0.5)  # paragraphs whose text falls here may be counted
HELDOUT_BUCKETS = (0.9, 1.0)  # ... and these are held out for the checks


def antcorpus_archive_order(corpora: Path) -> list[str]:
    """antcorpus document ids (file stems) in archive order; read_antcorpus yields them sorted."""
    with tarfile.open(Path(corpora) / ANT_ARCHIVE, mode="r:gz") as archive:
        return [Path(m.name).stem for m in archive if m.isfile() and m.name.endswith(".txt")]


def documents(corpora: Path) -> Iterator[tuple[str, str, str]]:
    """(corpus, doc_id, body) of SAMPLE_CORPORA in sample order (see SAMPLE_CORPORA)."""
    corpora = Path(corpora)
    for corpus, doc_id, body, _origin in iter_documents(corpora, SAMPLE_CORPORA[:2]):
        yield corpus, doc_id, body
    ant: dict[str, str] = {}
    n_docs = 0
    for _corpus, doc_id, body, _origin in iter_documents(corpora, ("antcorpus",)):
        ant[doc_id] = body
        n_docs += 1
    if len(ant) != n_docs:
        raise ValueError("antcorpus: document ids (file stems) are not unique; the archive order is ambiguous")
    for doc_id in antcorpus_archive_order(corpora):
        if doc_id in ant:  # files without <TEXT> are skipped by the reader
            yield "antcorpus", doc_id, ant[doc_id]


def text_bucket(text: str) -> float:
    """Deterministic position of a paragraph text in [0, 1) (same text, same bucket)."""
    return zlib.crc32(text.encode("utf-8")) / 2**32


def sample_paragraphs(corpora: Path, n_count: int = 30000, n_heldout: int = 3000, seed: int = 13) -> tuple[list[str], list[str]]:
    """Two disjoint (by text) random samples of kept paragraphs (isnad_tagger.training.corpora.keep: 20-130
    words, mostly Arabic, one sentence end) of the shared corpora: one to count pieces, one held out."""
    pools: tuple[dict[str, None], dict[str, None]] = ({}, {})
    for _corpus, _doc, body in documents(corpora):
        for line in body.split("\n"):
            text = line.strip()
            if not text:
                continue
            b = text_bucket(text)
            pool = pools[0] if COUNT_BUCKETS[0] <= b < COUNT_BUCKETS[1] else pools[1] if HELDOUT_BUCKETS[0] <= b < HELDOUT_BUCKETS[1] else None
            if pool is not None and text not in pool and keep(text):
                pool[text] = None
    rng = random.Random(seed)
    count, held = list(pools[0]), list(pools[1])
    rng.shuffle(count)
    rng.shuffle(held)
    return count[:n_count], held[:n_heldout]


def saudinewsnet_paragraphs(corpora: Path, n: int = 200) -> list[str]:
    """The first `n` non-empty paragraphs (lines) of saudinewsnet `content`, in file order."""
    out = []
    for _, _, body, _ in read_saudinewsnet(Path(corpora) / "saudinewsnet"):
        for line in body.split("\n"):
            if line.strip():
                out.append(line.strip())
                if len(out) >= n:
                    return out
    return out
