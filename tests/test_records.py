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


def test_continued_cue_and_pronoun_subject_keep_the_source_across_sentences():
    text = "وأكد الوزير أن الخطة جاهزة وأضاف أنها ستنفذ. وقال إن الموعد لم يحدد."
    spans = [span(text, "وأكد", "STANCE", "affirm"), span(text, "الوزير", "SOURCE", "named"), span(text, "وأضاف", "STANCE", "report"),
             span(text, "وقال", "STANCE", "report")]
    records = build_records(text, spans)
    assert only(records) == [("وأكد", "الوزير", "affirm"), ("وأضاف", "الوزير", "report"), ("وقال", "الوزير", "report")]
    assert only(build_records("وقال إن الموعد لم يحدد.", [span("وقال إن الموعد لم يحدد.", "وقال", "STANCE", "report")])) == [("وقال", None, "report")]


def test_participle_continues_the_speaker_not_the_next_subject():
    text = "وقالت الشرطة إن التحقيق مستمر، مشيرة إلى أن فريق التحقيق يعتبر أن المسلحين عملوا وحدهم."
    spans = [span(text, "وقالت", "STANCE", "report"), span(text, "الشرطة", "SOURCE", "institution"), span(text, "مشيرة", "STANCE", "report"),
             span(text, "فريق التحقيق", "SOURCE", "anonymous"), span(text, "يعتبر", "STANCE", "report")]
    assert only(build_records(text, spans)) == [("وقالت", "الشرطة", "report"), ("مشيرة", "الشرطة", "report"), ("يعتبر", "فريق التحقيق", "report")]


def test_preposition_with_a_second_cue_takes_its_source():
    text = "وقع الحادث صباحا، وفق ما أفاد به مراسل الإذاعة."
    spans = [span(text, "وفق", "STANCE", "report"), span(text, "أفاد", "STANCE", "report"), span(text, "مراسل الإذاعة", "SOURCE", "media")]
    assert only(build_records(text, spans)) == [("وفق", "مراسل الإذاعة", "report"), ("أفاد", "مراسل الإذاعة", "report")]


def test_noun_cue_takes_only_its_holder():
    text = "ونفى الوزير اتهامات المعارضة. وأنهى تأكيد الخبر سنوات من الشائعات."
    spans = [span(text, "ونفى", "STANCE", "deny"), span(text, "الوزير", "SOURCE", "named"), span(text, "اتهامات", "STANCE", "allege"),
             span(text, "المعارضة", "SOURCE", "institution"), span(text, "تأكيد", "STANCE", "affirm"), span(text, "الشائعات", "SOURCE", "unspecified")]
    assert only(build_records(text, spans)) == [("ونفى", "الوزير", "deny"), ("اتهامات", "المعارضة", "allege"), ("تأكيد", None, "affirm")]


def test_document_medium_versus_document_subject():
    issued = "وأصدرت الوزارة بيانا نفت فيه الخبر."
    spans = [span(issued, "الوزارة", "SOURCE", "institution"), span(issued, "بيانا", "SOURCE", "document"), span(issued, "نفت", "STANCE", "deny")]
    assert only(build_records(issued, spans)) == [("نفت", "الوزارة", "deny")]
    medium = "وقال في تصريح للإذاعة إن الطريق مغلق."
    assert only(build_records(medium, [span(medium, "وقال", "STANCE", "report"), span(medium, "تصريح", "SOURCE", "document")])) == [("وقال", None, "report")]
    subject = "وأكد التقرير أن النمو تباطأ."
    assert only(build_records(subject, [span(subject, "وأكد", "STANCE", "affirm"), span(subject, "التقرير", "SOURCE", "document")])) == [("وأكد", "التقرير", "affirm")]


def test_unattributed_hedges_and_sentence_split():
    text = "يبلغ النمو 3.5 بالمئة. ربما تستأنف المحادثات غداً"
    assert [text[a:b] for a, b in sentences(text)] == ["يبلغ النمو 3.5 بالمئة.", " ربما تستأنف المحادثات غداً"]
    records = build_records(text, [span(text, "ربما", "UNCERTAINTY", "hedge")])
    assert records["attributions"] == [] and records["unattributed_hedges"][0]["text"] == "ربما"
