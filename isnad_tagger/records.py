"""Attribution records: spans of each sentence grouped into who-said-what-how.

Linking rules (documented, deterministic; no model), which follow the cue -> source link layer
(docs/spec/links.md) and are scored against it (scripts/evaluate_links.py):
1. Sentences end at . ! ? ؟ ; or a line break (a dot between digits does not end one).
2. Every STANCE cue opens an attribution. Its scope runs to the next cue or the sentence end.
3. Prepositional cues (وفقاً، بحسب، حسب، حسبما، نقلاً، طبقاً...): the nearest SOURCE that starts after it,
   before the next cue; `وفق ما أفاد به X` (the preposition, `ما`, a second cue) takes that cue's source.
4. Participles that continue a clause (مؤكداً، مشيراً، قائلاً، معتبرة): the source of the attribution before.
5. Noun cues (تصريحات، اتهامات، بتهمة، الإدعاءات): only a SOURCE directly after them (the holder,
   `اتهامات ترامب`); none otherwise.
6. Any other cue: the nearest non-document SOURCE after it within its scope (Arabic verb-first order,
   `وقال الوزير`), except one that stands right before the next cue (that one is the next cue's subject,
   `فريق التحقيق يعتبر`); else the nearest non-document SOURCE that ends before it, after the previous
   cue (subject-first order, `الوزير أكد`, `أصدرت الوزارة بياناً نفت فيه`); else a document that is
   the cue's subject (`أكد التقرير`, `وجاء في البيان`); else the source of the attribution before, also
   across sentences (a pronoun or implied subject: `وأضاف`، `كما أشار`، `انه يناشد`); otherwise none.
7. SOURCE:document spans in a cue's scope that are not its source are the medium (`في بيان`), under `via`.
8. ACTORs and UNCERTAINTY cues inside a scope belong to that attribution (the source's own ACTOR span
   excluded); UNCERTAINTY cues outside every scope are listed as unattributed hedges.
"""

from __future__ import annotations

import re
from typing import Any

from isnad_tagger.arabic import strip_nonspacing_marks

SENTENCE_END = re.compile(r"(?<!\d)[.!?؟;؛](?!\d)|\n")
_PREPOSITION_STEMS = ("وفق", "بحسب", "حسب", "نقلا", "طبقا", "استنادا", "حسبما")


def _is_prepositional(cue_text: str) -> bool:
    bare = strip_nonspacing_marks(cue_text)
    bare = bare[1:] if bare[:1] in ("و", "ف") and len(bare) > 3 else bare
    return bare.startswith(_PREPOSITION_STEMS)


def sentences(text: str) -> list[tuple[int, int]]:
    """[start, end) of each sentence, trailing delimiter included."""
    bounds, start = [], 0
    for match in SENTENCE_END.finditer(text):
        if text[start : match.end()].strip():
            bounds.append((start, match.end()))
        start = match.end()
    if text[start:].strip():
        bounds.append((start, len(text)))
    return bounds


def _inside(span: dict, start: int, end: int) -> bool:
    return start <= span["start"] and span["end"] <= end


def _bare(cue_text: str) -> str:
    """The cue without diacritics, tatweel and a leading conjunction (و/ف)."""
    bare = strip_nonspacing_marks(cue_text).replace("\u0640", "")
    return bare[1:] if bare[:1] in ("و", "ف") and len(bare) > 3 else bare


def _is_participle(cue_text: str) -> bool:
    """Accusative active participles that continue the clause's subject: مشيرا، مؤكدة، قائلا، واصفا."""
    plain = strip_nonspacing_marks(cue_text).replace("\u0640", "")
    for word in {plain, _bare(cue_text)}:
        if len(word) >= 4 and word.startswith("م") and word.endswith(("ا", "ة", "ين")) and not word.startswith("ما"):
            return True
        if len(word) == 5 and word[1] == "ا" and word.endswith("ا"):  # فاعلاً: قائلا، واصفا، زاعما
            return True
    return False


_NOUN_CUES = {"تأكيد", "تحذير", "تصريح", "اتهام", "زعم", "ادعاء", "إدعاء", "نفي", "دعوة", "دعوات", "مزاعم", "شهادة", "شهادات",
              "تهمة", "تهم", "رواية", "قول", "قوله", "قولها", "تعبيره", "تعبيرها", "حديثه", "حديثها", "وصفه"}


def _is_noun(cue_text: str) -> bool:
    bare = _bare(cue_text)
    return (bare.startswith(("ال", "بال", "لل", "بت", "بد")) or bare.endswith("ات") or bare in _NOUN_CUES) and not _is_prepositional(cue_text)


def _gap(text: str, start: int, end: int) -> str:
    return text[start:end].strip(" \u00a0\t،,:")


def _opens_with_preposition(document: dict) -> bool:
    """`بتصريح`, `في بيانه`: the span itself starts as the medium the words came in."""
    return strip_nonspacing_marks(document["text"]).startswith(("ب", "في"))


def _is_medium(text: str, document: dict) -> bool:
    """A document the words came in (`في بيان`, `بتصريح`), not one that speaks itself."""
    words = text[max(0, document["start"] - 12) : document["start"]].split()
    return words[-1:] == ["في"] or _opens_with_preposition(document)


