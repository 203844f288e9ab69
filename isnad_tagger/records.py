"""Attribution records: spans of each sentence grouped into who-said-what-how.

Linking rules (documented, deterministic; no model):
1. Sentences end at . ! ? ؟ ; or a line break (a dot between digits does not end one).
2. Every STANCE cue opens an attribution. Its scope runs to the next cue or the sentence end.
3. Source of a prepositional cue (وفقاً، بحسب، حسب، حسبما، نقلاً، طبقاً، وحسب...): the nearest SOURCE
   that starts after it, before the next cue.
4. Source of any other cue: the nearest non-document SOURCE after it within its scope (Arabic verb-first
   order, `وقال الوزير`); else the nearest SOURCE that ends before it, after the previous cue
   (subject-first order, `الوزير أكد`); else the source of the previous cue in the sentence when that cue
   is directly continued (`وأضاف`); otherwise none (a pronoun or implied subject).
5. SOURCE:document spans in a cue's scope are the medium (`في بيان`), listed under `via`; a document is
   the source only when no other source is found.
6. ACTORs and UNCERTAINTY cues inside a scope belong to that attribution (the source's own ACTOR span
   excluded); UNCERTAINTY cues outside every scope are listed as unattributed hedges.
"""

from __future__ import annotations

import re
from typing import Any

from isnad_tagger.arabic import strip_nonspacing_marks

SENTENCE_END = re.compile(r"(?<!\d)[.!?؟;؛](?!\d)|\n")
_PREPOSITION_STEMS = ("وفقا", "بحسب", "حسب", "نقلا", "طبقا", "استنادا", "حسبما")


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


def build_records(text: str, spans: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Group predicted spans into attributions and unattributed hedges (see module rules)."""
    attributions: list[dict[str, Any]] = []
    unattributed: list[dict[str, Any]] = []
    for s_start, s_end in sentences(text):
        own = sorted((s for s in spans if _inside(s, s_start, s_end)), key=lambda s: (s["start"], s["end"]))
        cues = [s for s in own if s["label"] == "STANCE"]
        sources = [s for s in own if s["label"] == "SOURCE"]
        covered: list[tuple[int, int]] = []
        previous_source = None
        taken: list[dict] = []  # sources already linked to an earlier cue of this sentence
        for i, cue in enumerate(cues):
            scope_end = cues[i + 1]["start"] if i + 1 < len(cues) else s_end
            scope_start = cues[i - 1]["end"] if i else s_start
            after = [s for s in sources if cue["end"] <= s["start"] < scope_end]
            before = [s for s in sources if scope_start <= s["start"] and s["end"] <= cue["start"] and s not in taken]
            documents = [s for s in after if s["type"] == "document"]
            source = None
            if _is_prepositional(cue["text"]):
                source = after[0] if after else None
            else:
                non_documents = [s for s in after if s["type"] != "document"]
                source = non_documents[0] if non_documents else (before[-1] if before else None)
                if source is None and previous_source is not None and i and not text[cues[i - 1]["end"] : cue["start"]].strip(" ،,"):
                    source = previous_source
                if source is None and previous_source is not None and cue["text"][:1] in ("و", "ف"):
                    source = previous_source
                if source is None and documents:
                    source = documents[0]
            if source is not None and source["type"] == "document":
                documents = [d for d in documents if d is not source]
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
            previous_source = source or previous_source
            if source is not None:
                taken.append(source)
        for hedge in (s for s in own if s["label"] == "UNCERTAINTY"):
            if not any(low <= hedge["start"] < high for low, high in covered):
                unattributed.append({**hedge, "sentence": {"start": s_start, "end": s_end, "text": text[s_start:s_end]}})
    return {"attributions": attributions, "unattributed_hedges": unattributed}
