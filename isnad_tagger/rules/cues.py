"""STANCE and UNCERTAINTY cue recognition: lexicon cues (single words and multi-word phrases) with
their proclitic, `next`-word and rule conditions.

Rules (lexicon column `rule`):
- `qad`: قد/وقد/فقد is a hedge only when the next word (or the word after لا) looks like an
  imperfect verb (Vocabulary.is_imperfect); قد + perfect (قد وصل) means certainty and gives nothing.
- `belief`: يعتقد is evidential, but a hedge when a title, person name or organization follows.
"""

from __future__ import annotations

from dataclasses import dataclass

from isnad_tagger.rules.lexicon import Cue
from isnad_tagger.rules.phrases import PhraseReader
from isnad_tagger.rules.words import clitic_variants

CUE_CLITICS = "وفب"  # proclitics tried off a cue's first word (each cue says which it allows)
REQUIRES_CLITIC = "!"  # in Cue.proclitics: the bare form is not a cue (طالب 'student', وطالب 'demanded')


@dataclass(frozen=True)
class CueMatch:
    start: int  # first word
    stop: int  # one past the last word
    label: str  # STANCE / UNCERTAINTY
    type: str
    rule: str  # which rule decided: "cue", "qad" or "belief" (the key into RULE_SCORES)
    priority: int  # the lexicon entry's priority (lower wins among equally long cues)
    kind: str  # verb / participle / noun / form / phrase: what a SOURCE may attach to


def _clitics_allowed(cue: Cue, proclitics: str) -> bool:
    if proclitics:
        return all(ch in cue.proclitics for ch in proclitics)
    return REQUIRES_CLITIC not in cue.proclitics


def _qad_hedges(reader: PhraseReader, j: int) -> bool:
    """قد (at the word before j) is followed by (لا +) an imperfect verb."""
    if j >= reader.n or not reader.plain(j):
        return False
    if reader.norm(j) == "لا" and j + 1 < reader.n:
        j += 1
    return reader.vocab.is_imperfect(reader.norm(j))


def _subject_follows(reader: PhraseReader, j: int) -> bool:
    """A title, person name or organization at word j: a named believer (يعتقد الوزير)."""
    vocab = reader.vocab
    norm = reader.norm(j)
    return (
        vocab.in_role(norm, "title")[0]
        or norm in vocab.person_tokens
        or reader.organization(j) is not None
        or reader.phrase_at(j, vocab.title_phrases, 3) is not None
    )


def find_cues(reader: PhraseReader) -> list[CueMatch]:
    """Every lexicon cue matching in the text, in word order (overlaps are resolved later)."""
    words = reader.words
    n = reader.n
    out = []
    for i, word in enumerate(words):
        for base, pre in clitic_variants(word.norm, CUE_CLITICS):
            for cue in reader.vocab.cues.get(base, ()):
                if not _clitics_allowed(cue, pre):
                    continue
                j = i + len(cue.words)
                if j > n or any(words[i + k].norm != cue.words[k] or not words[i + k].plain for k in range(1, len(cue.words))):
                    continue
                if cue.next_words and not (j < n and words[j].plain and words[j].norm in cue.next_words):
                    continue
                typ, rule = cue.type, "cue"
                if cue.rule == "qad":
                    if not _qad_hedges(reader, j):
                        continue
                    rule = "qad"
                elif cue.rule == "belief":
                    typ = "hedge" if j < n and _subject_follows(reader, j) else "evidential"
                    rule = "belief"
                out.append(CueMatch(i, j, cue.label, typ, rule, cue.priority, cue.kind))
    return out
