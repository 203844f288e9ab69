import pytest

from isnad_tagger.markup import markup_to_records, parse_markup, records_to_markup, to_markup
from isnad_tagger.spans import IsnadDataError, Record, Span

SPEC_EXAMPLE = "[[نفى|STANCE:deny]] [[مصدر مسؤول في «[[وزارة الداخلية|ACTOR]]|SOURCE:anonymous]]» أن ..."


def test_spec_example_parses_exactly():
    text, spans = parse_markup(SPEC_EXAMPLE)
    assert text == "نفى مصدر مسؤول في «وزارة الداخلية» أن ..."
    got = {(text[s.start : s.end], s.label, s.type) for s in spans}
    assert got == {("نفى", "STANCE", "deny"), ("مصدر مسؤول في «وزارة الداخلية", "SOURCE", "anonymous"), ("وزارة الداخلية", "ACTOR", None)}
    assert to_markup(text, spans) == SPEC_EXAMPLE


def test_crossing_spans_cannot_be_written():
    text = "أ ب ج د"
    with pytest.raises(IsnadDataError, match="cross"):
        to_markup(text, [Span(0, 3, "SOURCE", "named"), Span(2, 5, "ACTOR")])


@pytest.mark.parametrize("bad, reason", [("[[قال|STANCE:report", "never closed"), ("قال|STANCE:report]]", "no opening")])
def test_unbalanced_markup_is_an_error(bad, reason):
    with pytest.raises(IsnadDataError, match=reason):
        parse_markup(bad)


def test_blocks_roundtrip_and_final_newline_rule():
    records = [Record("a/1", "قال الوزير", [Span(0, 3, "STANCE", "report")]), Record("a/2", "سطر\nثان", [])]
    content = records_to_markup(records)
    assert content == "### a/1\n[[قال|STANCE:report]] الوزير\n### a/2\nسطر\nثان\n"
    back = markup_to_records(content)
    assert [(r.id, r.text, r.spans) for r in back] == [(r.id, r.text, r.spans) for r in records]


def test_text_before_first_header_names_the_line():
    with pytest.raises(IsnadDataError, match="x.txt:1: text before"):
        markup_to_records("stray\n### a\nنص\n", "x.txt")
