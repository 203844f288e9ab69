"""RuleTagger: lexicon + pattern tagger for ACTOR / SOURCE / STANCE / UNCERTAINTY (spec v1).

The text is split into words (isnad.words); every word is normalized for matching only
(isnad.rules.lexicon.normalize) and proclitics are tried off (و/ف on verbs and cues; و/ف + ل/ب/ك on
nouns, لل -> ال). Offsets always point into the original text, and every span starts and ends on a
word, so the output passes isnad.spans.span_problems. Inside one family, candidate spans are
resolved by longest match (characters), then rule priority, then position.

Patterns (the lexicon files are described in isnad.rules.lexicon):

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
from typing import Iterable, overload

from isnad.rules.lexicon import Lexicon, load_lexicon, normalize
from isnad.words import iter_words

RULE_SCORES = {
    "cue": 0.9,  # lexicon STANCE/UNCERTAINTY cue
    "qad": 0.8,  # قد + imperfect
    "belief": 0.7,  # يعتقد hedge/evidential decision
    "source_anon": 0.8,  # anonymous head + modifier, spokesperson, document after في
    "source_cue": 0.7,  # noun phrase next to a cue
    "source_loc": 0.5,  # gazetteer location as the subject of a cue
    "actor": 0.7,  # organization / person / outlet pattern
    "actor_loc": 0.5,
}

OPEN_QUOTES = "«\"“'"
CLOSE_QUOTES = "»\"”'"
_CONNECTORS = {"بن", "ابن", "بنت", "ابو", "عبد", "ال"}
_NISBA_ENDINGS = ("ي", "يه", "يون", "يين", "يان", "يتان")


@dataclass(frozen=True)
class _Word:
    start: int
    end: int
    norm: str
    gap: str  # text between the previous word and this one


@dataclass
class _NP:
    i: int  # first word
    j: int  # one past the last word
    kind: str  # media / document / unspecified / anonymous / institution / named
    named: bool = False  # carries a name (ACTOR-worthy for media; named SOURCE for persons)
    actors: tuple[tuple[int, int], ...] = ()
    lprefix: bool = False  # first word carries an attached ل (addressee after a verb cue)


class RuleTagger:
    """Rule-based tagger. `predict(text)` -> list of span dicts; `predict([texts])` -> list of lists."""

    def __init__(self, lexicon: Lexicon | None = None) -> None:
        self.lex = lexicon or load_lexicon()
        lex = self.lex
        self._stop = lex.role("stop")
        self._skip = lex.role("skip")
        self._titles = lex.role("title")
        self._title_phrases = lex.role_phrases.get("title", set())
        self._org_heads = lex.role("org_head")
        self._org_fixed = {(w,) for w in lex.role("org_fixed")} | lex.role_phrases.get("org_fixed", set()) | lex.orgs
        self._max_fixed = max((len(p) for p in self._org_fixed), default=1)
        self._max_outlet = max((len(p) for p in lex.outlets), default=1)
        self._max_loc = max((len(p) for p in lex.locations), default=1)
        self._known = set().union(*lex.roles.values()) | lex.cue_words
        # gazetteer person tokens that are also lexicon words or a clitic + function word (فان)
        lex.person_tokens = {
            p for p in lex.person_tokens
            if p not in self._known and not (p[0] in "وفلبك" and (p[1:] in self._stop or p[1:] in self._known))
        }

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
            return self._predict_one(text)
        if isinstance(text, (list, tuple)):
            for k, item in enumerate(text):
                if not isinstance(item, str):
                    raise TypeError(f"RuleTagger.predict: item {k} is {type(item).__name__}, expected str")
            return [self._predict_one(item) for item in text]
        raise TypeError(f"RuleTagger.predict expects a str or a list of str, got {type(text).__name__}")

    # ------------------------------------------------------------------ helpers
    def _predict_one(self, text: str) -> list[dict]:
        if not text:
            return []
        words = []
        prev = 0
        for start, end in iter_words(text):
            raw = text[start:end]
            # a word of only marks/tatweel normalizes to "": keep the raw form so no rule sees ""
            words.append(_Word(start, end, normalize(raw) or raw, text[prev:start]))
            prev = end
        cands: list[tuple[int, int, str, str | None, float, int]] = []  # (i, j, label, type, score, prio)
        cue_hits = self._cues(words, cands)
        self._sources_and_actors(words, cue_hits, cands)
        spans = self._resolve(words, cands)
        return [
            {"start": s, "end": e, "text": text[s:e], "label": label, "type": typ, "score": score}
            for s, e, label, typ, score in spans
        ]

    @staticmethod
    def _plain(words: list[_Word], j: int) -> bool:
        return words[j].gap.strip() == ""

    @staticmethod
    def _resolve(words, cands):
        out = []
        for family in ("ACTOR", "SOURCE", "STANCE", "UNCERTAINTY"):
            own = [c for c in cands if c[2] == family]
            own.sort(key=lambda c: (-(words[c[1] - 1].end - words[c[0]].start), c[5], c[0]))
            taken: list[tuple[int, int]] = []
            for i, j, label, typ, score, _ in own:
                if any(i < tj and ti < j for ti, tj in taken):
                    continue
                taken.append((i, j))
                out.append((words[i].start, words[j - 1].end, label, typ, score))
        out.sort(key=lambda s: (s[0], s[1], s[2]))
        return out

    # ---------------------------------------------------------------- word tests
    @staticmethod
    def _clitic_variants(norm: str, allowed: str) -> list[tuple[str, str]]:
        out = [(norm, "")]
        if len(norm) > 2 and norm[0] in "وف" and norm[0] in allowed:
            out.append((norm[1:], norm[0]))
            rest = norm[1:]
        else:
            rest = norm
        for base, pre in list(out):
            if len(base) > 3 and base[0] in "لبك" and base[0] in allowed:
                if base.startswith("لل"):
                    out.append(("ال" + base[2:], pre + "ل"))
                else:
                    out.append((base[1:], pre + base[0]))
        del rest
        return out

    def _noun(self, norm: str) -> list[tuple[str, str]]:
        return self._clitic_variants(norm, "وفلبك")

    def _in_role(self, norm: str, role: str) -> tuple[bool, str]:
        """(match, proclitics) for a single word against a noun role, proclitics tried off."""
        words = self.lex.role(role)
        for base, pre in self._noun(norm):
            if base in words:
                return True, pre
        return False, ""

    def _is_stopish(self, norm: str) -> bool:
        return not norm or norm in self._stop or norm in self._skip or norm in self.lex.cue_words or (
            len(norm) > 2 and norm[0] in "وف" and (norm[1:] in self._stop or norm[1:] in self.lex.cue_words))

    @staticmethod
    def _is_nisba(norm: str, definite: bool | None = None) -> bool:
        has_al = norm.startswith("ال")
        if definite is not None and has_al != definite:
            return False
        return len(norm) >= (5 if has_al else 4) and norm.endswith(_NISBA_ENDINGS)

    def _is_al_word(self, norm: str) -> bool:
        return norm.startswith("ال") and len(norm) >= 4 and not self._is_stopish(norm) and norm not in self._titles

    def _is_imperfect(self, norm: str) -> bool:
        if len(norm) < 3 or norm.endswith("وا") or norm in self._stop:
            return False
        first = norm[0]
        if first == "ي":
            return True
        if first == "ت":
            if norm in self.lex.role("perfect_t") or (norm.endswith("ت") and len(norm) >= 5):
                return False
            return True
        if first == "ن":
            return len(norm) >= 4 and not norm.endswith("ت")
        return False

    def _phrase_at(self, words, i, phrases: set[tuple[str, ...]], maxlen: int, first_variants=True):
        """Longest phrase from `phrases` at word i (first word may carry proclitics): (j, pre) or None."""
        firsts = self._noun(words[i].norm) if first_variants else [(words[i].norm, "")]
        best = None
        for base, pre in firsts:
            for n in range(min(maxlen, len(words) - i), 0, -1):
                cand = (base,) + tuple(words[i + k].norm for k in range(1, n))
                if cand in phrases and all(self._plain(words, i + k) for k in range(1, n)):
                    if best is None or i + n > best[0]:
                        best = (i + n, pre)
                    break
        return best

    # ------------------------------------------------------------------ cues
    def _cues(self, words, cands):
        """STANCE / UNCERTAINTY cues; returns [(i, j, kind)] of STANCE cue hits for SOURCE patterns."""
        hits = []
        n = len(words)
        for i, word in enumerate(words):
            for base, pre in self._clitic_variants(word.norm, "وفب"):
                for cue in self.lex.cues.get(base, ()):
                    if pre:
                        if any(ch not in cue.proclitics for ch in pre):
                            continue
                    elif "!" in cue.proclitics:
                        continue
                    j = i + len(cue.words)
                    if j > n or any(
                        words[i + k].norm != cue.words[k] or not self._plain(words, i + k) for k in range(1, len(cue.words))
                    ):
                        continue
                    typ, score = cue.type, RULE_SCORES["cue"]
                    if cue.next_words and not (j < n and self._plain(words, j) and words[j].norm in cue.next_words):
                        continue
                    if cue.rule == "qad":
                        if not self._qad_ok(words, j):
                            continue
                        score = RULE_SCORES["qad"]
                    elif cue.rule == "belief":
                        typ = "hedge" if j < n and self._subject_follows(words, j) else "evidential"
                        score = RULE_SCORES["belief"]
                    cands.append((i, j, cue.label, typ, score, cue.priority))
                    if cue.label == "STANCE":
                        hits.append((i, j, cue.kind))
        return hits

    def _qad_ok(self, words, j) -> bool:
        if j >= len(words) or not self._plain(words, j):
            return False
        if words[j].norm == "لا" and j + 1 < len(words):
            j += 1
        return self._is_imperfect(words[j].norm)

    def _subject_follows(self, words, j) -> bool:
        norm = words[j].norm
        return (
            self._in_role(norm, "title")[0]
            or norm in self.lex.person_tokens
            or self._org_np(words, j) is not None
            or self._phrase_at(words, j, self._title_phrases, 3) is not None
        )

    # ------------------------------------------------------------------ noun phrases
    def _quoted(self, words, j, limit=6):
        """If a quote opens right before word j: index one past the last word inside it."""
        if j >= len(words) or not any(q in words[j].gap for q in OPEN_QUOTES) or words[j].gap.strip() not in set(OPEN_QUOTES):
            return None
        for k in range(j, min(j + limit, len(words))):
            if k + 1 < len(words) and any(q in words[k + 1].gap for q in CLOSE_QUOTES):
                return k + 1
            if k + 1 < len(words) and words[k + 1].gap.strip():
                return None  # other punctuation inside: give up
        return None

    def _org_np(self, words, i):
        n = len(words)
        fixed = self._phrase_at(words, i, self._org_fixed, self._max_fixed)
        if fixed:
            j = fixed[0]
            while j < n and self._plain(words, j) and self._is_nisba(words[j].norm, True) and not self._is_stopish(words[j].norm):
                j += 1
            return _NP(i, j, "institution", True, lprefix="ل" in fixed[1])
        ok, pre = self._in_role(words[i].norm, "org_head")
        if not ok:
            return None
        base = next(b for b, p in self._noun(words[i].norm) if p == pre)
        definite = base.startswith("ال")
        j = i + 1
        quoted = self._quoted(words, j, 4)
        if quoted:
            return _NP(i, quoted, "institution", True, lprefix="ل" in pre)
        if not definite:
            k = j
            while k < n and k - j < 3 and self._plain(words, k):
                sub = self._phrase_at(words, k, self._org_fixed, self._max_fixed, first_variants=False)
                if sub:
                    k = sub[0]
                    break
                norm = words[k].norm
                if self._is_al_word(norm) or (k == j and norm in self._org_heads):
                    k += 1
                else:
                    break
            if k == j:
                return None
            j = k
        while j < n and j - i < 6 and self._plain(words, j) and self._is_nisba(words[j].norm, True) and not self._is_stopish(words[j].norm):
            j += 1
        return _NP(i, j, "institution", True, lprefix="ل" in pre)

    def _person_np(self, words, i, in_cue: bool = False):
        n = len(words)
        lex = self.lex
        j = i
        pre0 = ""
        titled = False
        definite_title = False
        while j < n and (j == i or self._plain(words, j)):
            tp = self._phrase_at(words, j, self._title_phrases, 4, first_variants=(j == i))
            if tp:
                if j == i:
                    pre0 = tp[1]
                j, titled, definite_title = tp[0], True, True
                continue
            variants = self._noun(words[j].norm) if j == i else [(words[j].norm, "")]
            hit = next(((b, p) for b, p in variants if b in self._titles), None)
            if not hit:
                break
            if j == i:
                pre0 = hit[1]
            definite_title = definite_title or hit[0].startswith("ال")
            titled = True
            j += 1
            # construct complement of an indefinite title: وزير الخارجية, رئيس مجلس الوزراء
            if not hit[0].startswith("ال"):
                k = j
                while k < n and k - j < 3 and self._plain(words, k):
                    norm = words[k].norm
                    if (self._is_al_word(norm) and norm not in lex.person_tokens) or (k == j and norm in self._org_heads):
                        k += 1
                    else:
                        break
                if k == j:
                    if j - 1 == i:
                        return None
                else:
                    j = k
        if titled:
            while j < n and self._plain(words, j) and self._is_nisba(words[j].norm, True) and not self._is_stopish(words[j].norm):
                j += 1
            # a name missing from the gazetteer: 2-4 name-like words closed by a function word,
            # punctuation or the end of the text (وزير الخارجية مولود جاويش أوغلو أن ...)
            if j - i >= 2 and j < n and self._plain(words, j) and words[j].norm not in lex.person_tokens:
                k = j
                while k < n and k - j < 4 and self._plain(words, k) and self._name_like(words[k].norm, strict=True):
                    k += 1
                if k - j >= 2 and (k == n or not self._plain(words, k) or words[k].norm in self._stop):
                    return _NP(i, k, "named", True, lprefix="ل" in pre0)
        # name: starts with a gazetteer person token, then up to 3 more name-like words
        k = j
        names = 0
        while k < n and names < 5 and (k == i or self._plain(words, k)):
            norm = words[k].norm
            if k == i and not titled:
                variants = self._noun(norm)
                hit = next(((b, p) for b, p in variants if b in lex.person_tokens), None)
                if not hit:
                    return None
                pre0 = hit[1]
            elif names == 0:
                if norm not in lex.person_tokens or self._is_stopish(norm):
                    break
            elif not (
                norm in lex.person_tokens
                or (titled and self._name_like(norm, strict=True))
                or (words[k - 1].norm in _CONNECTORS and not self._is_stopish(norm))
                or (norm.startswith("ال") and not self._is_stopish(norm) and norm not in self._known)
            ):
                break
            names += 1
            k += 1
        while k > j and words[k - 1].norm in _CONNECTORS:  # never end on بن / عبد / أبو
            k, names = k - 1, names - 1
        if not titled:
            if names < 2:
                return None
            return _NP(i, k, "named", True, lprefix="ل" in pre0)
        if names == 0 and j - i < 2 and not (definite_title and in_cue):
            return None  # a bare title (الوزير) only counts as the subject of a cue
        return _NP(i, k, "named", True, lprefix="ل" in pre0)

    def _name_like(self, norm: str, strict: bool = False) -> bool:
        """A word that may be part of a name missing from the gazetteer. strict: not shaped like a
        verb (ي/ت/ن-initial), a feminine/plural/accusative noun (…ة …ات …ون …ين …ا) or an ال-word."""
        if not norm or self._is_stopish(norm) or norm in self._titles or norm in self._known:
            return False
        if strict and (norm[0] in "يتن" or norm.endswith(("ه", "ات", "ون", "ين", "ا")) or norm.startswith("ال")):
            return False
        if norm[0] in "وف" and norm not in self.lex.person_tokens:
            return False
        if norm[0] in "لبك" and any(b in self._known or b.startswith("ال") for b, p in self._noun(norm) if p):
            return False
        return len(norm) >= 2 and not norm.isdigit()

    def _media_np(self, words, i, in_cue: bool):
        n = len(words)
        lex = self.lex
        outlet = self._phrase_at(words, i, {p for p, s in lex.outlets.items() if s == "yes" or (in_cue and s == "cue")}, self._max_outlet)
        head = self._phrase_at(words, i, {(w,) for w in lex.role("media_head")} | lex.role_phrases.get("media_head", set()), 3)
        if not head:
            if outlet:
                return _NP(i, outlet[0], "media", True, lprefix="ل" in outlet[1])
            return None
        j, pre = head
        if outlet and outlet[0] > j:
            return _NP(i, outlet[0], "media", True, lprefix="ل" in pre)
        named = False
        quoted = self._quoted(words, j)
        if quoted:
            return _NP(i, quoted, "media", True, lprefix="ل" in pre)
        if j < n and self._plain(words, j):
            sub = self._phrase_at(words, j, set(lex.outlets), self._max_outlet, first_variants=False)
            if sub:
                return _NP(i, sub[0], "media", True, lprefix="ل" in pre)
        k = j
        while k < n and k - j < 4 and self._plain(words, k) and self._is_al_word(words[k].norm):
            if not self._is_nisba(words[k].norm, True) and words[k].norm not in self.lex.role("anon_mod"):
                named = True
            k += 1
        while k < n and k - j < 4 and self._plain(words, k) and self._is_nisba(words[k].norm) and not self._is_stopish(words[k].norm):
            k += 1  # indefinite adjectives: صحيفة أمريكية (not a name)
        return _NP(i, k, "media", named, lprefix="ل" in pre)

    def _author(self, words, j):
        """Author of a document at word j: (end, actor span) or None."""
        n = len(words)
        if j >= n or not self._plain(words, j):
            return None
        norm = words[j].norm
        if norm in self.lex.role("author_link") and j + 1 < n and words[j + 1].norm in ("عن", "من"):
            j += 2
        elif norm in ("من", "ل", "لـ", "عن") or norm == normalize("لـ"):
            j += 1
        elif not (norm.startswith("ل") or norm.startswith("ال")):
            return None
        if j >= n:
            return None
        for parse in (self._org_np, self._person_np):
            np_ = parse(words, j)
            if np_:
                return np_.j, (np_.i, np_.j)
        np_ = self._media_np(words, j, True)
        if np_ and np_.named:
            return np_.j, (np_.i, np_.j)
        return None

    def _doc_np(self, words, i):
        n = len(words)
        ok, pre = self._in_role(words[i].norm, "doc_head")
        if not ok:
            return None
        j = i + 1
        while j < n and j - i < 3 and self._plain(words, j) and (
            words[j].norm in self.lex.role("doc_mod") or self._is_nisba(words[j].norm, False)
        ) and not self._is_stopish(words[j].norm):
            j += 1
        author = self._author(words, j)
        actors = ()
        if author:
            j, actor = author
            actors = (actor,)
        return _NP(i, j, "document", False, actors, lprefix="ل" in pre)

    def _unspec_np(self, words, i, anywhere: bool):
        n = len(words)
        j = i
        if words[i].norm in self.lex.role("demonstrative") and i + 1 < n and self._plain(words, i + 1):
            j = i + 1
        ok, pre = self._in_role(words[j].norm, "unspec_anywhere" if anywhere else "unspec_head")
        if not ok:
            return None
        j += 1
        while j < n and j - i < 4 and self._plain(words, j) and (
            words[j].norm in self.lex.role("unspec_mod") or self._is_nisba(words[j].norm)
        ) and not self._is_stopish(words[j].norm):
            j += 1
        return _NP(i, j, "unspecified", False, lprefix="ل" in pre)

    def _anon_np(self, words, i, in_cue: bool):
        n = len(words)
        lex = self.lex
        ok, pre = self._in_role(words[i].norm, "spokes_head")
        if ok:
            return self._spokes_np(words, i, pre)
        ok, pre = self._in_role(words[i].norm, "anon_head")
        if not ok:
            return None
        base = next(b for b, p in self._noun(words[i].norm) if p == pre)
        definite = base.startswith("ال")
        j = i + 1
        mods = 0
        actors: list[tuple[int, int]] = []
        mod_phrases = lex.role_phrases.get("anon_mod", set())
        while j < n and mods < 4 and self._plain(words, j):
            norm = words[j].norm
            ph = self._phrase_at(words, j, mod_phrases, 3, first_variants=False)
            if ph:
                j, mods = ph[0], mods + 1
                continue
            if norm in lex.role("near_mod") and j + 2 < n and words[j + 1].norm == "من":
                sub = self._org_np(words, j + 2) or self._person_np(words, j + 2)
                if sub:
                    actors.append((sub.i, sub.j))
                    j, mods = sub.j, mods + 1
                    break
                k = j + 2
                while k < n and k - (j + 2) < 2 and self._plain(words, k) and self._is_al_word(words[k].norm):
                    k += 1
                if k > j + 2:
                    j, mods = k, mods + 1
                break
            if norm in ("في", "من", "ب") and j + 1 < n:
                sub = self._org_np(words, j + 1)
                if sub:
                    actors.append((sub.i, sub.j))
                    j, mods = sub.j, mods + 1
                break
            if norm[0] == "ب" and (sub := self._org_np(words, j)) and sub.lprefix is False:
                actors.append((sub.i, sub.j))
                j, mods = sub.j, mods + 1
                break
            if (norm in lex.role("anon_mod") and not definite) or (
                self._is_nisba(norm, definite) and not self._is_stopish(norm)
            ):
                j, mods = j + 1, mods + 1
                continue
            break
        if mods == 0 and not in_cue:
            return None
        return _NP(i, j, "anonymous", False, tuple(actors), lprefix="ل" in pre)

    def _spokes_np(self, words, i, pre):
        n = len(words)
        j = i + 1
        valid = False
        while j < n and j - i < 3 and self._plain(words, j) and self._is_nisba(words[j].norm) and not self._is_stopish(words[j].norm):
            j, valid = j + 1, True
        actors: list[tuple[int, int]] = []
        if j + 1 < n and self._plain(words, j) and words[j].norm == "باسم":
            sub = self._org_np(words, j + 1) or self._person_np(words, j + 1)
            if sub:
                actors.append((sub.i, sub.j))
                j, valid = sub.j, True
            else:
                k = j + 1
                while k < n and k - j <= 3 and self._plain(words, k) and self._is_al_word(words[k].norm):
                    k += 1
                if k > j + 1:
                    j, valid = k, True
        if not valid:
            return None
        if j < n and self._plain(words, j) and words[j].norm in self.lex.person_tokens and not self._is_stopish(words[j].norm):
            k = j + 1
            while k < n and k - j < 4 and self._plain(words, k) and (words[k].norm in self.lex.person_tokens or self._name_like(words[k].norm, strict=True)):
                k += 1
            return _NP(i, k, "named", True, tuple(actors), lprefix="ل" in pre)
        return _NP(i, j, "anonymous", False, tuple(actors), lprefix="ل" in pre)

    def _source_np(self, words, i, in_cue: bool):
        """The best SOURCE noun phrase starting at word i (in a cue context or not)."""
        if i >= len(words):
            return None
        found = []
        for np_ in (
            self._media_np(words, i, in_cue),
            self._doc_np(words, i),
            self._unspec_np(words, i, anywhere=not in_cue),
            self._anon_np(words, i, in_cue),
        ):
            if np_ and (np_.kind != "media" or np_.named or np_.j - np_.i >= 1):
                found.append(np_)
        if in_cue:
            org = self._org_np(words, i)
            if org:
                found.append(org)
            person = self._person_np(words, i, True)
            if person:
                found.append(person)
        if not found:
            return None
        return max(found, key=lambda np_: np_.j)

    def _location_np(self, words, i):
        loc = self._phrase_at(words, i, self.lex.locations, self._max_loc, first_variants=False)
        if loc and not self._is_stopish(words[i].norm):
            return _NP(i, loc[0], "institution", True)
        return None

    # ------------------------------------------------------------------ SOURCE / ACTOR
    def _sources_and_actors(self, words, cue_hits, cands):
        n = len(words)
        src: list[tuple[_NP, float]] = []
        prep = {normalize(w) for w in ("وفقا", "وفق", "طبقا", "بحسب", "حسب", "نقلا")}
        for ci, cj, kind in cue_hits:
            if kind == "verb":
                j = cj
                skipped = 0
                while j < n and skipped < 2 and words[j].norm in self._skip:
                    j, skipped = j + 1, skipped + 1
                np_ = self._source_np(words, j, True)
                if np_ and np_.lprefix:
                    self._emit_actor_np(np_, cands)
                    np_ = self._source_np(words, np_.j, True)
                elif np_ is None and j < n and words[j].norm in ("ل", normalize("لـ")):
                    after = self._source_np(words, j + 1, True)
                    np_ = self._source_np(words, after.j, True) if after else None
                if np_ is None and j < n:
                    np_ = self._location_np(words, j)
                    if np_:
                        src.append((np_, RULE_SCORES["source_loc"]))
                        np_ = None
                if np_:
                    src.append((np_, RULE_SCORES["source_cue"]))
                # SOURCE + cue: a noun phrase ending right before the verb
                if ci > 0 and self._plain(words, ci):
                    for start in range(max(0, ci - 8), ci):
                        before = self._source_np(words, start, True)
                        if before and before.j == ci and before.kind != "document":
                            src.append((before, RULE_SCORES["source_cue"]))
                            break
            elif kind == "form" and cj - ci == 1 and self._clitic_variants(words[ci].norm, "و")[-1][0] in prep:
                j = cj
                if j < n and words[j].norm in ("ل", normalize("لـ"), "عن"):
                    j += 1
                np_ = self._source_np(words, j, True)
                if np_:
                    src.append((np_, RULE_SCORES["source_cue"]))
        for i in range(n):
            np_ = self._anon_np(words, i, False)
            if np_:
                src.append((np_, RULE_SCORES["source_anon"]))
            np_ = self._unspec_np(words, i, anywhere=True)
            if np_:
                src.append((np_, RULE_SCORES["source_anon"]))
            ok, pre = self._in_role(words[i].norm, "doc_head")
            if ok and ("ب" in pre or (i > 0 and words[i - 1].norm in ("في", "وفي") and self._plain(words, i))):
                np_ = self._doc_np(words, i)
                if np_:
                    src.append((np_, RULE_SCORES["source_anon"]))
            for np_ in (self._org_np(words, i), self._person_np(words, i)):
                if np_:
                    self._emit_actor_np(np_, cands)
            np_ = self._media_np(words, i, False)
            if np_ and np_.named:
                self._emit_actor_np(np_, cands)
        for np_, score in src:
            cands.append((np_.i, np_.j, "SOURCE", np_.kind, score, 0))
            if np_.kind in ("named", "institution") or (np_.kind == "media" and np_.named):
                cands.append((np_.i, np_.j, "ACTOR", None, score, 0))
            for ai, aj in np_.actors:
                cands.append((ai, aj, "ACTOR", None, RULE_SCORES["actor"], 1))

    @staticmethod
    def _emit_actor_np(np_: _NP, cands) -> None:
        if np_.kind in ("named", "institution") or (np_.kind == "media" and np_.named):
            cands.append((np_.i, np_.j, "ACTOR", None, RULE_SCORES["actor"], 1))
        for ai, aj in np_.actors:
            cands.append((ai, aj, "ACTOR", None, RULE_SCORES["actor"], 1))


def tag(texts: Iterable[str]) -> list[list[dict]]:
    """Convenience: tag many texts with a fresh RuleTagger."""
    return RuleTagger().predict(list(texts))
