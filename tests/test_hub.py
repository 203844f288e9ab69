"""Publishing and loading like the Hub ecosystem, offline: clean model folders, the files an upload
selects, save_pretrained round trips, and Hub ids resolved through a real huggingface_hub cache."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import MADE_UP, TINY_TRAINING, write_config
from isnad_tagger import IsnadDataError
from isnad_tagger.hub import backend_files, published_files, push_folder


@pytest.fixture(scope="module")
def onnx_checkpoint(trained_checkpoint, tmp_path_factory) -> Path:
    """The trained checkpoint with its onnx/ export, plus the debris a careless folder holds."""
    from isnad_tagger.onnx_export import export_onnx

    model = tmp_path_factory.mktemp("publish") / "model"
    shutil.copytree(trained_checkpoint, model)
    export_onnx(model)
    (model / "checkpoint-9").mkdir()
    (model / "checkpoint-9" / "optimizer.pt").write_bytes(b"state")
    (model / "checkpoint-9" / "model.safetensors").write_bytes(b"old")
    (model / "training_args.bin").write_bytes(b"pickle")
    (model / "out.jsonl.partial").write_text("{}")
    return model


def test_training_leaves_a_clean_model_folder(tiny_encoder, tmp_path):
    from isnad_tagger.data import convert
    from isnad_tagger.training.config import load_config
    from isnad_tagger.training.train import train

    data = tmp_path / "train.jsonl"
    convert(MADE_UP, data)
    settings = {**TINY_TRAINING, "epochs": 2}
    config = write_config(tmp_path / "c.yaml", model_name_or_path=str(tiny_encoder), train_files=[str(data)], test_file=str(data),
                          output_dir=str(tmp_path / "model"), save_strategy="epoch", save_total_limit=1, **settings)
    train(load_config(config))
    files = sorted(p.name for p in (tmp_path / "model").iterdir())
    assert not [f for f in files if f.startswith("checkpoint-") or f.endswith((".bin", ".pt", ".pkl"))], files
    assert {"model.safetensors", "config.json", "tokenizer.json", "README.md", "isnad_training.json", "eval_test.json"} <= set(files)
    checkpoints = sorted(p.name for p in (tmp_path / "model-checkpoints").iterdir())
    assert checkpoints and all(c.startswith("checkpoint-") for c in checkpoints)


def test_upload_selects_exactly_the_publishable_files(onnx_checkpoint):
    files = published_files(onnx_checkpoint)
    assert {"model.safetensors", "config.json", "tokenizer.json", "tokenizer_config.json", "README.md", "eval_test.json",
            "isnad_training.json", "onnx/model.onnx", "onnx/model_int8.onnx", "onnx/config.json", "onnx/isnad_onnx.json",
            "onnx/tokenizer.json"} <= set(files)
    assert not [f for f in files if f.startswith("checkpoint-") or f.endswith((".bin", ".pt", ".partial"))], files
    on_disk = {p.relative_to(onnx_checkpoint).as_posix() for p in onnx_checkpoint.rglob("*") if p.is_file()}
    assert set(files) <= on_disk


class RecordingApi:
    """Stands in for HfApi at the network boundary (no Hub here) and records what would be sent."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict]] = []

    def create_repo(self, repo_id, **kwargs):
        self.calls.append(("create_repo", {"repo_id": repo_id, **kwargs}))

    def upload_folder(self, **kwargs):
        self.calls.append(("upload_folder", kwargs))
        return "commit"


def test_push_folder_creates_the_repo_and_uploads_in_one_commit(onnx_checkpoint):
    api = RecordingApi()
    push_folder(onnx_checkpoint, "my-org/isnad-tiny", private=True, api=api)
    (name, create), (_, upload) = api.calls
    assert name == "create_repo" and create["repo_id"] == "my-org/isnad-tiny" and create["exist_ok"] and create["private"]
    assert upload["allow_patterns"] == published_files(onnx_checkpoint) and upload["repo_type"] == "model"


def test_push_refuses_a_folder_without_a_card(onnx_checkpoint, tmp_path):
    bare = tmp_path / "bare"
    shutil.copytree(onnx_checkpoint, bare)
    (bare / "README.md").unlink()
    with pytest.raises(IsnadDataError, match="no model card"):
        push_folder(bare, "my-org/x", api=RecordingApi())


def test_push_cli_documents_and_lists_the_upload(onnx_checkpoint):
    run = lambda *a: subprocess.run([sys.executable, "-m", "isnad_tagger.cli", *map(str, a)], capture_output=True, text=True, timeout=120)
    help_text = run("push", "--help").stdout
    assert "--repo" in help_text and "Never uploaded" in help_text and "HF_TOKEN" in help_text
    dry = run("push", "--model", onnx_checkpoint, "--repo", "my-org/x", "--dry-run")
    assert dry.returncode == 0 and dry.stdout.split() == published_files(onnx_checkpoint)


