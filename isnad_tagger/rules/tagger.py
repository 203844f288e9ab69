"""RuleTagger: lexicon + pattern tagger for ACTOR / SOURCE / STANCE / UNCERTAINTY (spec v1).

The text is split into words (isnad_tagger.rules.words); every word is normalized for matching only
(isnad_tagger.rules.lexicon.normalize) and proclitics are tried off (و/ف on verbs and cues; و/ف + ل/ب/ك on
nouns, لل -> ال). Offsets always point into the original text, and every span starts and ends on a
word, so the output passes isnad_tagger.spans.span_problems. The tagger works in three steps: candidates
(cues from isnad_tagger.rules.cues, noun phrases from isnad_tagger.rules.phrases), conflict resolution inside each
family (longest match in characters, then rule priority, then position), spans.

Patterns (the lexicon files are described in isnad_tagger.rules.lexicon):

STANCE
  * reporting verbs from stance_verbs.tsv with generated inflections (قال/قالت/قالوا/يقول/تقول/
    يقولون/قائلا/قائلة) and optional و/ف (وأكد, فنفى); nouns مزاعم/ادعاءات (allege).
  * prepositional cues from cues.tsv: وفقا (لـ stays outside), بحسب/حسب/وحسب/حسبما, نقلا (عن), مفادها.
UNCERTAINTY
  * literal cues and multi-word phrases from cues.tsv, smallest expression (من الممكن, لم يتسن).
  * `qad` rule: قد/وقد/فقد is a hedge only when the next word (or the word after لا) looks like an
    imperfect verb: starts with ي; or ت and is not a known perfect (تم, تحدث, ...: role perfect_t)
    and does not end like a perfect (…ت with 5+ letters, …وا); or ن with 4+ letters not ending in
    ت/وا. قد + perfect (قد وصل, قد أعلن) gives nothing.
  * `belief` rule: يعتقد is evidential, but hedge when a title, person name or organization follows.
  * `next` constraint: يتردد only before أن/أنه/أنها/بأن.
SOURCE (noun phrases; inner ACTORs are emitted as well)
  * cue + SOURCE: after a verb cue (perfect/imperfect, not the participle), skipping up to two time
    words (أمس, اليوم, weekdays), the next noun phrase is the cue's SOURCE. A phrase whose first
    word carries ل (قال لوكالة ...) is an addressee: it is skipped (an ACTOR, not a SOURCE) once.
  * SOURCE + cue: a noun phrase that ends right before a perfect/imperfect verb cue.
  * prepositional cue + SOURCE: بحسب/حسب/وفقا/وفق/طبقا/نقلا (+ separate لـ/ل/عن) + noun phrase.
  * anywhere: anonymous heads with at least one modifier (مصدر أمني, مصادر مطلعة, مسؤول كبير في
    وزارة الدفاع, شهود عيان), المتحدث باسم X; documents after في or with an attached ب (في بيان,
    برسالته, في بيان لوزارة الخارجية, بيان صادر عن X); circulating claims (الشائعات, إشاعات).
  Noun phrases, in order of preference at a position:
    media      media head (وكالة/صحيفة/موقع/قناة/التلفزيون/إذاعة/...) + «quoted name» (the span ends on
               the last word inside the quotes) or a known outlet or up to four ال-words or two other
               words; a known outlet alone (رويترز; الجزيرة only next to a cue).
    document   document head + document adjectives + author (ل-prefixed organization/person/media,
               صادر عن X, من X, or a definite organization in construct).
    unspecified (هذه) + تقارير/أنباء/معلومات/شائعات + adjectives (إعلامية).
    anonymous  مصدر/مصادر/مسؤول/دبلوماسيون/شهود... + modifiers (مطلعة, رفيع المستوى, nisba adjectives,
               مقربة من X, في/من X where X is an organization); المصدر alone next to a cue;
               المتحدث/الناطق (+ adjective) باسم X (named when a person name follows).
    institution organization (see ACTOR) next to a cue; a gazetteer location right after a verb cue
               (أعلنت موسكو) is an institution and an ACTOR.
    named      title chain (الرئيس, وزير الخارجية التركي, رئيس الوزراء, ...) + an optional name that starts
               with a gazetteer person token; two or more gazetteer person tokens without a title.
ACTOR
  organizations anywhere: fixed names (الأمم المتحدة, البيت الأبيض, داعش, ...), organization heads with
  a complement (وزارة الدفاع, الحكومة السودانية, القوات الروسية, تنظيم «داعش»), bare definite heads
  (الحكومة, الوزارة); persons (title + name, definite title alone, 2+ gazetteer tokens); media
  outlets by name; every SOURCE of type named or institution and every named outlet over the same
  words; organizations inside anonymous/document sources.

Scores are fixed per rule (rules are not probabilistic; higher = the rule was more precise when
we read its output): see RULE_SCORES.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence, overload

from isnad_tagger.labels import FAMILIES
from isnad_tagger.rules.cues import CueMatch, find_cues
from isnad_tagger.rules.lexicon import Lexicon, load_lexicon, normalize
from isnad_tagger.rules.phrases import NounPhrase, PhraseReader
from isnad_tagger.rules.words import Vocabulary, Word, clitic_variants, split_words
from isnad_tagger.spans import Span

RULE_SCORES = {
    "cue": 0.9,  # lexicon STANCE/UNCERTAINTY cue
    "qad": 0.8,  # قد + imperfect
    "belief": 0.7,  # يعتقد hedge/evidential decision
    "source_anon": 0.8,  # anonymous head + modifier, spokesperson, document after في
    "source_cue": 0.7,  # noun phrase next to a cue
    "source_loc": 0.5,  # gazetteer location as the subject of a cue
    "actor": 0.7,  # organization / person / outlet pattern
}

PREPOSITIONAL_CUES = frozenset(normalize(w) for w in ("وفقا", "وفق", "طبقا", "بحسب", "حسب", "نقلا"))
MAX_TIME_WORDS = 2  # time words (أمس, اليوم) skipped between a verb cue and its SOURCE
MAX_SUBJECT_WORDS = 8  # how far back a SOURCE before its verb cue may start
SOURCE_PRIORITY, ACTOR_PRIORITY = 0, 1  # an ACTOR over a SOURCE beats an equally long ACTOR pattern


@dataclass(frozen=True)
class Candidate:
    """A possible span over words[start:stop], before conflicts inside its family are resolved."""

    start: int  # first word
    stop: int  # one past the last word
    label: str
    type: str | None
    score: float
    priority: int  # lower wins among candidates of the same length


class RuleTagger:
    """Rule-based tagger. `predict(text)` -> list of span dicts; `predict([texts])` -> list of lists."""

    def __init__(self, lexicon: Lexicon | None = None) -> None:
        self.lexicon = lexicon if lexicon is not None else load_lexicon()
        self.vocab = Vocabulary(self.lexicon)  # derived tables: the Lexicon itself is left as given

    # ------------------------------------------------------------------ public API
    @overload
    def predict(self, text: str) -> list[dict]: ...
    @overload
    def predict(self, text: list[str]) -> list[list[dict]]: ...

    def predict(self, text):  # type: ignore[no-untyped-def]
        """Tag one text (-> list of span dicts) or a list/tuple of texts (-> list of lists).

        Each dict: start, end (code-point offsets, end exclusive), text (= text[start:end]), label,
        type (None for ACTOR) and score (the rule's fixed confidence, see RULE_SCORES).
        """
        if isinstance(text, str):
            return [span.to_dict(text) for span in self.predict_spans([text])[0]]
        if isinstance(text, (list, tuple)):
            for k, item in enumerate(text):
                if not isinstance(item, str):
                    raise TypeError(f"RuleTagger.predict: item {k} is {type(item).__name__}, expected str")
            return [[span.to_dict(item) for span in spans] for item, spans in zip(text, self.predict_spans(text))]
        raise TypeError(f"RuleTagger.predict expects a str or a list of str, got {type(text).__name__}")

    def predict_spans(self, texts: Sequence[str]) -> list[list[Span]]:
        """Spans (with scores) of each text, sorted by start, end, label: what isnad_tagger.tagger.Tagger
        .predict_spans gives, so callers that score or write spans take either tagger."""
        return [self._spans(text) for text in texts]

    # ------------------------------------------------------------------ candidates -> spans
    def _spans(self, text: str) -> list[Span]:
        words = split_words(text)
        reader = PhraseReader(self.vocab, words)
        cues = find_cues(reader)
        candidates = [Candidate(c.start, c.stop, c.label, c.type, RULE_SCORES[c.rule], c.priority) for c in cues]
        candidates += _source_and_actor_candidates(reader, [c for c in cues if c.label == "STANCE"])
        return resolve(words, candidates)


def resolve(words: list[Word], candidates: list[Candidate]) -> list[Span]:
    """Inside each family keep the longest candidate (characters), then the lower priority, then the
    earlier one (then the one found first), and drop what overlaps a kept one; families are
    independent layers and may overlap each other."""
    spans = []
    for family in FAMILIES:
        own = sorted(
            (c for c in candidates if c.label == family.name),
            key=lambda c: (-(words[c.stop - 1].end - words[c.start].start), c.priority, c.start),
        )
        taken: list[tuple[int, int]] = []
        for c in own:
            if any(c.start < stop and start < c.stop for start, stop in taken):
                continue
            taken.append((c.start, c.stop))
            spans.append(Span(words[c.start].start, words[c.stop - 1].end, c.label, c.type, c.score))
    spans.sort(key=lambda s: (s.start, s.end, s.label))
    return spans


def _inner_actors(np_: NounPhrase) -> list[Candidate]:
    return [Candidate(i, j, "ACTOR", None, RULE_SCORES["actor"], ACTOR_PRIORITY) for i, j in np_.actors]


def _actor_candidates(np_: NounPhrase) -> list[Candidate]:
    """A phrase found by an ACTOR pattern: itself when it names someone, and its inner ACTORs."""
    own = [Candidate(np_.start, np_.stop, "ACTOR", None, RULE_SCORES["actor"], ACTOR_PRIORITY)] if np_.is_actor else []
    return own + _inner_actors(np_)


def _source_candidates(np_: NounPhrase, rule: str) -> list[Candidate]:
    """A SOURCE phrase: the SOURCE, an ACTOR over the same words when it names someone, inner ACTORs."""
    out = [Candidate(np_.start, np_.stop, "SOURCE", np_.kind, RULE_SCORES[rule], SOURCE_PRIORITY)]
    if np_.is_actor:
        out.append(Candidate(np_.start, np_.stop, "ACTOR", None, RULE_SCORES[rule], SOURCE_PRIORITY))
    return out + _inner_actors(np_)


def _verb_sources(reader: PhraseReader, cue: CueMatch, actors: list[Candidate]) -> list[tuple[NounPhrase, str]]:
    """SOURCEs of a verb cue: the phrase after it (past time words and an addressee, whose ACTORs go
    to `actors`), else a location there; and a phrase that ends right before it."""
    n = reader.n
    found: list[tuple[NounPhrase, str]] = []
    j = cue.stop
    skipped = 0
    while j < n and skipped < MAX_TIME_WORDS and reader.norm(j) in reader.vocab.skip:
        j, skipped = j + 1, skipped + 1
    np_ = reader.source(j, True)
    if np_ and np_.addressee:  # قال لوكالة رويترز مسؤول ...: the outlet is addressed, not the source
        actors += _actor_candidates(np_)
        np_ = reader.source(np_.stop, True)
    elif np_ is None and j < n and reader.norm(j) == "ل":  # قال لـ «رويترز» مسؤول ...
        after = reader.source(j + 1, True)
        np_ = reader.source(after.stop, True) if after else None
    if np_ is not None:
        found.append((np_, "source_cue"))
    elif j < n and (location := reader.location(j)):
        found.append((location, "source_loc"))
    if cue.start > 0 and reader.plain(cue.start):  # SOURCE + cue: a phrase ending right before the verb
        for start in range(max(0, cue.start - MAX_SUBJECT_WORDS), cue.start):
            before = reader.source(start, True)
            if before and before.stop == cue.start and before.kind != "document":
                found.append((before, "source_cue"))
                break
    return found


def _source_and_actor_candidates(reader: PhraseReader, stance_cues: list[CueMatch]) -> list[Candidate]:
    """SOURCE candidates next to STANCE cues and anywhere, and ACTOR candidates anywhere."""
    vocab = reader.vocab
    actors: list[Candidate] = []
    sources: list[tuple[NounPhrase, str]] = []
    for cue in stance_cues:
        if cue.kind == "verb":
            sources += _verb_sources(reader, cue, actors)
        elif cue.kind == "form" and cue.stop - cue.start == 1 and clitic_variants(reader.norm(cue.start), "و")[-1][0] in PREPOSITIONAL_CUES:
            j = cue.stop  # وحسب / بحسب / وفقا (+ separate ل/عن) + SOURCE
            if j < reader.n and reader.norm(j) in ("ل", "عن"):
                j += 1
            np_ = reader.source(j, True)
            if np_:
                sources.append((np_, "source_cue"))
    for i in range(reader.n):
        for np_ in (reader.anonymous(i, False), reader.unspecified(i, anywhere=True)):
            if np_:
                sources.append((np_, "source_anon"))
        ok, pre = vocab.in_role(reader.norm(i), "doc_head")
        if ok and ("ب" in pre or (i > 0 and reader.norm(i - 1) in ("في", "وفي") and reader.plain(i))):
            np_ = reader.document(i)
            if np_:
                sources.append((np_, "source_anon"))
        for np_ in (reader.organization(i), reader.person(i)):
            if np_:
                actors += _actor_candidates(np_)
        np_ = reader.media(i, False)
        if np_ and np_.named:
            actors += _actor_candidates(np_)
    return actors + [c for np_, rule in sources for c in _source_candidates(np_, rule)]
