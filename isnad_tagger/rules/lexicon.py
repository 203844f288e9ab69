"""Lexicons of the rule tagger: loading the packaged TSV files, Arabic normalization for matching,
and generation of verb inflections from a stem table.

Files (isnad_tagger/rules/lexicons/, loaded with importlib.resources; each TSV has a header line and the
columns `entry`, `label`, `type`, `source` at least; `source` says where an entry came from):

- `stance_verbs.tsv`: one row per reporting verb (entry = perfect 3rd person masculine singular,
  e.g. أكد) with its `type`, the `imperfect` 3ms (يؤكد), the accusative active `participle` used
  adverbially (مؤكدا), cue `nouns` (comma-separated, e.g. مزاعم) and `bare_needs_clitic` (yes when
  the bare perfect 3ms is also a common noun, e.g. طالب 'student': then only وطالب/فطالب match;
  `never`: the 3ms form is dropped, e.g. بين 'between') and `fem_participle` (yes: also the feminine
  participle مؤكدة; no where it is mostly a noun or adjective: مضيفة, لافتة, ناقلة, مشددة).
  Inflections are GENERATED here (see `verb_forms`): perfect 3ms/3fs/3mp, imperfect 3ms/3fs/3mp,
  participle masculine/feminine (tanween alef optional: diacritics are ignored when matching).
  Proclitics و/ف are allowed on every verb form.
- `cues.tsv`: literal single words and multi-word phrases (STANCE prepositional cues, all
  UNCERTAINTY cues), with the allowed `proclitics` on the first word, an optional `rule`
  (`qad`: قد only before an imperfect verb; `belief`: يعتقد evidential unless a subject follows) and
  an optional `next` constraint (|-separated words one of which must follow).
- `nouns.tsv`: word classes used by the SOURCE/ACTOR patterns, by `role`: anon_head, anon_mod,
  spokes_head, media_head, doc_head, doc_mod, unspec_head, unspec_anywhere, unspec_mod, org_head,
  org_fixed (multi-word organization names), title, skip (time words allowed between a cue and its
  source), stop (function words that end a name).
- `gazetteer.tsv`: ANERGazet-derived names (built by `tools/build_gazetteer.py`, research-only) and
  hand-listed news outlets: `type` person_token / media / org / location, `standalone` (yes: matches
  anywhere; cue: only next to a cue or after a media head; head: only after a media head) and
  `license`.

Normalization (matching only; offsets always refer to the original text): every combining mark and
tatweel removed, أ/إ/آ/ٱ -> ا, ة -> ه, ى -> ي (composed from isnad_tagger.arabic).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from importlib import resources

import regex

from isnad_tagger.arabic import strip_marks, unify_alef_ya, unify_ta_marbuta

GAZETTEER_LICENSE = "research-only (ANERGazet, Benajiba et al. 2007)"

_ARABIC_WORD = regex.compile(r"[\u0621-\u064A]+")


def normalize(word: str) -> str:
    """Matching form of a word or phrase: no marks/tatweel, unified alef, ta marbuta, ya. The widest
    normalization here, since lexicon entries and news text spell these variants inconsistently."""
    return unify_ta_marbuta(unify_alef_ya(strip_marks(word)))


def normalize_phrase(phrase: str) -> tuple[str, ...]:
    return tuple(normalize(part) for part in phrase.split())


def read_tsv(name: str) -> list[dict[str, str]]:
    """Rows of a packaged lexicon TSV as dicts (header line = column names)."""
    text = resources.files("isnad_tagger.rules").joinpath("lexicons", name).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE))
    for row in rows:
        for column in ("entry", "label", "type", "source"):
            if column not in row:
                raise ValueError(f"lexicon {name}: missing column {column!r}")
    return rows


def _defective(stem: str) -> bool:
    return stem.endswith(("ى", "ا"))


def verb_forms(perfect: str, imperfect: str = "", participle: str = "") -> list[str]:
    """Inflected forms of a reporting verb from its principal parts (unnormalized).

    perfect 3ms/3fs/3mp: أكد أكدت أكدوا; defective stems drop the final letter (نفى نفت نفوا,
    دعا دعت دعوا). imperfect 3ms/3fs/3mp: يؤكد تؤكد يؤكدون (ينفي -> ينفون, يدعو -> يدعون).
    participle accusative masculine/feminine: مؤكدا مؤكدة.
    """
    forms = [perfect]
    base = perfect[:-1] if _defective(perfect) else perfect
    forms += [base + "ت", base + "وا"]
    if imperfect:
        forms += [imperfect, "ت" + imperfect[1:]]
        if imperfect.endswith(("ي", "و", "ى")):
            forms.append(imperfect[:-1] + "ون")
        else:
            forms.append(imperfect + "ون")
    if participle:
        forms.append(participle)
        if participle.endswith("ا"):
            forms.append(participle[:-1] + "ة")
    return forms


@dataclass(frozen=True)
class Cue:
    words: tuple[str, ...]  # normalized
    label: str
    type: str
    proclitics: str
    rule: str = ""
    next_words: frozenset[str] = frozenset()
    kind: str = "form"  # verb / participle / noun / form / phrase
    priority: int = 0


@dataclass
class Lexicon:
    cues: dict[str, list[Cue]] = field(default_factory=dict)  # first normalized word -> cues
    roles: dict[str, set[str]] = field(default_factory=dict)  # role -> normalized single words
    role_phrases: dict[str, set[tuple[str, ...]]] = field(default_factory=dict)  # multi-word
    person_tokens: set[str] = field(default_factory=set)
    outlets: dict[tuple[str, ...], str] = field(default_factory=dict)  # words -> standalone
    orgs: set[tuple[str, ...]] = field(default_factory=set)
    locations: set[tuple[str, ...]] = field(default_factory=set)
    cue_words: set[str] = field(default_factory=set)  # every normalized single cue form

    def add_cue(self, cue: Cue) -> None:
        self.cues.setdefault(cue.words[0], []).append(cue)
        if len(cue.words) == 1:
            self.cue_words.add(cue.words[0])

    def role(self, name: str) -> set[str]:
        return self.roles.get(name, set())


def load_lexicon() -> Lexicon:
    lex = Lexicon()
    for row in read_tsv("stance_verbs.tsv"):
        perfect = row["entry"]
        base = verb_forms(perfect, row.get("imperfect", ""))
        for i, form in enumerate(base):
            proclitics = "وف"
            if i == 0 and row.get("bare_needs_clitic") == "never":
                continue
            if i == 0 and row.get("bare_needs_clitic") == "yes":
                proclitics = "وف!"  # '!': a proclitic is required
            lex.add_cue(Cue((normalize(form),), row["label"], row["type"], proclitics, kind="verb", priority=1))
        if row.get("participle"):
            forms = verb_forms(perfect, "", row["participle"])[3:]
            if row.get("fem_participle") != "yes":  # مضيفة 'hostess', لافتة 'banner', ناقلة 'tanker'
                forms = forms[:1]
            for form in forms:
                lex.add_cue(Cue((normalize(form),), row["label"], row["type"], "وف", kind="participle", priority=1))
        for noun in filter(None, (row.get("nouns") or "").split(",")):
            lex.add_cue(Cue((normalize(noun),), row["label"], row["type"], "وف", kind="noun", priority=2))
    for row in read_tsv("cues.tsv"):
        words = normalize_phrase(row["entry"])
        nxt = frozenset(normalize(w) for w in (row.get("next") or "").split("|") if w)
        kind = "phrase" if len(words) > 1 else "form"
        lex.add_cue(Cue(words, row["label"], row["type"], row.get("proclitics") or "", row.get("rule") or "", nxt, kind, priority=0))
    for row in read_tsv("nouns.tsv"):
        words = normalize_phrase(row["entry"])
        if len(words) == 1:
            lex.roles.setdefault(row["role"], set()).add(words[0])
        else:
            lex.role_phrases.setdefault(row["role"], set()).add(words)
    for row in read_tsv("gazetteer.tsv"):
        words = normalize_phrase(row["entry"])
        if row["type"] == "person_token":
            lex.person_tokens.add(words[0])
        elif row["type"] == "media":
            lex.outlets[words] = row.get("standalone") or "head"
        elif row["type"] == "org":
            lex.orgs.add(words)
        elif row["type"] == "location":
            lex.locations.add(words)
    return lex


# --- building gazetteer.tsv from ANERGazet (run once; the TSV is packaged) --------------------

# Media outlets not in ANERGazet (or spelled differently), listed by hand.
HAND_OUTLETS = {
    "yes": ["رويترز", "فرانس برس", "أسوشيتد برس", "أسوشيتدبرس", "بلومبرغ", "بلومبيرغ", "نيويورك تايمز",
            "واشنطن بوست", "وول ستريت جورنال", "الغارديان", "الجارديان", "سي إن إن", "سكاي نيوز",
            "بي بي سي", "إيلاف", "كونا", "وكالة الأنباء السعودية", "وكالة الأنباء الكويتية",
            "وكالة الأنباء الفرنسية", "وكالة الأنباء الألمانية", "الشرق الأوسط", "نوفوستي", "تاس",
            "سبوتنيك", "إرنا", "سانا", "وكالة سانا", "الأناضول", "وكالة الأناضول", "دويتشه فيله",
            "فايننشال تايمز", "ديلي تلغراف", "التلغراف", "لوموند", "لوفيغارو", "هآرتس", "يديعوت أحرونوت",
            "معاريف", "تايمز أوف إسرائيل", "بوليتيكو", "أكسيوس", "فوكس نيوز", "واس"],
    "cue": ["الجزيرة", "العربية", "عكاظ", "الأهرام", "القدس العربي", "العربي الجديد", "الميادين",
            "الجزيرة نت", "روسيا اليوم"],
    "head": ["الحياة", "المدينة", "الرياض", "الوطن", "النهار", "السفير", "الأخبار", "المنار", "الحدث",
             "الاقتصادية", "الحرة", "سبق", "اليوم"],
}
_COMMON = {"محمد", "احمد", "علي", "عبد", "الله", "بن", "ابن", "ابو", "بنت"}  # kept even if short
_STOPLIKE = {
    "عام", "يوم", "شهر", "الله", "امام", "امين", "نجاه", "سلام", "سلامه", "عادل", "كريم", "سعيد",
    "حسن", "جميل", "فاضل", "صالح", "امل", "نور", "هدي", "فرح", "مطلق", "خاتم", "غني", "نوار",
    "المحسن", "الغفار", "المقسط", "ظافرين", "الاستوائي", "جاسب", "عبود", "ساجد", "فاتل",
}


# ANERGazet media-block lines that are ordinary words, places or parties rather than outlets.
_MEDIA_SKIP = {"بيان", "حزب الله", "العراق", "تونس", "المغرب", "العام", "الانباء", "اخبار", "اليوم",
               "عمان", "الشرق", "النسخة العربية", "الشبكة العربية", "الاسبوع", "الصحافة"}
