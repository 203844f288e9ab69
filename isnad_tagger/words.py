"""Word boundaries as the spec defines them, and the pre-tokens the model reads.

A word is a maximal run of letters, digits, combining marks (diacritics) and tatweel (a letter in
Unicode). Every other non-space character is a pre-token of its own (punctuation, quotes, symbols),
so the model still sees it, but spans may only start and end on words.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import regex

WORD_PATTERN = regex.compile(r"[\p{L}\p{N}\p{M}]+")
PRETOKEN_PATTERN = regex.compile(r"[\p{L}\p{N}\p{M}]+|[^\s\p{L}\p{N}\p{M}]")


@dataclass(frozen=True)
class Token:
    """A pre-token with its end-exclusive character offsets into the original text."""

    start: int
    end: int
    is_word: bool


def iter_words(text: str) -> Iterator[tuple[int, int]]:
    for match in WORD_PATTERN.finditer(text):
        yield match.start(), match.end()


def pretokenize(text: str) -> list[Token]:
    """Split text into words and single punctuation/symbol characters; whitespace is dropped."""
    tokens = []
    for match in PRETOKEN_PATTERN.finditer(text):
        start, end = match.span()
        tokens.append(Token(start, end, WORD_PATTERN.fullmatch(text, start, end) is not None))
    return tokens


def is_word_char(char: str) -> bool:
    return WORD_PATTERN.fullmatch(char) is not None


def on_word_boundaries(text: str, start: int, end: int) -> bool:
    """True when [start, end) starts at a word start and ends at a word end (spec: whole words)."""
    if not (0 <= start < end <= len(text)):
        return False
    if not (is_word_char(text[start]) and is_word_char(text[end - 1])):
        return False
    starts_word = start == 0 or not is_word_char(text[start - 1])
    ends_word = end == len(text) or not is_word_char(text[end])
    return starts_word and ends_word
