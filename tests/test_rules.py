"""RuleTagger on short made-up sentences (no news text)."""

from __future__ import annotations

import pytest

from isnad_tagger.rules import RuleTagger
from isnad_tagger.rules.lexicon import normalize, read_tsv, verb_forms
from isnad_tagger.spans import Span, span_problems


@pytest.fixture(scope="module")
def tagger() -> RuleTagger:
    return RuleTagger()


def spans(tagger, text):
    out = tagger.predict(text)
    for d in out:
        assert text[d["start"] : d["end"]] == d["text"]
        assert isinstance(d["score"], float)
    assert not span_problems(text, [Span(d["start"], d["end"], d["label"], d["type"]) for d in out])
    assert out == sorted(out, key=lambda d: (d["start"], d["end"], d["label"]))
    return out


def has(out, label, typ, text):
    return any(d["label"] == label and d["type"] == typ and d["text"] == text for d in out)


def labelled(out, label):
    return {(d["text"], d["type"]) for d in out if d["label"] == label}


# ---------------------------------------------------------------- STANCE, every type
@pytest.mark.parametrize(
    "text, cue, typ",
    [
        ("قال سامر إن الطريق مغلق.", "قال", "report"),
        ("وأضافت ليلى أن الجسر جديد.", "وأضافت", "report"),
        ("وأكد المدير أن الموعد ثابت.", "وأكد", "affirm"),
        ("وشددت اللجنة على أهمية الموعد.", "وشددت", "affirm"),
        ("فنفى المدرب أن اللاعب مصاب.", "فنفى", "deny"),
        ("ونفت الشركة الخبر جملة وتفصيلا.", "ونفت", "deny"),
        ("وحذر الطبيب من الحر الشديد.", "وحذر", "warn"),
        ("وهدد الجار برفع دعوى.", "وهدد", "warn"),
        ("وزعم البائع أن الثمرة طازجة.", "وزعم", "allege"),
        ("وادعى اللاعب أنه لم يلمس الكرة.", "وادعى", "allege"),
        ("ورفض النادي هذه المزاعم كلها.", "المزاعم", "allege"),
        ("وتحدث الحارس طويلا، مؤكداً أن الباب مغلق.", "مؤكداً", "affirm"),
        ("ومضى الحارس قائلا إن الباب مغلق تماما.", "قائلا", "report"),
        ("ويؤكد المعلم أن الدرس سهل.", "ويؤكد", "affirm"),
        ("وأكدوا أن الحفل ناجح.", "وأكدوا", "affirm"),
        ("ونفوا أن يكون الحفل قد تأجل.", "ونفوا", "deny"),
    ],
)
def test_stance_verbs(tagger, text, cue, typ):
    assert has(spans(tagger, text), "STANCE", typ, cue)


@pytest.mark.parametrize(
    "text, cue",
    [
        ("وفقاً لـ سامر فإن الطريق مغلق.", "وفقاً"),
        ("ووفقا للمدير فإن الموعد ثابت.", "ووفقا"),
        ("وحسب المدير فإن الموعد ثابت.", "وحسب"),
        ("بحسب المدير فإن الموعد ثابت.", "بحسب"),
        ("حسبما قال المدير فإن الموعد ثابت.", "حسبما"),
        ("نقلاً عن المدير فإن الموعد ثابت.", "نقلاً"),
        ("ونشرت اللجنة رسالة مفادها أن الموعد ثابت.", "مفادها"),
    ],
)
def test_prepositional_cues(tagger, text, cue):
    out = spans(tagger, text)
    assert has(out, "STANCE", "report", cue)


def test_fahasb_is_not_a_cue(tagger):
    assert not labelled(spans(tagger, "اشترى سامر كتابا فحسب."), "STANCE")


def test_bare_noun_like_verb_needs_clitic(tagger):
    assert not labelled(spans(tagger, "جاء طالب جديد إلى الفصل."), "STANCE")
    assert ("وطالب", "report") in labelled(spans(tagger, "وطالب المدير بتغيير الموعد."), "STANCE")


def test_alef_and_diacritic_variants(tagger):
    for text, cue in (("واكد المدير ان الموعد ثابت.", "واكد"), ("وأكّدَ المدير أن الموعد ثابت.", "وأكّدَ"),
                      ("وإدعى البائع أن الثمرة طازجة.", "وإدعى"), ("وقـال المدير إن الموعد ثابت.", "وقـال")):
        out = spans(tagger, text)
        assert any(d["label"] == "STANCE" and d["text"] == cue for d in out), (text, out)


