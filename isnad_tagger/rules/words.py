"""Words as the rules see them, and the one-word tests every phrase rule is built from.

A `Word` keeps its offsets into the original text and a normalized form for matching only
(isnad_tagger.rules.lexicon.normalize). Proclitics are tried off a word rather than listed in the lexicon:
و/ف on verbs and cues, و/ف + ل/ب/ك on nouns, لل -> ال (`clitic_variants`). `Vocabulary` holds the
lexicon tables the rules look words up in, derived once per tagger and never written back into the
Lexicon it was given.
"""

from __future__ import annotations

from dataclasses import dataclass

from isnad_tagger.rules.lexicon import Lexicon, normalize
from isnad_tagger.words import iter_words

CONJUNCTIONS = "وف"  # و/ف: attach to verbs, cues and nouns
PREPOSITIONS = "لبك"  # ل/ب/ك: attach to nouns (after an optional و/ف)
NOUN_CLITICS = CONJUNCTIONS + PREPOSITIONS
CONNECTORS = frozenset({"بن", "ابن", "بنت", "ابو", "عبد", "ال"})  # inside a name, never its last word
NISBA_ENDINGS = ("ي", "يه", "يون", "يين", "يان", "يتان")  # relative adjectives: امريكي, الامريكيون


@dataclass(frozen=True)
class Word:
    start: int  # offsets into the original text, end exclusive
    end: int
    norm: str  # matching form
    gap: str  # text between the previous word and this one

    @property
    def plain(self) -> bool:
        """Only spaces separate this word from the previous one (no punctuation, no quote), so a
        phrase may run on into it."""
        return self.gap.strip() == ""


def split_words(text: str) -> list[Word]:
    """The words of a text (isnad_tagger.words boundaries) with their matching forms."""
    words = []
    prev = 0
    for start, end in iter_words(text):
        raw = text[start:end]
        # a word of only marks/tatweel normalizes to "": keep the raw form so no rule sees ""
        words.append(Word(start, end, normalize(raw) or raw, text[prev:start]))
        prev = end
    return words


def clitic_variants(norm: str, allowed: str) -> list[tuple[str, str]]:
    """(base, proclitics) readings of a word, the word itself first: an optional و/ف, then an
    optional ل/ب/ك (لل reads as ل + ال), each only when in `allowed` and the base stays long enough."""
    out = [(norm, "")]
    if len(norm) > 2 and norm[0] in CONJUNCTIONS and norm[0] in allowed:
        out.append((norm[1:], norm[0]))
    for base, pre in list(out):
        if len(base) > 3 and base[0] in PREPOSITIONS and base[0] in allowed:
            if base.startswith("لل"):
                out.append(("ال" + base[2:], pre + "ل"))
            else:
                out.append((base[1:], pre + base[0]))
    return out


def noun_variants(norm: str) -> list[tuple[str, str]]:
    """Readings of a noun with every noun proclitic tried off (وللجيش -> الجيش)."""
    return clitic_variants(norm, NOUN_CLITICS)


def is_nisba(norm: str, definite: bool | None = None) -> bool:
    """Shaped like a relative adjective (امريكي, الروسية→الروسيه); `definite` asks for (no) ال."""
    has_al = norm.startswith("ال")
    if definite is not None and has_al != definite:
        return False
    return len(norm) >= (5 if has_al else 4) and norm.endswith(NISBA_ENDINGS)


def _phrases(lexicon: Lexicon, role: str) -> set[tuple[str, ...]]:
    """A noun role's single words and multi-word entries, all as word tuples."""
    return {(w,) for w in lexicon.role(role)} | lexicon.role_phrases.get(role, set())