def _document_is_subject(text: str, cue: dict, document: dict) -> bool:
    """`أكد التقرير`, `كشف عنه الفيديو`, `وجاء في البيان`; not the medium of `وقال في بيان` / `بتصريح`."""
    if _bare(cue["text"]).startswith(("جاء", "ورد")):
        return True
    return "في" not in _gap(text, cue["end"], document["start"]).split() and not _opens_with_preposition(document)


def _link(text: str, cues: list[dict], i: int, sources: list[dict], s_start: int, s_end: int,
          taken: list[dict], previous: dict | None) -> dict | None:
    """The source of cue i of a sentence (module rules 3-6); `previous` is the source of the
    attribution before (possibly in an earlier sentence)."""
    cue = cues[i]
    nxt = cues[i + 1] if i + 1 < len(cues) else None
    scope_end = nxt["start"] if nxt else s_end
    scope_start = cues[i - 1]["end"] if i else s_start
    after = [s for s in sources if cue["end"] <= s["start"] < scope_end]
    if _is_prepositional(cue["text"]):
        return after[0] if after else None
    if _is_participle(cue["text"]) and previous is not None:
        return previous
    before = [s for s in sources if scope_start <= s["start"] and s["end"] <= cue["start"] and s not in taken]
    if _is_noun(cue["text"]):  # the holder right after (اتهامات ترامب) or right before (منابر ... القائلة)
        direct = [s for s in after if s["type"] != "document" and _gap(text, cue["end"], s["start"]) == ""]
        direct += [s for s in before if s["type"] != "document" and _gap(text, s["end"], cue["start"]) == ""]
        return direct[0] if direct else None
    medium_follows = _gap(text, cue["end"], cue["end"] + 8).split()[:1] in (["فيه"], ["فيها"], ["فيهما"])
    next_is_verb = nxt is not None and not (_is_prepositional(nxt["text"]) or _is_noun(nxt["text"]) or _is_participle(nxt["text"]))
    subject_of_next = [s for s in after if next_is_verb and _gap(text, s["end"], nxt["start"]) == ""]
    candidates = [s for s in after if s["type"] != "document" and s not in subject_of_next]
    if candidates and not medium_follows:  # `أصدرت الوزارة بيانا أكدت فيه`: the issuer said it
        return candidates[0]
    speakers = [s for s in before if s["type"] != "document"]
    subjects = [s for s in before if s["type"] == "document" and not _is_medium(text, s)]  # `الدراسة ... أظهرت`
    if speakers or subjects:
        return (speakers or subjects)[-1]
    documents = [s for s in after if s["type"] == "document" and _document_is_subject(text, cue, s)]
    if documents:
        return documents[0]
    return previous  # a pronoun or implied subject: the speaker of the attribution before (None if there is none)


def build_records(text: str, spans: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Group predicted spans into attributions and unattributed hedges (see module rules)."""
    attributions: list[dict[str, Any]] = []
    unattributed: list[dict[str, Any]] = []
    previous_source = None  # carried across sentences: a pronoun subject refers back to it
    for s_start, s_end in sentences(text):
        own = sorted((s for s in spans if _inside(s, s_start, s_end)), key=lambda s: (s["start"], s["end"]))
        cues = [s for s in own if s["label"] == "STANCE"]
        sources = [s for s in own if s["label"] == "SOURCE"]
        covered: list[tuple[int, int]] = []
        taken: list[dict] = []  # sources already linked to an earlier cue of this sentence
        linked: list[dict | None] = []
        for i in range(len(cues)):
            source = _link(text, cues, i, sources, s_start, s_end, taken, previous_source)
            linked.append(source)
            previous_source = source or previous_source
            if source is not None:
                taken.append(source)
        for i in range(len(cues) - 1):  # `وفق ما أفاد به X`: the preposition takes the second cue's source
            if linked[i] is None and _is_prepositional(cues[i]["text"]) and _gap(text, cues[i]["end"], cues[i + 1]["start"]) in ("", "ما"):
                linked[i] = linked[i + 1]
        for i, (cue, source) in enumerate(zip(cues, linked)):
            scope_end = cues[i + 1]["start"] if i + 1 < len(cues) else s_end
            documents = [s for s in sources if cue["end"] <= s["start"] < scope_end and s["type"] == "document" and s is not source]
            low = min(cue["start"], source["start"]) if source else cue["start"]
            covered.append((low, scope_end))
            attributions.append(
                {
                    "source": source,
                    "source_type": source["type"] if source else None,
                    "cue": cue,
                    "stance": cue["type"],
                    "via": documents,
                    "actors": [s for s in own if s["label"] == "ACTOR" and low <= s["start"] < scope_end
                               and not (source and s["start"] == source["start"] and s["end"] == source["end"])],
                    "hedges": [s for s in own if s["label"] == "UNCERTAINTY" and cue["start"] <= s["start"] < scope_end],
                    "sentence": {"start": s_start, "end": s_end, "text": text[s_start:s_end]},
                }
            )
        for hedge in (s for s in own if s["label"] == "UNCERTAINTY"):
            if not any(low <= hedge["start"] < high for low, high in covered):
                unattributed.append({**hedge, "sentence": {"start": s_start, "end": s_end, "text": text[s_start:s_end]}})
    return {"attributions": attributions, "unattributed_hedges": unattributed}
