"""Spans -> word BIO -> subword labels -> windows -> logits -> spans (isnad_tagger.encoding, isnad_tagger.decoding) gives back the gold spans."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from isnad_tagger.decoding import bio_to_spans, decode_words, merge_window_logits
from isnad_tagger.encoding import build_windows, encode_text, plan_windows
from isnad_tagger.training.features import IGNORE_INDEX, window_labels, word_bio
from isnad_tagger.labels import FAMILIES, FAMILY_BY_NAME
from isnad_tagger.layout import HeadLayout
from isnad_tagger.normalize import get_normalizer
from isnad_tagger.spans import Span, span_problems
from isnad_tagger.words import pretokenize

LETTERS = "ابتثجحخدذرسشصضطظعغفقكلمنهويءآأإؤئةى"
MARKS = "\u064b\u064e\u064f\u0650\u0651\u0652"  # tanween, fatha, damma, kasra, shadda, sukun
CLITICS = ["", "", "و", "ف", "ب", "ل", "وال", "لل"]
SEPARATORS = [" ", " ", " ", "، ", " «", "» ", "\u201d", " (", ") ", ". ", "\n", ": ", " - "]

arabic_word = st.builds(
    lambda clitic, letters, mark, tatweel: clitic + letters[:1] + ("\u0640" if tatweel else "") + mark + letters[1:],
    st.sampled_from(CLITICS), st.text(LETTERS, min_size=1, max_size=7), st.sampled_from(["", *MARKS]), st.booleans(),
)
latin_or_digits = st.one_of(st.text("abcXYZ", min_size=1, max_size=6), st.text("0123456789٠١٢٣", min_size=1, max_size=4))
word = st.one_of(arabic_word, arabic_word, arabic_word, latin_or_digits)


@st.composite
def annotated_text(draw):
    words = draw(st.lists(word, min_size=1, max_size=40))
    parts = [draw(st.sampled_from(["", " ", "«"]))]
    for w in words:
        parts += [w, draw(st.sampled_from(SEPARATORS))]
    text = "".join(parts)
    tokens = [t for t in pretokenize(text) if t.is_word]
    spans = []
    for family in FAMILIES:
        position = 0
        while position < len(tokens):
            position += draw(st.integers(0, 4))
            if position >= len(tokens):
                break
            length = draw(st.integers(1, 4))
            last = min(position + length, len(tokens)) - 1
            kind = draw(st.sampled_from(family.types)) if family.typed else None
            spans.append(Span(tokens[position].start, tokens[last].end, family.name, kind))
            position = last + 1 + draw(st.integers(0, 3))
    return text, spans


def roundtrip(text, spans, tokenizer, max_length=24, stride=6):
    """Push gold spans through the whole alignment path with perfect logits; return decoded spans."""
    layout = HeadLayout.default()
    encoded = encode_text(text, tokenizer, get_normalizer(None))
    tags = []
    for block in layout.blocks:
        index = {tag: i for i, tag in enumerate(block.tags)}
        tags.append([index[t] for t in word_bio(encoded.tokens, spans, block.family)])
    windows = build_windows(encoded, tokenizer, max_length, stride)
    window_logits = []
    for window in windows:
        assert len(window.input_ids) <= max_length
        labels = window_labels(window, tags, len(window.input_ids))
        logits = np.zeros((len(window.input_ids), layout.num_labels), dtype=np.float32)
        for position, row in enumerate(labels):
            for f, block in enumerate(layout.blocks):
                if row[f] != IGNORE_INDEX:
                    logits[position, block.start + row[f]] = 10.0
        window_logits.append(logits)
    merged = merge_window_logits(len(encoded.words), windows, window_logits, layout.num_labels)
    return decode_words(encoded.words, merged, layout), windows


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=annotated_text())
def test_roundtrip_gives_back_gold_spans(tiny_tokenizer, data):
    text, spans = data
    assert span_problems(text, spans) == []
    decoded, _ = roundtrip(text, spans, tiny_tokenizer)
    assert sorted(s.key() for s in decoded) == sorted(s.key() for s in spans)
    for span in decoded:
        assert 0 <= span.start < span.end <= len(text)


def test_long_text_uses_several_windows_and_still_roundtrips(tiny_tokenizer):
    text = " ".join(f"وقال الوزير «خالد{i}» إن الحكومة قد تعلن" for i in range(30))
    tokens = [t for t in pretokenize(text) if t.is_word]
    spans = [Span(tokens[i].start, tokens[i].end, "STANCE", "report") for i in range(0, len(tokens), 7)]
    spans += [Span(tokens[i].start, tokens[i + 2].end, "ACTOR") for i in range(1, len(tokens) - 2, 7)]
    decoded, windows = roundtrip(text, spans, tiny_tokenizer, max_length=32, stride=8)
    assert len(windows) > 5
    assert sorted(s.key() for s in decoded) == sorted(s.key() for s in spans)


def test_every_subword_belongs_to_one_pretoken_and_label_piece_is_not_a_bare_marker(tiny_tokenizer):
    text = "وأكد «المصدر» أن 25 مُحَمَّـداً xyz"
    encoded = encode_text(text, tiny_tokenizer, get_normalizer(None))
    assert len(encoded.pieces) == len(encoded.tokens)
    for pieces, label_piece in zip(encoded.pieces, encoded.label_piece):
        assert pieces and 0 <= label_piece < len(pieces)
        token = tiny_tokenizer.convert_ids_to_tokens(pieces[label_piece])
        assert token != "▁" or len(pieces) == 1


def test_plan_windows_covers_everything_with_overlap():
    counts = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9] * 3
    windows = plan_windows(counts, budget=20, stride=6)
    covered = set()
    for (start, end), (next_start, _) in zip(windows, windows[1:] + [(len(counts), 0)]):
        assert sum(counts[start:end]) <= 20
        assert next_start <= end  # consecutive windows touch or overlap
        covered.update(range(start, end))
    assert covered == set(range(len(counts)))
    with pytest.raises(ValueError):
        plan_windows(counts, budget=4, stride=1)


def test_bio_repair_starts_a_span_on_a_stray_inside_tag():
    text = "أ ب ج د"
    words = [t for t in pretokenize(text) if t.is_word]
    family = FAMILY_BY_NAME["SOURCE"]
    spans = bio_to_spans(words, ["I-named", "I-named", "B-media", "I-anonymous"], family)
    assert [(s.start, s.end, s.type) for s in spans] == [(0, 3, "named"), (4, 5, "media"), (6, 7, "anonymous")]


def _valid_bio(tags) -> bool:
    previous = "O"
    for tag in tags:
        if tag.startswith("I-") and previous[2:] != tag[2:]:
            return False
        previous = tag
    return True


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 30), st.integers(0, 2**32 - 1))
def test_viterbi_gives_the_best_valid_bio_sequence(n_words, seed):
    import itertools

    from isnad_tagger.decoding import viterbi_tags

    tags = HeadLayout.default().blocks[1].tags  # SOURCE: O + six types
    probs = np.random.default_rng(seed).dirichlet(np.full(len(tags), 0.3), size=n_words)
    path = viterbi_tags(probs, tags)
    assert _valid_bio([tags[i] for i in path])
    argmax = probs.argmax(axis=-1)
    if _valid_bio([tags[i] for i in argmax]):
        assert list(path) == list(argmax)  # nothing to repair: the same as per-word argmax
    if n_words <= 4:  # exhaustive check of optimality on short sequences
        valid = [seq for seq in itertools.product(range(len(tags)), repeat=n_words) if _valid_bio([tags[i] for i in seq])]
        best = max(valid, key=lambda seq: float(np.sum(np.log(probs[np.arange(n_words), seq]))))
        assert np.isclose(np.sum(np.log(probs[np.arange(n_words), path])), np.sum(np.log(probs[np.arange(n_words), best])))


def test_viterbi_keeps_one_type_per_span_where_argmax_fragments():
    from isnad_tagger.decoding import decode_block

    layout = HeadLayout.default()
    block = layout.blocks[1]
    from isnad_tagger.words import Token

    words = [Token(0, 4, True), Token(5, 10, True), Token(11, 13, True)]
    logits = np.full((3, layout.num_labels), -5.0, dtype=np.float32)
    tag = {t: block.start + i for i, t in enumerate(block.tags)}
    logits[0, tag["B-anonymous"]] = 3.0
    logits[1, tag["I-named"]], logits[1, tag["I-anonymous"]] = 2.0, 1.5  # argmax would start a second, "named" span
    logits[2, tag["O"]] = 3.0
    fragments = decode_block(words, logits, block)
    joined = decode_block(words, logits, block, decoding="viterbi")
    assert [(s.start, s.end, s.type) for s in fragments] == [(0, 4, "anonymous"), (5, 10, "named")]
    assert [(s.start, s.end, s.type) for s in joined] == [(0, 10, "anonymous")]