# ---------------------------------------------------------------- UNCERTAINTY, every type
@pytest.mark.parametrize(
    "text, cue, typ",
    [
        ("قد يتأخر القطار بسبب الثلج.", "قد", "hedge"),
        ("وقد تصل الرسالة غدا.", "وقد", "hedge"),
        ("قد لا يأتي الضيف الليلة.", "قد", "hedge"),
        ("ربما يتأخر القطار قليلا.", "ربما", "hedge"),
        ("ومن الممكن أن يتأخر القطار.", "ومن الممكن", "hedge"),
        ("من المرجح أن يفوز الفريق.", "من المرجح", "hedge"),
        ("من المتوقع أن يصل الوفد.", "من المتوقع", "hedge"),
        ("ولا يستبعد المدرب أن يرحل.", "ولا يستبعد", "hedge"),
        ("وأعتقد أن الفريق جاهز.", "وأعتقد", "hedge"),
        ("وتحدث عن إمكانية تأجيل الحفل.", "إمكانية", "hedge"),
        ("يبدو أن الحفل تأجل.", "يبدو", "evidential"),
        ("وتأجل الحفل على ما يبدو.", "على ما يبدو", "evidential"),
        ("يعتقد أن اللص هرب من النافذة.", "يعتقد", "evidential"),
        ("ويشتبه في أن اللص هرب.", "ويشتبه", "evidential"),
        ("وحسبما يتردد فإن الحفل تأجل.", "وحسبما يتردد", "evidential"),
        ("ويتردد أن الحفل تأجل.", "ويتردد", "evidential"),
        ("ونفى المدير ما تداولته المجموعات عن الحفل.", "ما تداولته", "evidential"),
        ("ولم يتسنَّ التحقق من الخبر.", "ولم يتسنَّ", "unverified"),
        ("ولم يتسنى لنا التأكد من الخبر.", "ولم يتسنى", "unverified"),
        ("ولا يمكن التحقق من الصورة.", "ولا يمكن التحقق", "unverified"),
        ("ولم يتم التأكد من الرواية.", "ولم يتم التأكد", "unverified"),
        ("وليس واضحاً متى يبدأ الحفل.", "وليس واضحاً", "unverified"),
        ("ومن غير الواضح متى يبدأ الحفل.", "ومن غير الواضح", "unverified"),
        ("ولم يوضح ما إذا كان الحفل سيقام.", "ولم يوضح ما إذا", "unverified"),
    ],
)
def test_uncertainty(tagger, text, cue, typ):
    assert has(spans(tagger, text), "UNCERTAINTY", typ, cue)


def test_qad_with_perfect_is_not_a_hedge(tagger):
    for text in ("قد وصل الوفد إلى المدينة.", "وقد أعلن المدير الموعد.", "لقد يئس الجميع.", "وقد تمكن الفريق من الفوز."):
        assert not labelled(spans(tagger, text), "UNCERTAINTY"), text


def test_belief_with_subject_is_hedge(tagger):
    out = spans(tagger, "ويعتقد الوزير أن الطريق آمن.")
    assert ("ويعتقد", "hedge") in labelled(out, "UNCERTAINTY")


def test_yataraddad_hesitate_is_not_a_cue(tagger):
    assert not labelled(spans(tagger, "ولم يتردد الحارس في المساعدة."), "UNCERTAINTY")


# ---------------------------------------------------------------- SOURCE, every type
def test_source_anonymous(tagger):
    out = spans(tagger, "وقال مصدر رفيع المستوى إن الطريق مغلق.")
    assert ("مصدر رفيع المستوى", "anonymous") in labelled(out, "SOURCE")
    out = spans(tagger, "وذكرت مصادر مطلعة أن الجسر جديد.")
    assert ("مصادر مطلعة", "anonymous") in labelled(out, "SOURCE")
    out = spans(tagger, "وقال مسؤول في وزارة الزراعة إن الموسم جيد.")
    assert ("مسؤول في وزارة الزراعة", "anonymous") in labelled(out, "SOURCE")
    assert ("وزارة الزراعة", None) in labelled(out, "ACTOR")
    assert ("مسؤول في وزارة الزراعة", None) not in labelled(out, "ACTOR")
    out = spans(tagger, "وأوضح المتحدث باسم البلدية أن الطريق مغلق.")
    assert ("المتحدث باسم البلدية", "anonymous") in labelled(out, "SOURCE")
    out = spans(tagger, "وقال شهود عيان إن الطريق مغلق.")
    assert ("شهود عيان", "anonymous") in labelled(out, "SOURCE")


def test_source_media(tagger):
    out = spans(tagger, "وذكرت وكالة رويترز أن الجسر جديد.")
    assert ("وكالة رويترز", "media") in labelled(out, "SOURCE")
    assert ("وكالة رويترز", None) in labelled(out, "ACTOR")
    text = "وحسب موقع «النجمة» فإن الجسر جديد."
    out = spans(tagger, text)
    assert ("موقع «النجمة", "media") in labelled(out, "SOURCE")


def test_source_document(tagger):
    out = spans(tagger, "وقالت البلدية في بيان إن الطريق مغلق.")
    assert ("بيان", "document") in labelled(out, "SOURCE")
    assert ("البلدية", "institution") in labelled(out, "SOURCE")
    out = spans(tagger, "وجاء ذلك في بيان لوزارة الزراعة صدر أمس.")
    assert ("بيان لوزارة الزراعة", "document") in labelled(out, "SOURCE")
    assert ("لوزارة الزراعة", None) in labelled(out, "ACTOR")


