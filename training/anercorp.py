"""ANERcorp (Benajiba et al. 2007) as auxiliary ACTOR supervision, converted to span JSONL.

Why and how:
- ANERcorp is news text with person and organisation names, which is what ACTOR spans mark, so its
  PERS and ORG entities become ACTOR spans. LOC is not mapped: a place is an actor only when it stands
  for a government ("قالت واشنطن"), and BIO tags cannot tell those uses apart. MISC is dropped.
- The file is one "token TAG" per line with no sentence or document markers; a sentence ends at a "."
  token. The sentence text is rebuilt by joining its tokens with single spaces, and spans are character
  offsets into exactly that text. A line whose token part holds several whitespace-separated pieces
  gives one token per piece with the line's tag; a line with an empty token is skipped. Both are counted.
- Span boundaries must fall on word boundaries (isnad_tagger.words). Tokens may carry punctuation (quotes,
  brackets, direction marks) at an entity edge; such spans are trimmed to the outermost word characters,
  and a span with no word character at all is dropped. Both are counted in the stats, never silent.
- Split: there are no document markers, so consecutive sentences are grouped into pseudo-documents of
  CHUNK_SIZE (20) sentences, `chunk-000`, `chunk-001`, ... in file order. The first 80% of chunks
  (rounded) are train, the next 10% dev, the rest test. Position-based and fixed (no seed), so anyone
  rebuilds the same split; neighbouring sentences (often the same article) stay in one split.
- Sentences without any word character (e.g. a lone ".") are skipped and counted.

The public NER yardstick (all four types, `NER_SCHEMA`) uses instead the CAMeL Lab split that AraBERT
and CAMeLBERT report on (camel.abudhabi.nyu.edu/anercorp): middle and bold periods (· •) become ".",
U+200F is removed, a sentence ends after a run of one or more "." tokens, and the sentences holding
the first 5/6 of the words are train, the rest test (CAMeL: 125,102 / 25,008 words). Their release
also fixed a few tag spellings; this copy has none to fix (its tags are all valid BIO).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from pathlib import Path

from isnad_tagger.data import write_records
from isnad_tagger.decoding import bio_segments
from isnad_tagger.labels import FAMILY_BY_NAME, Family, by_name, schema_from_mapping
from isnad_tagger.spans import Record, Span, span_problems
from isnad_tagger.words import is_word_char

LICENSE = "research-only (ANERcorp, Benajiba et al. 2007)"
CHUNK_SIZE = 20
SPLIT_FRACTIONS = (("train", 0.8), ("dev", 0.1), ("test", 0.1))
ACTOR_TYPES = frozenset({"PERS", "ORG"})
SENTENCE_END = "."
NER_TYPES = ("PERS", "ORG", "LOC", "MISC")
NER_SCHEMA: tuple[Family, ...] = schema_from_mapping({"NER": list(NER_TYPES)})
CAMEL_PERIODS = str.maketrans({"\u00b7": ".", "\u2022": "."})
CAMEL_TRAIN_FRACTION = 5 / 6
# entity kind -> (span label, span type) for the two uses of the corpus
ACTOR_MAPPING: dict[str, tuple[str, str | None]] = {kind: ("ACTOR", None) for kind in ACTOR_TYPES}
NER_MAPPING: dict[str, tuple[str, str | None]] = {kind: ("NER", kind) for kind in NER_TYPES}

Token = tuple[str, str]  # (token, BIO tag)


def parse_tokens(content: str, stats: Counter[str] | None = None) -> list[list[Token]]:
    """Read "token TAG" lines into sentences (lists of tokens), each ending at a "." token."""
    stats = stats if stats is not None else Counter()
    sentences: list[list[Token]] = []
    current: list[Token] = []
    for number, raw in enumerate(content.split("\n"), start=1):
        line = raw.rstrip("\r")
        if not line.strip():
            continue
        parts = line.split()
        tag = parts[-1]
        if not (tag == "O" or tag[:2] in ("B-", "I-")):
            raise ValueError(f"line {number}: last field {tag!r} is not a BIO tag")
        pieces = parts[:-1]
        if not pieces:
            stats["lines with an empty token (skipped)"] += 1
            continue
        if len(pieces) > 1:
            stats["lines with several token pieces (split)"] += 1
        for piece in pieces:
            current.append((piece, tag))
        if pieces == [SENTENCE_END]:
            sentences.append(current)
            current = []
    if current:
        sentences.append(current)
    return sentences


def entities(tags: list[str], stats: Counter[str]) -> list[tuple[int, int, str]]:
    """BIO decoding (isnad_tagger.decoding) into (first token, last token + 1, type); an I- without its B-
    starts an entity, and is counted."""
    found = bio_segments(tags)
    repaired = sum(tags[first].startswith("I-") for first, _, _ in found)
    if repaired:
        stats["I- tags without a preceding B- (started an entity)"] += repaired
    return found


def trim_to_words(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Shrink [start, end) to its outermost word characters; None when it holds none."""
    while start < end and not is_word_char(text[start]):
        start += 1
    while end > start and not is_word_char(text[end - 1]):
        end -= 1
    return (start, end) if start < end else None


