"""Attribution records on made-up sentences, with hand-placed spans (no model needed)."""

from isnad_tagger.records import build_records, sentences


def span(text, piece, label, type_=None, nth=0):
    start = -1
    for _ in range(nth + 1):
        start = text.index(piece, start + 1)
    return {"start": start, "end": start + len(piece), "text": piece, "label": label, "type": type_, "score": 1.0}


def only(records):
    return [(a["cue"]["text"], a["source"]["text"] if a["source"] else None, a["stance"]) for a in records["attributions"]]


def test_cue_before_source_verb_first():
    text = "وقال المتحدث باسم الوزارة إن الحكومة قد تعلن القرار."
    spans = [span(text, "وقال", "STANCE", "report"), span(text, "المتحدث باسم الوزارة", "SOURCE", "anonymous"),
             span(text, "الحكومة", "ACTOR"), span(text, "قد", "UNCERTAINTY", "hedge")]
    records = build_records(text, spans)
    assert only(records) == [("وقال", "المتحدث باسم الوزارة", "report")]
    (attribution,) = records["attributions"]
    assert attribution["source_type"] == "anonymous"
    assert [a["text"] for a in attribution["actors"]] == ["الحكومة"] and [h["text"] for h in attribution["hedges"]] == ["قد"]
    assert records["unattributed_hedges"] == []


def test_source_before_cue_subject_first():
    text = "المصدر أكد أن الاجتماع تأجل."
    records = build_records(text, [span(text, "المصدر", "SOURCE", "anonymous"), span(text, "أكد", "STANCE", "affirm")])
    assert only(records) == [("أكد", "المصدر", "affirm")]


def test_prepositional_cues_take_the_following_source():
    for cue in ("وحسب", "وفقاً"):
        text = f"{cue} وكالة رويترز فإن الوزير خالد سعيد ربما يستقيل."
        spans = [span(text, cue, "STANCE", "report"), span(text, "وكالة رويترز", "SOURCE", "media"),
                 span(text, "الوزير خالد سعيد", "ACTOR"), span(text, "ربما", "UNCERTAINTY", "hedge")]
        records = build_records(text, spans)
        assert only(records) == [(cue, "وكالة رويترز", "report")]
        assert records["attributions"][0]["hedges"][0]["text"] == "ربما"


def test_two_sources_in_one_sentence_and_a_document_medium():
    text = "وقالت الوزارة في بيان إن الاتفاق وقع، بينما نفى مصدر مطلع ذلك."
    spans = [span(text, "وقالت", "STANCE", "report"), span(text, "الوزارة", "SOURCE", "institution"),
             span(text, "بيان", "SOURCE", "document"), span(text, "نفى", "STANCE", "deny"), span(text, "مصدر مطلع", "SOURCE", "anonymous")]
    records = build_records(text, spans)
    assert only(records) == [("وقالت", "الوزارة", "report"), ("نفى", "مصدر مطلع", "deny")]
    assert [d["text"] for d in records["attributions"][0]["via"]] == ["بيان"]


def test_continued_cue_keeps_the_source_and_pronoun_subject_has_none():
    text = "وأكد الوزير أن الخطة جاهزة وأضاف أنها ستنفذ. وقال إن الموعد لم يحدد."
    spans = [span(text, "وأكد", "STANCE", "affirm"), span(text, "الوزير", "SOURCE", "named"), span(text, "وأضاف", "STANCE", "report"),
             span(text, "وقال", "STANCE", "report")]
    records = build_records(text, spans)
    assert only(records) == [("وأكد", "الوزير", "affirm"), ("وأضاف", "الوزير", "report"), ("وقال", None, "report")]


def test_unattributed_hedges_and_sentence_split():
    text = "يبلغ النمو 3.5 بالمئة. ربما تستأنف المحادثات غداً"
    assert [text[a:b] for a, b in sentences(text)] == ["يبلغ النمو 3.5 بالمئة.", " ربما تستأنف المحادثات غداً"]
    records = build_records(text, [span(text, "ربما", "UNCERTAINTY", "hedge")])
    assert records["attributions"] == [] and records["unattributed_hedges"][0]["text"] == "ربما"
