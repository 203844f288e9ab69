"""ONNX export: same spans as PyTorch (fp32), int8 loads and agrees closely, provenance recorded."""

from __future__ import annotations

import json

import pytest

from isnad_tagger import Tagger
from isnad_tagger.onnx_export import export_onnx

TEXTS = [
    "وقال المتحدث باسم الوزارة إن الحكومة قد تعلن القرار غداً.",
    "نفى مصدر مسؤول في «وزارة الداخلية» صحة الأنباء، ولم يتسنَّ التحقق منها.",
    "وذكرت وكالة رويترز أن المحادثات ربما تستأنف. " * 40,
]


@pytest.fixture(scope="module")
def exported(trained_checkpoint, tmp_path_factory):
    out = tmp_path_factory.mktemp("onnx")
    return export_onnx(trained_checkpoint, out), out


def keys(docs):
    return [[(s["start"], s["end"], s["label"], s["type"]) for s in doc] for doc in docs]


def test_onnx_fp32_gives_the_same_spans_as_torch(trained_checkpoint, exported):
    _, folder = exported
    torch_docs = Tagger.from_pretrained(trained_checkpoint).predict(TEXTS)
    onnx_docs = Tagger.from_pretrained(folder, backend="onnx").predict(TEXTS)
    assert keys(onnx_docs) == keys(torch_docs)
    for t_doc, o_doc in zip(torch_docs, onnx_docs):
        for t, o in zip(t_doc, o_doc):
            assert abs(t["score"] - o["score"]) < 1e-4


def test_int8_model_loads_and_mostly_agrees(trained_checkpoint, exported):
    _, folder = exported
    fp32 = {k for doc in keys(Tagger.from_pretrained(folder, backend="onnx").predict(TEXTS)) for k in doc}
    int8 = {k for doc in keys(Tagger.from_pretrained(folder, backend="onnx", quantized=True).predict(TEXTS)) for k in doc}
    assert fp32 and len(fp32 & int8) / len(fp32 | int8) > 0.5


def test_provenance_names_the_source_checkpoint(trained_checkpoint, exported):
    paths, _ = exported
    provenance = json.loads(paths["provenance"].read_text())
    assert provenance["source_checkpoint"] == str(trained_checkpoint.resolve())
    assert set(provenance["files"]) == {"fp32", "int8"} and provenance["opset"] == 17
    assert provenance["int8"]["per_channel"] is True and provenance["int8"]["weight_type"] == "QInt8"
    assert "model.safetensors" in provenance["source_weights_sha256"]
    loaded = Tagger.from_pretrained(paths["fp32"].parent, backend="onnx", quantized=True)
    assert loaded.provenance["source_checkpoint"] == str(trained_checkpoint.resolve())


def test_default_export_lives_in_the_checkpoint(trained_checkpoint, tmp_path):
    import shutil

    folder = tmp_path / "ck"
    shutil.copytree(trained_checkpoint, folder)
    export_onnx(folder, quantize=False)
    assert (folder / "onnx" / "model.onnx").is_file()
    assert keys(Tagger.from_pretrained(folder, backend="onnx").predict(TEXTS[:1])) == keys(Tagger.from_pretrained(folder).predict(TEXTS[:1]))


def test_torch_backend_on_an_onnx_only_folder_says_so(trained_checkpoint, tmp_path):
    import pytest

    from isnad_tagger import Tagger
    from isnad_tagger.onnx_export import export_onnx
    from isnad_tagger.spans import IsnadDataError

    export_onnx(trained_checkpoint, tmp_path / "onnx-only", quantize=False)
    with pytest.raises(IsnadDataError, match="has no PyTorch weights .*holds ONNX files \\(model.onnx\\): load it with backend='onnx'"):
        Tagger.from_pretrained(tmp_path / "onnx-only")


def test_static_int8_gives_the_same_spans_alone_and_batched(trained_checkpoint, tmp_path):
    """Dynamic int8 scales activations per call over the whole batch; calibrated (static) scales are
    fixed, so a text's spans cannot depend on its neighbours."""
    from isnad_tagger.data import read_records
    from isnad_tagger.onnx_export import export_onnx
    from isnad_tagger.tagger import Tagger

    from conftest import MADE_UP

    texts = [r.text for r in read_records(MADE_UP)]
    export_onnx(trained_checkpoint, tmp_path / "onnx", int8="static", calibration_texts=texts)
    provenance = json.loads((tmp_path / "onnx" / "isnad_onnx.json").read_text())
    assert provenance["int8"]["method"].startswith("onnxruntime quantize_static") and provenance["int8"]["calibration_windows"] >= len(texts)
    tagger = Tagger.from_pretrained(tmp_path / "onnx", backend="onnx", quantized=True)
    probe = texts + [t + " " + u for t, u in zip(texts, reversed(texts))]
    batched = tagger.predict(probe)
    assert [tagger.predict(t) for t in probe] == batched


def test_static_int8_without_calibration_texts_is_refused(trained_checkpoint, tmp_path):
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "isnad_tagger.cli", "export-onnx", "--model", str(trained_checkpoint),
                             "--output", str(tmp_path / "o"), "--int8", "static"], capture_output=True, text=True)
    assert result.returncode == 2 and "static int8 needs calibration texts" in result.stderr
