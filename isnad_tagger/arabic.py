"""Arabic character normalization: the one place that says which marks and letter variants go.

Callers differ on purpose in what they strip (a model normalizer must strip exactly what its base
model was pre-trained without; the rule lexicon matches on the bare letters), so each caller composes
these functions into its own normalization instead of keeping a private regular expression:

- `strip_marks`: every Unicode combining mark (\\p{M}) and tatweel (the rule lexicon).
- `strip_nonspacing_marks`: non-spacing marks (\\p{Mn}) and tatweel (cue texts in isnad_tagger.records).
- `strip_harakat`: the Arabic harakat U+064B-U+0652 and tatweel, optionally the dagger alef U+0670
  and the further Arabic marks U+0653-U+065F (maddah, hamza above/below, ...).
- `unify_alef_ya`: أ/إ/آ/ٱ -> ا and ى -> ي; `unify_ta_marbuta`: ة -> ه.

All of them map one string to another and never see offsets: callers that report spans match on a
normalized copy and keep their offsets in the original text.
"""

from __future__ import annotations

import regex

TATWEEL = "\u0640"
HARAKAT = "\u064b-\u0652"  # fathatan, dammatan, kasratan, fatha, damma, kasra, shadda, sukun
FURTHER_MARKS = "\u0653-\u065f"  # maddah above, hamza above/below, subscript alef, ... wavy hamza below
DAGGER_ALEF = "\u0670"  # superscript alef

_ALL_MARKS = regex.compile(rf"[\p{{M}}{TATWEEL}]")
_NONSPACING_MARKS = regex.compile(rf"[\p{{Mn}}{TATWEEL}]")
_HARAKAT = {
    (dagger_alef, further): regex.compile(
        f"[{HARAKAT}{FURTHER_MARKS if further else ''}{DAGGER_ALEF if dagger_alef else ''}{TATWEEL}]"
    )
    for dagger_alef in (False, True)
    for further in (False, True)
}
_ALEF_YA = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي"})
_TA_MARBUTA = str.maketrans({"ة": "ه"})


def strip_marks(text: str) -> str:
    """Remove every combining mark (any script) and tatweel: the widest stripping, for matching."""
    return _ALL_MARKS.sub("", text)


def strip_nonspacing_marks(text: str) -> str:
    """Remove non-spacing marks (\\p{Mn}: harakat, dagger alef, ...) and tatweel."""
    return _NONSPACING_MARKS.sub("", text)


def strip_harakat(text: str, *, dagger_alef: bool = True, further_marks: bool = False) -> str:
    """Remove the harakat U+064B-U+0652 and tatweel; with `dagger_alef` also U+0670, with
    `further_marks` also U+0653-U+065F. Only Arabic marks go: other scripts' marks stay."""
    return _HARAKAT[(dagger_alef, further_marks)].sub("", text)


def unify_alef_ya(text: str) -> str:
    """أ/إ/آ/ٱ -> ا and alef maqsura ى -> ي: spellings news text uses interchangeably."""
    return text.translate(_ALEF_YA)


def unify_ta_marbuta(text: str) -> str:
    """ة -> ه: final ta marbuta and ha are often confused in news text."""
    return text.translate(_TA_MARBUTA)
