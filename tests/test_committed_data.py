"""Every committed data file passes the contract, and the gold splits keep their promises."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from isnad_tagger.data import read_records, validate_file

ROOT = Path(__file__).resolve().parent.parent
DATA_FILES = sorted(
    [*ROOT.glob("data/gold/*.jsonl"), *ROOT.glob("data/gold/annotated/*.txt"), *ROOT.glob("data/gold/agreement/*.txt"),
     *ROOT.glob("data/gold/work/*.txt"), *ROOT.glob("data/gold/extra/*.jsonl"), *ROOT.glob("data/gold/extra/*/*.txt"),
     ROOT / "tests" / "fixtures" / "made_up.txt"]
)


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_committed_file_is_valid(path):
    assert validate_file(path) == []


def test_gold_splits_are_by_document_with_provenance_and_enough_rare_types():
    splits = {s: read_records(ROOT / "data" / "gold" / f"{s}.jsonl") for s in ("train", "dev", "test")}
    assert len(splits["test"]) >= 200 and len(splits["dev"]) >= 100 and sum(map(len, splits.values())) >= 800
    documents = {s: {(r.meta["corpus"], r.meta["doc_id"]) for r in rs} for s, rs in splits.items()}
    assert not (documents["train"] & documents["dev"]) and not (documents["train"] & documents["test"]) and not (documents["dev"] & documents["test"])
    for records in splits.values():
        for record in records:
            assert {"corpus", "doc_id", "license", "origin", "split"} <= set(record.meta)
    assert len({r.meta["corpus"] for rs in splits.values() for r in rs}) >= 3
    counts = Counter((s.label, s.type) for r in splits["train"] for s in r.spans)
    for family, minimum in (("STANCE", 25), ("SOURCE", 25), ("UNCERTAINTY", 20)):
        for (label, kind), n in counts.items():
            if label == family:
                assert n >= minimum, (label, kind, n)
    assert len({k for k in counts if k[0] == "SOURCE"}) == 6 and len({k for k in counts if k[0] == "STANCE"}) == 5


def test_extra_gold_keeps_dev_and_test_documents_and_held_out_outlets_apart():
    """The new train paragraphs come from no dev/test document, and the out-of-domain split from
    outlets that no new train paragraph comes from; every record keeps its provenance."""
    extra = ROOT / "data" / "gold" / "extra"
    pool = read_records(extra / "pool.jsonl")
    held = {(r.meta["corpus"], r.meta["doc_id"]) for s in ("dev", "test") for r in read_records(ROOT / "data" / "gold" / f"{s}.jsonl")}
    train = [r for r in pool if r.meta["split"] == "train"]
    ood = [r for r in pool if r.meta["split"] == "ood_test"]
    assert len(ood) >= 150 and not {(r.meta["corpus"], r.meta["doc_id"]) for r in train} & held
    assert not {r.meta["outlet"] for r in ood} & {r.meta.get("outlet") for r in train}
    for name in ("train.jsonl", "ood_test.jsonl"):
        for record in read_records(extra / name):
            assert {"corpus", "doc_id", "license", "origin", "split", "outlet"} <= set(record.meta)