def sentence_to_text_and_spans(
    tokens: list[Token],
    stats: Counter[str],
    mapping: Mapping[str, tuple[str, str | None]] = ACTOR_MAPPING,
    families: Mapping[str, Family] = FAMILY_BY_NAME,
) -> tuple[str, list[Span]]:
    """Join tokens with single spaces and turn mapped entities (PERS/ORG -> ACTOR by default) into
    spans on that text."""
    starts: list[int] = []
    position = 0
    for token, _ in tokens:
        starts.append(position)
        position += len(token) + 1
    text = " ".join(token for token, _ in tokens)
    spans: list[Span] = []
    for first, stop, kind in entities([tag for _, tag in tokens], stats):
        stats[f"entities {kind}"] += 1
        if kind not in mapping:
            continue
        label, type_ = mapping[kind]
        start, end = starts[first], starts[stop - 1] + len(tokens[stop - 1][0])
        span = Span(start, end, label, type_)
        if span_problems(text, [span], families):
            trimmed = trim_to_words(text, start, end)
            if trimmed is None or span_problems(text, [Span(*trimmed, label, type_)], families):
                stats[f"{label} spans dropped (no valid word boundaries)"] += 1
                continue
            stats[f"{label} spans trimmed to word boundaries"] += 1
            span = Span(*trimmed, label, type_)
        spans.append(span)
        stats[f"{label} spans"] += 1
    return text, spans


def split_of_chunk(index: int, n_chunks: int) -> str:
    """Position-based split: first 80% of chunks train, next 10% dev, the rest test."""
    n_train = round(n_chunks * SPLIT_FRACTIONS[0][1])
    n_dev = round(n_chunks * SPLIT_FRACTIONS[1][1])
    return "train" if index < n_train else "dev" if index < n_train + n_dev else "test"


def convert(content: str, chunk_size: int = CHUNK_SIZE) -> tuple[dict[str, list[Record]], Counter[str]]:
    """ANERcorp file content -> records per split, plus counts of everything changed or dropped."""
    stats: Counter[str] = Counter()
    sentences = parse_tokens(content, stats)
    stats["sentences"] = len(sentences)
    n_chunks = (len(sentences) + chunk_size - 1) // chunk_size
    out: dict[str, list[Record]] = {name: [] for name, _ in SPLIT_FRACTIONS}
    for number, tokens in enumerate(sentences):
        chunk, within = divmod(number, chunk_size)
        text, spans = sentence_to_text_and_spans(tokens, stats)
        if not any(is_word_char(c) for c in text):
            stats["sentences without words (skipped)"] += 1
            continue
        doc_id = f"chunk-{chunk:03d}"
        split = split_of_chunk(chunk, n_chunks)
        meta = {"corpus": "anercorp", "doc_id": doc_id, "license": LICENSE, "split": split}
        out[split].append(Record(f"anercorp/{doc_id}/s{within}", text, spans, meta))
    stats["pseudo-documents"] = n_chunks
    return out, stats


def convert_file(source: str | Path, out_dir: str | Path, chunk_size: int = CHUNK_SIZE) -> Counter[str]:
    """Convert ANERCorp.txt and write <out_dir>/{train,dev,test}.jsonl; returns the stats."""
    records, stats = convert(Path(source).read_text(encoding="utf-8"), chunk_size)
    for split, rows in records.items():
        write_records(rows, Path(out_dir) / f"{split}.jsonl")
        stats[f"records {split}"] = len(rows)
        stats[f"ACTOR spans {split}"] = sum(len(r.spans) for r in rows)
    return stats


# ---- the public NER yardstick: four types, CAMeL Lab split ------------------------------------

def camel_sentences(content: str, stats: Counter[str]) -> list[list[Token]]:
    """Tokens with the CAMeL corrections applied, cut into sentences after runs of "." tokens."""
    tokens: list[Token] = []
    for token, tag in (t for sentence in parse_tokens(content, stats) for t in sentence):
        cleaned = token.translate(CAMEL_PERIODS).replace("\u200f", "")
        if not cleaned:
            stats["tokens that were only U+200F (removed)"] += 1
            continue
        stats["tokens with a middle/bold period or U+200F (cleaned)"] += cleaned != token
        tokens.append((cleaned, tag))
    sentences: list[list[Token]] = []
    current: list[Token] = []
    for i, (token, tag) in enumerate(tokens):
        current.append((token, tag))
        if token == SENTENCE_END and (i + 1 == len(tokens) or tokens[i + 1][0] != SENTENCE_END):
            sentences.append(current)
            current = []
    if current:
        sentences.append(current)
    return sentences


def convert_ner(content: str) -> tuple[dict[str, list[Record]], Counter[str]]:
    """ANERcorp -> NER records (label NER, type PERS/ORG/LOC/MISC) in the CAMeL train/test split."""
    stats: Counter[str] = Counter()
    sentences = camel_sentences(content, stats)
    total = sum(len(s) for s in sentences)
    families = by_name(NER_SCHEMA)
    out: dict[str, list[Record]] = {"train": [], "test": []}
    seen = 0
    for number, tokens in enumerate(sentences):
        split = "train" if seen < total * CAMEL_TRAIN_FRACTION else "test"
        seen += len(tokens)
        stats[f"words {split}"] += len(tokens)
        text, spans = sentence_to_text_and_spans(tokens, stats, NER_MAPPING, families)
        if not any(is_word_char(c) for c in text):
            stats["sentences without words (skipped)"] += 1
            continue
        meta = {"corpus": "anercorp", "doc_id": f"sentence-{number:05d}", "license": LICENSE, "split": f"camel-{split}"}
        out[split].append(Record(f"anercorp-ner/{number:05d}", text, spans, meta))
    return out, stats


def convert_ner_file(source: str | Path, out_dir: str | Path) -> Counter[str]:
    """Write <out_dir>/{train,test}.jsonl of the NER yardstick; returns the stats."""
    records, stats = convert_ner(Path(source).read_text(encoding="utf-8"))
    for split, rows in records.items():
        write_records(rows, Path(out_dir) / f"{split}.jsonl")
        stats[f"records {split}"] = len(rows)
    return stats
