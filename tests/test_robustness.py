"""Hostile input: arbitrary Unicode through predict() and the aligners never yields a wrong offset."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from isnad_tagger import Tagger
from isnad_tagger.encoding import build_windows, encode_text
from isnad_tagger.normalize import get_normalizer

HOSTILE_PIECES = [
    "قال", "مُحَمَّـــد", "\u0640\u0640", "\u064b\u0651", "\u200f", "\u200e", "\u200d", "\u200c", "\u202b", "\u2067",
    "😀", "👨\u200d👩\u200d👧", "پژوهش", "گفت", "ۓ", "٠١٢٣٤٥٦٧٨٩", "۴۵۶", "\x00", "\t", "\n\n", "\u3000", " ",
    "«", "»", "“", "”", "\ufeff", "\ud800", "\udfff", "a" * 300, "ب" * 500, "https://example.com/x?y=1", "\u0301",
]

hostile_text = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(HOSTILE_PIECES), max_size=40).map("".join),
    st.lists(st.one_of(st.sampled_from(HOSTILE_PIECES), st.text(max_size=8)), max_size=30).map(" ".join),
)

FUZZ_EXAMPLES = 300


@pytest.fixture(scope="module")
def tagger(trained_checkpoint):
    return Tagger.from_pretrained(trained_checkpoint)


def check_spans(text, spans):
    by_family = {}
    for span in spans:
        assert 0 <= span["start"] < span["end"] <= len(text)
        assert text[span["start"] : span["end"]] == span["text"]
        by_family.setdefault(span["label"], []).append((span["start"], span["end"]))
    for extents in by_family.values():
        extents.sort()
        assert all(a[1] <= b[0] for a, b in zip(extents, extents[1:]))


@settings(max_examples=FUZZ_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=hostile_text)
def test_predict_on_arbitrary_unicode(tagger, text):
    check_spans(text, tagger.predict(text))


@settings(max_examples=FUZZ_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=hostile_text)
def test_aligner_covers_every_word_once_per_window_plan(tiny_tokenizer, text):
    encoded = encode_text(text, tiny_tokenizer, get_normalizer(None))
    windows = build_windows(encoded, tiny_tokenizer, 32, 8)
    seen = {w for window in windows for w in window.word_indices}
    assert seen == set(range(len(encoded.words)))
    for window in windows:
        assert len(window.input_ids) <= 32
        assert all(0 < p < len(window.input_ids) - 1 for p in window.positions)


@pytest.mark.parametrize(
    "text",
    ["", "   \n\t ", "\x00\x00", "\ud800قال\udfff الوزير", "😀" * 50, "ب" * 5000, "\u200fقال\u200e «الوزير»"],
    ids=["empty", "whitespace", "nul", "lone-surrogates", "emoji", "one-5000-letter-word", "bidi-marks"],
)
def test_bad_input_matrix_gives_correct_results(tagger, text):
    spans = tagger.predict(text)
    check_spans(text, spans)
    if not text.strip("\x00 \n\t"):
        assert spans == []


def test_million_character_text_is_processed_whole(tagger):
    unit = "وقال المتحدث باسم الوزارة إن الحكومة قد تعلن القرار غداً. "
    text = unit * (1_000_000 // len(unit) + 1)
    assert len(text) > 1_000_000
    spans = tagger.predict(text)
    check_spans(text, spans)
    assert max(s["end"] for s in spans) > len(text) - len(unit)


def test_identical_spans_across_batch_sizes_and_backends(trained_checkpoint, tmp_path):
    from isnad_tagger.onnx_export import export_onnx

    texts = ["وأكد الوزير أن الاجتماع عُقد أمس.", "نفى مصدر مسؤول صحة الأنباء " * 9, "", "ربما تستأنف المحادثات"]
    export_onnx(trained_checkpoint, tmp_path, quantize=False)
    runs = [
        Tagger.from_pretrained(trained_checkpoint, batch_tokens=budget).predict(texts) for budget in (16, 256, 65536)
    ] + [Tagger.from_pretrained(tmp_path, backend="onnx", batch_tokens=64).predict(texts)]
    keys = [[[(s["start"], s["end"], s["label"], s["type"]) for s in doc] for doc in run] for run in runs]
    assert all(k == keys[0] for k in keys)