class Vocabulary:
    """The lexicon tables the rules look words up in, and the one-word tests on top of them."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self.cues = lexicon.cues
        self.cue_words = lexicon.cue_words
        self.stop = lexicon.role("stop")
        self.skip = lexicon.role("skip")
        self.titles = lexicon.role("title")
        self.title_phrases = lexicon.role_phrases.get("title", set())
        self.org_heads = lexicon.role("org_head")
        self.org_fixed = _phrases(lexicon, "org_fixed") | lexicon.orgs
        self.media_heads = _phrases(lexicon, "media_head")
        self.anon_mod_phrases = lexicon.role_phrases.get("anon_mod", set())
        self.outlets = set(lexicon.outlets)
        self.outlets_alone = {p for p, standalone in lexicon.outlets.items() if standalone == "yes"}
        self.outlets_by_cue = {p for p, standalone in lexicon.outlets.items() if standalone in ("yes", "cue")}
        self.locations = lexicon.locations
        self.max_fixed = max((len(p) for p in self.org_fixed), default=1)
        self.max_outlet = max((len(p) for p in lexicon.outlets), default=1)
        self.max_location = max((len(p) for p in lexicon.locations), default=1)
        self.known = set().union(*lexicon.roles.values()) | lexicon.cue_words
        # gazetteer person tokens minus lexicon words and clitic + function word (فان)
        self.person_tokens = {
            p for p in lexicon.person_tokens
            if p not in self.known and not (p[0] in NOUN_CLITICS and (p[1:] in self.stop or p[1:] in self.known))
        }

    def role(self, name: str) -> set[str]:
        return self.lexicon.role(name)

    def in_role(self, norm: str, role: str) -> tuple[bool, str]:
        """(match, proclitics) for a single word against a noun role, proclitics tried off."""
        words = self.lexicon.role(role)
        for base, pre in noun_variants(norm):
            if base in words:
                return True, pre
        return False, ""

    def role_base(self, norm: str, role: str) -> tuple[str, str] | None:
        """(base, proclitics) of the first reading of the word found in a noun role, or None."""
        ok, pre = self.in_role(norm, role)
        if not ok:
            return None
        return next(b for b, p in noun_variants(norm) if p == pre), pre

    def is_stopish(self, norm: str) -> bool:
        """A function word, time word or cue (also after و/ف): it ends a name or phrase."""
        return not norm or norm in self.stop or norm in self.skip or norm in self.cue_words or (
            len(norm) > 2 and norm[0] in CONJUNCTIONS and (norm[1:] in self.stop or norm[1:] in self.cue_words))

    def is_al_word(self, norm: str) -> bool:
        """A definite content word (not a title): the complement of a construct (وزارة الدفاع)."""
        return norm.startswith("ال") and len(norm) >= 4 and not self.is_stopish(norm) and norm not in self.titles

    def is_imperfect(self, norm: str) -> bool:
        """Looks like an imperfect verb (what makes قد a hedge): ي-initial; ت-initial and not a known
        or …ت-final perfect; ن-initial with 4+ letters not ending in ت; never …وا."""
        if len(norm) < 3 or norm.endswith("وا") or norm in self.stop:
            return False
        first = norm[0]
        if first == "ي":
            return True
        if first == "ت":
            return not (norm in self.lexicon.role("perfect_t") or (norm.endswith("ت") and len(norm) >= 5))
        if first == "ن":
            return len(norm) >= 4 and not norm.endswith("ت")
        return False

    def name_like(self, norm: str, strict: bool = False) -> bool:
        """A word that may be part of a name missing from the gazetteer. strict: not shaped like a
        verb (ي/ت/ن-initial), a feminine/plural/accusative noun (…ة …ات …ون …ين …ا) or an ال-word."""
        if not norm or self.is_stopish(norm) or norm in self.titles or norm in self.known:
            return False
        if strict and (norm[0] in "يتن" or norm.endswith(("ه", "ات", "ون", "ين", "ا")) or norm.startswith("ال")):
            return False
        if norm[0] in CONJUNCTIONS and norm not in self.person_tokens:
            return False
        if norm[0] in PREPOSITIONS and any(b in self.known or b.startswith("ال") for b, p in noun_variants(norm) if p):
            return False
        return len(norm) >= 2 and not norm.isdigit()