def test_backend_files_fetch_only_what_the_backend_needs(onnx_checkpoint):
    import fnmatch

    def chosen(backend, quantized=False):
        patterns = backend_files(backend, quantized)
        return {f for f in published_files(onnx_checkpoint) if any(fnmatch.fnmatch(f, p) for p in patterns)}

    int8 = chosen("onnx", quantized=True)
    assert "onnx/model_int8.onnx" in int8 and "onnx/model.onnx" not in int8 and "model.safetensors" not in int8
    torch_files = chosen("torch")
    assert "model.safetensors" in torch_files and not [f for f in torch_files if f.startswith("onnx/")]


def hub_cache(model: Path, cache: Path, repo_id: str, revision: str = "main") -> Path:
    """The layout huggingface_hub's cache uses (models--org--name/{refs,snapshots}), as a download leaves it."""
    commit = "0123456789abcdef0123456789abcdef01234567"
    repo = cache / f"models--{repo_id.replace('/', '--')}"
    (repo / "refs").mkdir(parents=True)
    (repo / "refs" / revision).write_text(commit)
    shutil.copytree(model, repo / "snapshots" / commit, ignore=shutil.ignore_patterns("checkpoint-*", "*.bin", "*.partial"))
    return cache


def test_hub_id_loads_through_the_cache_with_revision_and_cache_dir(onnx_checkpoint, tmp_path):
    from isnad_tagger import Tagger

    cache = hub_cache(onnx_checkpoint, tmp_path / "cache", "my-org/isnad-tiny", revision="v1")
    text = "وقال المتحدث إن الحكومة قد تعلن القرار"
    expected = Tagger.from_pretrained(onnx_checkpoint).predict(text)
    for backend in ("torch", "onnx"):
        tagger = Tagger.from_pretrained("my-org/isnad-tiny", backend=backend, revision="v1", cache_dir=cache, local_files_only=True)
        assert tagger.predict(text) == expected or backend == "onnx"
    with pytest.raises(IsnadDataError, match="Hub lookup failed"):
        Tagger.from_pretrained("my-org/isnad-tiny", revision="v2", cache_dir=cache, local_files_only=True)


def test_save_pretrained_round_trips_both_backends(onnx_checkpoint, tmp_path):
    from transformers import AutoModelForTokenClassification, AutoTokenizer

    from isnad_tagger import Tagger

    texts = ["وقال المتحدث إن الحكومة قد تعلن القرار", "نفى مصدر مسؤول الأنباء"]
    torch_tagger = Tagger.from_pretrained(onnx_checkpoint)
    saved = torch_tagger.save_pretrained(tmp_path / "torch")
    assert Tagger.from_pretrained(saved).predict(texts) == torch_tagger.predict(texts)
    AutoModelForTokenClassification.from_pretrained(saved), AutoTokenizer.from_pretrained(saved)  # plain transformers
    assert (saved / "README.md").is_file() and not list(saved.glob("*.bin"))
    onnx_tagger = Tagger.from_pretrained(onnx_checkpoint, backend="onnx", quantized=True)
    saved_onnx = onnx_tagger.save_pretrained(tmp_path / "onnx")
    assert Tagger.from_pretrained(saved_onnx, backend="onnx", quantized=True).predict(texts) == onnx_tagger.predict(texts)
    with pytest.raises(IsnadDataError, match="loaded from"):
        torch_tagger.save_pretrained(onnx_checkpoint)


def test_devices_are_named_when_missing(onnx_checkpoint):
    import onnxruntime
    import torch

    from isnad_tagger import Tagger

    tagger = Tagger.from_pretrained(onnx_checkpoint, device="cpu")
    assert tagger.to("cpu") is tagger and tagger.device == "cpu"
    if not torch.cuda.is_available():
        with pytest.raises(IsnadDataError, match="no CUDA device"):
            tagger.to("cuda")
    if "CUDAExecutionProvider" not in onnxruntime.get_available_providers():
        with pytest.raises(IsnadDataError, match="onnxruntime-gpu"):
            Tagger.from_pretrained(onnx_checkpoint, backend="onnx", device="cuda")
    threads = Tagger.from_pretrained(onnx_checkpoint, backend="onnx", threads=1)
    assert threads.backend.session.get_session_options().intra_op_num_threads == 1


def test_init_config_and_version(tmp_path):
    run = lambda *a: subprocess.run([sys.executable, "-m", "isnad_tagger.cli", *map(str, a)], capture_output=True, text=True, timeout=120)
    from isnad_tagger import __version__

    assert run("--version").stdout.strip() == f"isnad-tagger {__version__}"
    out = tmp_path / "my.yaml"
    assert run("init-config", "arabertv02", "--output", out).returncode == 0
    from isnad_tagger.training.config import load_config

    config = load_config(out)
    assert config.train_files == [str(tmp_path / "data" / "gold" / "train.jsonl")]
    assert config.model_name_or_path == "aubmindlab/bert-base-arabertv02"
    again = run("init-config", "arabertv02", "--output", out)
    assert again.returncode == 2 and "never overwrites" in again.stderr