def test_source_unspecified(tagger):
    out = spans(tagger, "وأفادت أنباء بأن الجسر جديد.")
    assert ("أنباء", "unspecified") in labelled(out, "SOURCE")
    out = spans(tagger, "ونفى المدير الشائعات عن الحفل.")
    assert ("الشائعات", "unspecified") in labelled(out, "SOURCE")


def test_source_institution(tagger):
    out = spans(tagger, "وأعلنت وزارة الزراعة أن الموسم جيد.")
    assert ("وزارة الزراعة", "institution") in labelled(out, "SOURCE")
    assert ("وزارة الزراعة", None) in labelled(out, "ACTOR")
    out = spans(tagger, "وأكدت الأمم المتحدة أن المساعدات وصلت.")
    assert ("الأمم المتحدة", "institution") in labelled(out, "SOURCE")


def test_source_named(tagger):
    out = spans(tagger, "وقال وزير الزراعة خالد سعيد إن الموسم جيد.")
    assert ("وزير الزراعة خالد سعيد", "named") in labelled(out, "SOURCE")
    assert ("وزير الزراعة خالد سعيد", None) in labelled(out, "ACTOR")


def test_addressee_is_actor_not_source(tagger):
    out = spans(tagger, "وقال مصدر لوكالة رويترز إن الجسر جديد.")
    assert ("مصدر", "anonymous") in labelled(out, "SOURCE")
    assert ("لوكالة رويترز", None) in labelled(out, "ACTOR")
    assert not any(t == "لوكالة رويترز" for t, _ in labelled(out, "SOURCE"))


# ---------------------------------------------------------------- ACTOR
def test_actor_from_gazetteer(tagger):
    out = spans(tagger, "التقى محمد عدنان بأصدقائه في الحديقة.")
    assert ("محمد عدنان", None) in labelled(out, "ACTOR")


def test_actor_title_and_name(tagger):
    out = spans(tagger, "استقبل الأمير فيصل ضيوفه في القصر.")
    assert ("الأمير فيصل", None) in labelled(out, "ACTOR")
    out = spans(tagger, "وزار الرئيس الفرنسي المعرض.")
    assert ("الرئيس الفرنسي", None) in labelled(out, "ACTOR")


def test_actor_organizations(tagger):
    out = spans(tagger, "واجتمعت الحكومة السودانية مع الجيش الوطني.")
    assert {("الحكومة السودانية", None), ("الجيش الوطني", None)} <= labelled(out, "ACTOR")
    out = spans(tagger, "وتبنى تنظيم «داعش» الهجوم على القرية.")
    assert ("تنظيم «داعش", None) in labelled(out, "ACTOR")


# ---------------------------------------------------------------- API
def test_offsets_exact_with_punctuation_and_diacritics(tagger):
    text = "«وقالَ» مصدرٌ أمنيٌّ: قد يتأخر القطار."
    out = spans(tagger, text)
    assert has(out, "STANCE", "report", "وقالَ")
    assert has(out, "UNCERTAINTY", "hedge", "قد")
    assert ("مصدرٌ أمنيٌّ", "anonymous") in labelled(out, "SOURCE")


def test_list_and_empty_input(tagger):
    texts = ["وقال المدير إن الموعد ثابت.", "", "لا شيء هنا."]
    out = tagger.predict(texts)
    assert isinstance(out, list) and len(out) == 3
    assert out[0] == tagger.predict(texts[0])
    assert out[1] == [] and tagger.predict("") == []
    assert tagger.predict([]) == []


@pytest.mark.parametrize("bad", [None, b"\xd9\x82\xd8\xa7\xd9\x84", 3, ["ok", None]])
def test_type_error(tagger, bad):
    with pytest.raises(TypeError):
        tagger.predict(bad)


def test_lexicon_files_have_provenance():
    for name in ("stance_verbs.tsv", "cues.tsv", "nouns.tsv", "gazetteer.tsv"):
        rows = read_tsv(name)
        assert rows and all(row["source"] for row in rows), name
    gaz = read_tsv("gazetteer.tsv")
    assert all(row["license"] for row in gaz if row["source"] == "ANERGazet")


def test_verb_forms_and_normalize():
    assert {"نفى", "نفت", "نفوا", "ينفي", "تنفي", "ينفون"} <= set(verb_forms("نفى", "ينفي"))
    assert {"أكد", "أكدت", "أكدوا", "يؤكد", "تؤكد", "مؤكدا", "مؤكدة"} <= set(verb_forms("أكد", "يؤكد", "مؤكدا"))
    assert normalize("إِمكانيّة") == "امكانيه"
    assert normalize("مؤكداً") == "مؤكدا"


def test_random_text_never_breaks_the_contract(tagger):
    import random

    alphabet = list("قدالوكأإآةىيتنمرصبحسفعـ") + ["\u064e", "\u0651", "\u064b", " ", " ", "،", "«", "»", ".", "1"]
    rng = random.Random(7)
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 60)))
        spans(tagger, text)
    for text in ("ـ", "\u064e", "قال ـ مصدر", "وقال \u0651 مصدر أمني", "بـ مصدر"):
        spans(tagger, text)
