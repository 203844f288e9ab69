"""Every shipped config loads, and the Hub configs' code path (Hub id, WordPiece tokenizer, their
normalizer) runs offline on a local BERT placed in the Hub cache under the same id."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from isnad_tagger.data import convert
from isnad_tagger.normalize import get_normalizer
from isnad_tagger.training.config import load_config

from conftest import MADE_UP

CONFIGS = Path(__file__).resolve().parent.parent / "configs"


@pytest.mark.parametrize("path", sorted(CONFIGS.glob("*.yaml")), ids=lambda p: p.name)
def test_config_loads_and_its_settings_are_valid(path):
    config = load_config(path)
    get_normalizer(config.normalizer)
    assert config.train_files and config.output_dir


@pytest.mark.parametrize("name", ["arabertv02.yaml", "camelbert-msa.yaml"])
def test_hub_config_runs_offline_on_a_same_class_local_model(name, tmp_path, tiny_encoder):
    config = load_config(CONFIGS / name)
    assert "/" in config.model_name_or_path and not Path(config.model_name_or_path).exists()  # a Hub id
    commit = "a" * 40
    org, repo = config.model_name_or_path.split("/")
    snapshot = tmp_path / "hub" / f"models--{org}--{repo}" / "snapshots" / commit
    shutil.copytree(tiny_encoder, snapshot)
    (snapshot.parent.parent / "refs").mkdir()
    (snapshot.parent.parent / "refs" / "main").write_text(commit)
    data = tmp_path / "train.jsonl"
    convert(MADE_UP, data)
    env = {**os.environ, "HF_HUB_CACHE": str(tmp_path / "hub"), "HF_HUB_OFFLINE": "1"}
    overrides = [f"train_files=[{data}]", f"dev_file={data}", f"test_file={data}", f"output_dir={tmp_path / 'out'}",
                 "max_steps=2", "max_length=64", "stride=16", "batch_size=2", "save_strategy=no"]
    result = subprocess.run([sys.executable, "-m", "isnad_tagger.cli", "train", "--config", str(CONFIGS / name),
                             *[a for o in overrides for a in ("--set", o)]], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    saved = json.loads((tmp_path / "out" / "config.json").read_text())
    assert saved["isnad"]["normalizer"] == config.normalizer and saved["id2label"]["0"] == "ACTOR:O"
    assert json.loads((tmp_path / "out" / "isnad_training.json").read_text())["global_step"] == 2
