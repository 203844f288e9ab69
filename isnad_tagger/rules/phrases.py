"""Noun-phrase recognizers of the rule tagger: media, document, unspecified, anonymous, spokesperson,
organization, person and location phrases starting at a given word.

Each recognizer reads forward from word i over words that follow plainly (no punctuation between)
and returns a `NounPhrase` (word indices, SOURCE type, inner ACTORs) or None. They only describe
phrases; which of them become SOURCE or ACTOR spans, with which score, is the tagger's decision
(isnad_tagger.rules.tagger), so the same recognizer serves next to a cue and anywhere in the text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from isnad_tagger.rules.words import CONNECTORS, Vocabulary, Word, is_nisba, noun_variants

OPEN_QUOTES = "«\"“'"
CLOSE_QUOTES = "»\"”'"
WordRange = tuple[int, int]  # words[start:stop]


@dataclass(frozen=True)
class NounPhrase:
    start: int  # first word
    stop: int  # one past the last word
    kind: str  # SOURCE type: media / document / unspecified / anonymous / institution / named
    named: bool = False  # carries a name (ACTOR-worthy for media; named SOURCE for persons)
    actors: tuple[WordRange, ...] = ()  # organizations / persons inside the phrase
    addressee: bool = False  # first word carries an attached ل (قال لوكالة ...: not the speaker)

    @property
    def is_actor(self) -> bool:
        """Names a person or an organization, or is a media outlet by name: also an ACTOR."""
        return self.kind in ("named", "institution") or (self.kind == "media" and self.named)


class PhraseReader:
    """The phrase recognizers over the words of one text."""

    def __init__(self, vocab: Vocabulary, words: list[Word]) -> None:
        self.vocab = vocab
        self.words = words
        self.n = len(words)

    def plain(self, j: int) -> bool:
        return self.words[j].plain

    def norm(self, j: int) -> str:
        return self.words[j].norm

    def phrase_at(self, i: int, phrases: set[tuple[str, ...]], maxlen: int, first_variants: bool = True) -> tuple[int, str] | None:
        """Longest phrase from `phrases` at word i (first word may carry proclitics): (stop, proclitics)."""
        words = self.words
        firsts = noun_variants(words[i].norm) if first_variants else [(words[i].norm, "")]
        best = None
        for base, pre in firsts:
            for n in range(min(maxlen, self.n - i), 0, -1):
                cand = (base,) + tuple(words[i + k].norm for k in range(1, n))
                if cand in phrases and all(words[i + k].plain for k in range(1, n)):
                    if best is None or i + n > best[0]:
                        best = (i + n, pre)
                    break
        return best

    def _run(self, j: int, limit: int, test: Callable[[str], bool]) -> int:
        """Index after the words from j on that follow plainly and pass `test`, at most `limit` of them."""
        k = j
        while k < self.n and k - j < limit and self.plain(k) and test(self.norm(k)):
            k += 1
        return k

    def _adjective(self, norm: str, definite: bool | None = None) -> bool:
        """A nisba adjective that is no function word: it extends the phrase before it."""
        return is_nisba(norm, definite) and not self.vocab.is_stopish(norm)

    def _modifier(self, norm: str, role: str, definite: bool | None = None) -> bool:
        """A listed modifier of the role or a nisba adjective, and no function word."""
        return (norm in self.vocab.role(role) or is_nisba(norm, definite)) and not self.vocab.is_stopish(norm)

    def quoted(self, j: int, limit: int = 6) -> int | None:
        """If a quote opens right before word j: index one past the last word inside it."""
        words = self.words
        if j >= self.n or not any(q in words[j].gap for q in OPEN_QUOTES) or words[j].gap.strip() not in set(OPEN_QUOTES):
            return None
        for k in range(j, min(j + limit, self.n)):
            if k + 1 < self.n and any(q in words[k + 1].gap for q in CLOSE_QUOTES):
                return k + 1
            if k + 1 < self.n and words[k + 1].gap.strip():
                return None  # other punctuation inside: give up
        return None

    # ------------------------------------------------------------------ ACTOR-worthy phrases
    def organization(self, i: int) -> NounPhrase | None:
        """A fixed name (+ definite adjectives), or an organization head with a quoted name, a
        definite complement (وزارة الدفاع) or, when it is definite itself, adjectives or nothing."""
        vocab = self.vocab
        fixed = self.phrase_at(i, vocab.org_fixed, vocab.max_fixed)
        if fixed:
            j = self._run(fixed[0], self.n, lambda norm: self._adjective(norm, True))
            return NounPhrase(i, j, "institution", True, addressee="ل" in fixed[1])
        head = vocab.role_base(self.norm(i), "org_head")
        if not head:
            return None
        base, pre = head
        j = i + 1
        quoted = self.quoted(j, 4)
        if quoted:
            return NounPhrase(i, quoted, "institution", True, addressee="ل" in pre)
        if not base.startswith("ال"):
            k = j
            while k < self.n and k - j < 3 and self.plain(k):
                sub = self.phrase_at(k, vocab.org_fixed, vocab.max_fixed, first_variants=False)
                if sub:
                    k = sub[0]
                    break
                norm = self.norm(k)
                if vocab.is_al_word(norm) or (k == j and norm in vocab.org_heads):
                    k += 1
                else:
                    break
            if k == j:
                return None
            j = k
        j = self._run(j, 6 - (j - i), lambda norm: self._adjective(norm, True))
        return NounPhrase(i, j, "institution", True, addressee="ل" in pre)

    def person(self, i: int, in_cue: bool = False) -> NounPhrase | None:
        """Title chain (الرئيس, وزير الخارجية التركي) + an optional name, or a name of 2+ gazetteer
        person tokens; a bare definite title (الوزير) only as the subject of a cue."""
        vocab = self.vocab
        n = self.n
        j = i
        pre0 = ""
        titled = False
        definite_title = False
        while j < n and (j == i or self.plain(j)):
            tp = self.phrase_at(j, vocab.title_phrases, 4, first_variants=(j == i))
            if tp:
                if j == i:
                    pre0 = tp[1]
                j, titled, definite_title = tp[0], True, True
                continue
            variants = noun_variants(self.norm(j)) if j == i else [(self.norm(j), "")]
            hit = next(((b, p) for b, p in variants if b in vocab.titles), None)
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
                while k < n and k - j < 3 and self.plain(k):
                    norm = self.norm(k)
                    if (vocab.is_al_word(norm) and norm not in vocab.person_tokens) or (k == j and norm in vocab.org_heads):
                        k += 1
                    else:
                        break
                if k == j:
                    if j - 1 == i:
                        return None
                else:
                    j = k
        addressee = "ل" in pre0
        if titled:
            j = self._run(j, n, lambda norm: self._adjective(norm, True))
            # a name missing from the gazetteer: 2-4 name-like words closed by a function word,
            # punctuation or the end of the text (وزير الخارجية مولود جاويش أوغلو أن ...)
            if j - i >= 2 and j < n and self.plain(j) and self.norm(j) not in vocab.person_tokens:
                k = self._run(j, 4, lambda norm: vocab.name_like(norm, strict=True))
                if k - j >= 2 and (k == n or not self.plain(k) or self.norm(k) in vocab.stop):
                    return NounPhrase(i, k, "named", True, addressee=addressee)
        # name: starts with a gazetteer person token, then up to 4 more name-like words
        k = j
        names = 0
        while k < n and names < 5 and (k == i or self.plain(k)):
            norm = self.norm(k)
            if k == i and not titled:
                hit = next(((b, p) for b, p in noun_variants(norm) if b in vocab.person_tokens), None)
                if not hit:
                    return None
                addressee = "ل" in hit[1]
            elif names == 0:
                if norm not in vocab.person_tokens or vocab.is_stopish(norm):
                    break
            elif not (
                norm in vocab.person_tokens
                or (titled and vocab.name_like(norm, strict=True))
                or (self.norm(k - 1) in CONNECTORS and not vocab.is_stopish(norm))
                or (norm.startswith("ال") and not vocab.is_stopish(norm) and norm not in vocab.known)
            ):
                break
            names += 1
            k += 1
        while k > j and self.norm(k - 1) in CONNECTORS:  # never end on بن / عبد / أبو
            k, names = k - 1, names - 1
        if not titled:
            if names < 2:
                return None
            return NounPhrase(i, k, "named", True, addressee=addressee)
        if names == 0 and j - i < 2 and not (definite_title and in_cue):
            return None  # a bare title (الوزير) only counts as the subject of a cue
        return NounPhrase(i, k, "named", True, addressee=addressee)

    def location(self, i: int) -> NounPhrase | None:
        """A gazetteer location (as the subject of a verb cue it stands for a government)."""
        loc = self.phrase_at(i, self.vocab.locations, self.vocab.max_location, first_variants=False)
        if loc and not self.vocab.is_stopish(self.norm(i)):
            return NounPhrase(i, loc[0], "institution", True)
        return None

    # ------------------------------------------------------------------ SOURCE phrases
    def media(self, i: int, in_cue: bool) -> NounPhrase | None:
        """A known outlet (رويترز; الجزيرة only next to a cue), or a media head + «quoted name», a
        known outlet, up to four ال-words or indefinite adjectives (صحيفة أمريكية: not named)."""
        vocab = self.vocab
        outlet = self.phrase_at(i, vocab.outlets_by_cue if in_cue else vocab.outlets_alone, vocab.max_outlet)
        head = self.phrase_at(i, vocab.media_heads, 3)
        if not head:
            if outlet:
                return NounPhrase(i, outlet[0], "media", True, addressee="ل" in outlet[1])
            return None
        j, pre = head
        addressee = "ل" in pre
        if outlet and outlet[0] > j:
            return NounPhrase(i, outlet[0], "media", True, addressee=addressee)
        quoted = self.quoted(j)
        if quoted:
            return NounPhrase(i, quoted, "media", True, addressee=addressee)
        if j < self.n and self.plain(j):
            sub = self.phrase_at(j, vocab.outlets, vocab.max_outlet, first_variants=False)
            if sub:
                return NounPhrase(i, sub[0], "media", True, addressee=addressee)
        k = self._run(j, 4, vocab.is_al_word)
        named = any(not is_nisba(self.norm(m), True) and self.norm(m) not in vocab.role("anon_mod") for m in range(j, k))
        k = self._run(k, 4 - (k - j), self._adjective)
        return NounPhrase(i, k, "media", named, addressee=addressee)

    def author(self, j: int) -> tuple[int, WordRange] | None:
        """Author of a document at word j (ل-prefixed, صادر عن X, من X, or a definite organization in
        construct): (stop, the author's ACTOR words) or None."""
        n = self.n
        if j >= n or not self.plain(j):
            return None
        norm = self.norm(j)
        if norm in self.vocab.role("author_link") and j + 1 < n and self.norm(j + 1) in ("عن", "من"):
            j += 2
        elif norm in ("من", "ل", "عن"):
            j += 1
        elif not (norm.startswith("ل") or norm.startswith("ال")):
            return None
        if j >= n:
            return None
        np_ = self.organization(j) or self.person(j)
        if np_ is None:
            np_ = self.media(j, True)
            if np_ and not np_.named:
                np_ = None
        return (np_.stop, (np_.start, np_.stop)) if np_ else None

    def document(self, i: int) -> NounPhrase | None:
        """Document head (بيان, تقرير) + up to two document adjectives + an optional author."""
        vocab = self.vocab
        ok, pre = vocab.in_role(self.norm(i), "doc_head")
        if not ok:
            return None
        j = self._run(i + 1, 2, lambda norm: self._modifier(norm, "doc_mod", False))
        actors: tuple[WordRange, ...] = ()
        author = self.author(j)
        if author:
            j, actor = author
            actors = (actor,)
        return NounPhrase(i, j, "document", False, actors, addressee="ل" in pre)

    def unspecified(self, i: int, anywhere: bool) -> NounPhrase | None:
        """(هذه) + تقارير/أنباء/معلومات/شائعات + adjectives (إعلامية) next to a cue; elsewhere only the
        circulating-claim heads (شائعات, إشاعة: role unspec_anywhere)."""
        vocab = self.vocab
        j = i
        if self.norm(i) in vocab.role("demonstrative") and i + 1 < self.n and self.plain(i + 1):
            j = i + 1
        ok, pre = vocab.in_role(self.norm(j), "unspec_anywhere" if anywhere else "unspec_head")
        if not ok:
            return None
        j = self._run(j + 1, 4 - (j + 1 - i), lambda norm: self._modifier(norm, "unspec_mod"))
        return NounPhrase(i, j, "unspecified", False, addressee="ل" in pre)

    def anonymous(self, i: int, in_cue: bool) -> NounPhrase | None:
        """مصدر/مصادر/مسؤول/شهود... + modifiers (مطلعة, رفيع المستوى, nisba adjectives, مقربة من X,
        في/من X for an organization X); without a modifier only next to a cue. Spokespersons too."""
        vocab = self.vocab
        n = self.n
        ok, pre = vocab.in_role(self.norm(i), "spokes_head")
        if ok:
            return self.spokesperson(i, pre)
        head = vocab.role_base(self.norm(i), "anon_head")
        if not head:
            return None
        base, pre = head
        definite = base.startswith("ال")
        j = i + 1
        mods = 0
        actors: list[WordRange] = []
        while j < n and mods < 4 and self.plain(j):
            norm = self.norm(j)
            ph = self.phrase_at(j, vocab.anon_mod_phrases, 3, first_variants=False)
            if ph:
                j, mods = ph[0], mods + 1
                continue
            if norm in vocab.role("near_mod") and j + 2 < n and self.norm(j + 1) == "من":
                sub = self.organization(j + 2) or self.person(j + 2)
                if sub:
                    actors.append((sub.start, sub.stop))
                    j, mods = sub.stop, mods + 1
                    break
                k = self._run(j + 2, 2, vocab.is_al_word)
                if k > j + 2:
                    j, mods = k, mods + 1
                break
            if norm in ("في", "من", "ب") and j + 1 < n:
                sub = self.organization(j + 1)
                if sub:
                    actors.append((sub.start, sub.stop))
                    j, mods = sub.stop, mods + 1
                break
            if norm[0] == "ب" and (sub := self.organization(j)) and not sub.addressee:
                actors.append((sub.start, sub.stop))
                j, mods = sub.stop, mods + 1
                break
            if (norm in vocab.role("anon_mod") and not definite) or self._adjective(norm, definite):
                j, mods = j + 1, mods + 1
                continue
            break
        if mods == 0 and not in_cue:
            return None
        return NounPhrase(i, j, "anonymous", False, tuple(actors), addressee="ل" in pre)

    def spokesperson(self, i: int, pre: str) -> NounPhrase | None:
        """المتحدث/الناطق (+ adjectives) باسم X; named when a person name follows."""
        vocab = self.vocab
        n = self.n
        j = self._run(i + 1, 2, self._adjective)
        valid = j > i + 1
        actors: list[WordRange] = []
        if j + 1 < n and self.plain(j) and self.norm(j) == "باسم":
            sub = self.organization(j + 1) or self.person(j + 1)
            if sub:
                actors.append((sub.start, sub.stop))
                j, valid = sub.stop, True
            else:
                k = self._run(j + 1, 3, vocab.is_al_word)
                if k > j + 1:
                    j, valid = k, True
        if not valid:
            return None
        addressee = "ل" in pre
        if j < n and self.plain(j) and self.norm(j) in vocab.person_tokens and not vocab.is_stopish(self.norm(j)):
            k = self._run(j + 1, 3, lambda norm: norm in vocab.person_tokens or vocab.name_like(norm, strict=True))
            return NounPhrase(i, k, "named", True, tuple(actors), addressee=addressee)
        return NounPhrase(i, j, "anonymous", False, tuple(actors), addressee=addressee)

    def source(self, i: int, in_cue: bool) -> NounPhrase | None:
        """The longest SOURCE phrase at word i (first found wins a tie); organizations and persons
        only in a cue context."""
        if i >= self.n:
            return None
        found = [
            np_
            for np_ in (self.media(i, in_cue), self.document(i), self.unspecified(i, anywhere=not in_cue), self.anonymous(i, in_cue))
            if np_
        ]
        if in_cue:
            found += [np_ for np_ in (self.organization(i), self.person(i, True)) if np_]
        if not found:
            return None
        return max(found, key=lambda np_: np_.stop)
