"""Text normalizers some base models expect, applied per pre-token so offsets never move.

A normalizer maps one pre-token string to the string the tokenizer sees; since each pre-token keeps
its own character offsets, spans still index the caller's original text.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Callable

import regex

from isnad_tagger.errors import MissingDependencyError

from isnad_tagger.arabic import strip_harakat

_SURROGATES = regex.compile(r"[\ud800-\udfff]")


def safe_for_tokenizer(token: str) -> str:
    """Lone surrogates cannot cross into the Rust tokenizer; each becomes U+FFFD (same length)."""
    return _SURROGATES.sub("\ufffd", token)


def strip_diacritics_tatweel(token: str) -> str:
    """What AraBERT v0.2 and CAMeLBERT were pre-trained on: no harakat (U+064B-U+0652), no dagger
    alef, no tatweel. Other marks (maddah, hamza above/below: U+0653-U+0655) are kept."""
    return strip_harakat(token, dagger_alef=True, further_marks=False)


def arabert_v2(token: str) -> str:
    """AraBERT v0.2's own ArabertPreprocessor (the `arabert` package), applied to one pre-token:
    it strips diacritics and tatweel, maps URLs/emails, and spaces punctuation, exactly as the model
    saw its pre-training text. Cached: news repeats its words."""
    return _arabert_cached(token)


@lru_cache(maxsize=200_000)
def _arabert_cached(token: str) -> str:
    return _arabert_preprocessor().preprocess(token)


@lru_cache(maxsize=1)
def _arabert_preprocessor():
    try:
        from arabert.preprocess import ArabertPreprocessor
    except ImportError:
        raise MissingDependencyError("the 'arabert' normalizer", "arabert", "arabert") from None
    return ArabertPreprocessor(model_name="bert-base-arabertv02")


NORMALIZERS: dict[str, Callable[[str], str]] = {
    "arabert": arabert_v2,
    "strip-diacritics": strip_diacritics_tatweel,
}


def get_normalizer(name: str | None) -> Callable[[str], str]:
    if name is None:
        return safe_for_tokenizer
    if name not in NORMALIZERS:
        raise ValueError(f"unknown normalizer {name!r} (known: {', '.join(NORMALIZERS)})")
    if name == "arabert":
        _arabert_preprocessor()  # fail here, at load, naming the extra, not deep inside the first map()
    inner = NORMALIZERS[name]
    return lambda token: safe_for_tokenizer(inner(token))
