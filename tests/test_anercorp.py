"""ANERcorp conversion: exact offsets, PERS/ORG -> ACTOR only, counted trims, position-based split."""

from __future__ import annotations

from isnad_tagger.spans import span_problems
from isnad_tagger.training.anercorp import convert, parse_tokens, split_of_chunk

SAMPLE = "\n".join(
    [
        "قال O", "زيد B-PERS", "عمرو I-PERS", "في O", "بغداد B-LOC", ". O",
        "أعلنت O", "شركة B-ORG", "نور I-ORG", "« O", "كأس B-MISC", ". O",
        " O",  # empty token line: skipped and counted
        "وأكد O", "«سالم B-PERS", "إن O", "هند I-PERS", ". O",  # I- after O starts a new entity
        ". O",  # a sentence without words: skipped and counted
        "رحب O", "\u201c B-ORG", "بهم O", ". O",  # an entity of punctuation only: dropped and counted
    ]
) + "\n"


def test_parse_sentences_end_at_period() -> None:
    sentences = parse_tokens(SAMPLE)
    assert [len(s) for s in sentences] == [6, 6, 5, 1, 4]
    assert sentences[0][1] == ("زيد", "B-PERS")


def test_offsets_and_actor_mapping() -> None:
    records, stats = convert(SAMPLE, chunk_size=1)
    rows = records["train"] + records["dev"] + records["test"]
    by_text = {r.text: r for r in rows}

    first = by_text["قال زيد عمرو في بغداد ."]
    assert [(s.start, s.end, s.label, s.type) for s in first.spans] == [(4, 12, "ACTOR", None)]
    assert first.text[4:12] == "زيد عمرو"  # PERS -> ACTOR; LOC (بغداد) is not mapped

    second = by_text["أعلنت شركة نور « كأس ."]
    assert [second.text[s.start : s.end] for s in second.spans] == ["شركة نور"]  # ORG -> ACTOR, MISC dropped

    third = by_text["وأكد «سالم إن هند ."]
    assert [third.text[s.start : s.end] for s in third.spans] == ["سالم", "هند"]  # « trimmed off
    for record in rows:
        assert span_problems(record.text, record.spans) == []
        assert record.meta["corpus"] == "anercorp" and record.meta["license"].startswith("research-only")
        assert all(s.label == "ACTOR" for s in record.spans)

    assert stats["ACTOR spans trimmed to word boundaries"] == 1
    assert stats["ACTOR spans dropped (no valid word boundaries)"] == 1
    assert stats["lines with an empty token (skipped)"] == 1
    assert stats["sentences without words (skipped)"] == 1
    assert stats["I- tags without a preceding B- (started an entity)"] == 1
    assert stats["ACTOR spans"] == 4


def test_split_is_by_position() -> None:
    assert [split_of_chunk(i, 10) for i in range(10)] == ["train"] * 8 + ["dev"] + ["test"]
    records, _ = convert(SAMPLE, chunk_size=2)
    ids = [(r.meta["doc_id"], r.meta["split"]) for split in records.values() for r in split]
    assert ("chunk-000", "train") in ids
    assert len({split for doc, split in ids if doc == "chunk-000"}) == 1
