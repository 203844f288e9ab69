"""A broken or swapped model is refused with a message naming the file, never loaded into wrong results."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from isnad_tagger import Tagger
from isnad_tagger.errors import ModelLoadError


@pytest.fixture(scope="module")
def exported(trained_checkpoint, tmp_path_factory) -> Path:
    from isnad_tagger.onnx_export import export_onnx

    model = tmp_path_factory.mktemp("verified") / "model"
    shutil.copytree(trained_checkpoint, model)
    export_onnx(model)
    return model


@pytest.fixture
def copy(exported, tmp_path) -> Path:
    target = tmp_path / "model"
    shutil.copytree(exported, target)
    return target


def test_a_swapped_onnx_file_is_refused_unless_asked(copy):
    shutil.copyfile(copy / "onnx" / "model_int8.onnx", copy / "onnx" / "model.onnx")
    with pytest.raises(ModelLoadError, match=r"model\.onnx: sha256 .* differs"):
        Tagger.from_pretrained(copy, backend="onnx")
    Tagger.from_pretrained(copy, backend="onnx", verify_hashes=False).predict("قال الوزير")  # the user's explicit choice


def test_an_unrelated_onnx_graph_is_refused(copy):
    import onnx
    from onnx import TensorProto, helper

    graph = helper.make_graph([helper.make_node("Identity", ["x"], ["y"])], "other",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])], [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), copy / "onnx" / "model.onnx")
    with pytest.raises(ModelLoadError, match="not an Isnad export"):
        Tagger.from_pretrained(copy, backend="onnx", verify_hashes=False)


def test_a_graph_with_another_label_count_is_refused(copy):
    config = json.loads((copy / "onnx" / "config.json").read_text())
    kept = [label for _, label in sorted(config["id2label"].items(), key=lambda kv: int(kv[0])) if not label.startswith("UNCERTAINTY:")]
    config["id2label"] = {str(i): label for i, label in enumerate(kept)}  # a config for three of the four families
    config["label2id"] = {label: i for i, label in enumerate(kept)}
    config["isnad"]["families"] = {k: v for k, v in (config["isnad"].get("families") or
                                   {"ACTOR": [], "SOURCE": ["named", "anonymous", "institution", "media", "document", "unspecified"],
                                    "STANCE": ["affirm", "report", "deny", "warn", "allege"]}).items() if k != "UNCERTAINTY"}
    (copy / "onnx" / "config.json").write_text(json.dumps(config))
    with pytest.raises(ModelLoadError, match=r"scores \d+ labels, its config.json \d+"):
        Tagger.from_pretrained(copy, backend="onnx")


def test_unrelated_safetensors_are_refused(copy):
    import torch
    from safetensors.torch import save_file

    save_file({"encoder.weight": torch.zeros(4, 4)}, str(copy / "model.safetensors"))
    with pytest.raises(ModelLoadError, match=r"model\.safetensors does not match .*config\.json: \d+ weights the model needs are not in the file .*1 tensors in the file are not used"):
        Tagger.from_pretrained(copy)


def test_a_config_with_another_depth_is_refused(copy):
    config = json.loads((copy / "config.json").read_text())
    config["num_hidden_layers"] = config["num_hidden_layers"] - 1
    (copy / "config.json").write_text(json.dumps(config))
    with pytest.raises(ModelLoadError, match=r"tensors in the file are not used by the model \(.*layer"):
        Tagger.from_pretrained(copy)


def test_a_folder_without_tokenizer_files_is_refused(copy):
    for name in ("tokenizer.json", "tokenizer_config.json", "vocab.txt", "special_tokens_map.json"):
        (copy / name).unlink(missing_ok=True)
    with pytest.raises(ModelLoadError, match="has no tokenizer files"):
        Tagger.from_pretrained(copy)


@pytest.mark.parametrize("damaged, backend, message", [
    ("model.safetensors", "torch", "PyTorch checkpoint cannot be loaded"),
    ("onnx/model.onnx", "onnx", "not a loadable ONNX model"),
    ("tokenizer.json", "torch", "tokenizer cannot be loaded"),
    ("onnx/isnad_onnx.json", "onnx", "damaged provenance file"),
])
def test_damaged_files_are_named(copy, damaged, backend, message):
    (copy / damaged).write_bytes(b"\x00garbage{" * 10)
    with pytest.raises(ModelLoadError, match=message):
        Tagger.from_pretrained(copy, backend=backend, verify_hashes=damaged != "onnx/model.onnx")


def test_the_cli_exits_3_on_a_model_it_cannot_load(copy, tmp_path):
    shutil.copyfile(copy / "onnx" / "model_int8.onnx", copy / "onnx" / "model.onnx")
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": "1", "text": "قال الوزير"}) + "\n")
    result = subprocess.run([sys.executable, "-m", "isnad_tagger.cli", "predict", "--model", str(copy), "--backend", "onnx",
                             "--input", str(source), "--output", str(tmp_path / "out.jsonl"), "--no-progress"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 3 and "Traceback" not in result.stderr and "model.onnx: sha256" in result.stderr
    assert not (tmp_path / "out.jsonl").exists()
