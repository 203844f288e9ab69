from isnad_tagger.words import on_word_boundaries, pretokenize


def test_punctuation_and_quotes_split_words_but_tatweel_and_diacritics_do_not():
    text = "وقال لـ”أهلي» مُحَمَّـد 12 abc."
    pieces = [(text[t.start : t.end], t.is_word) for t in pretokenize(text)]
    assert pieces == [
        ("وقال", True), ("لـ", True), ("”", False), ("أهلي", True), ("»", False),
        ("مُحَمَّـد", True), ("12", True), ("abc", True), (".", False),
    ]


def test_word_boundaries():
    text = "مصدر «وزارة الداخلية» أمس"
    assert on_word_boundaries(text, 0, 4)
    assert on_word_boundaries(text, 0, text.index("»"))  # punctuation inside a span is fine
    assert not on_word_boundaries(text, 0, 3)  # ends inside a word
    assert not on_word_boundaries(text, 5, 10)  # starts on «
    assert not on_word_boundaries(text, 0, 5)  # ends on a space
    assert not on_word_boundaries(text, 3, 3) and not on_word_boundaries(text, 0, 999)
