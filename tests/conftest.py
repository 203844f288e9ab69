"""Shared fixtures: tiny Arabic encoders and a tiny trained Isnad checkpoint, built offline."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

FIXTURES = Path(__file__).parent / "fixtures"
MADE_UP = FIXTURES / "made_up.txt"


@pytest.fixture(scope="session")
def made_up_records():
    from isnad_tagger.data import read_records

    return read_records(MADE_UP)


@pytest.fixture(scope="session", params=["wordpiece", "unigram"])
def tiny_tokenizer(request, tmp_path_factory, made_up_records):
    from transformers import AutoTokenizer

    from isnad_tagger.training.tiny_model import build_tiny_encoder

    path = build_tiny_encoder(tmp_path_factory.mktemp(f"enc-{request.param}"), request.param, [r.text for r in made_up_records])
    return AutoTokenizer.from_pretrained(path)


@pytest.fixture(scope="session")
def tiny_encoder(tmp_path_factory, made_up_records) -> Path:
    from isnad_tagger.training.tiny_model import build_tiny_encoder

    return build_tiny_encoder(tmp_path_factory.mktemp("encoder"), "wordpiece", [r.text for r in made_up_records])


def write_config(path: Path, **settings) -> Path:
    import yaml

    path.write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
    return path


TINY_TRAINING = dict(max_length=48, stride=12, batch_size=3, learning_rate=1e-2, warmup_ratio=0.0, epochs=40, logging_steps=20, seed=7)


@pytest.fixture(scope="session")
def trained_checkpoint(tmp_path_factory, tiny_encoder) -> Path:
    """A tiny model trained on the made-up fixture until it fits it (about 10 s on 2 cores)."""
    from isnad_tagger.training.config import load_config
    from isnad_tagger.training.train import train

    root = tmp_path_factory.mktemp("trained")
    data = root / "train.jsonl"
    from isnad_tagger.data import convert

    convert(MADE_UP, data)
    config = write_config(
        root / "config.yaml",
        model_name_or_path=str(tiny_encoder),
        train_files=[str(data)],
        test_file=str(data),
        output_dir=str(root / "model"),
        save_strategy="no",
        **TINY_TRAINING,
    )
    train(load_config(config))
    return root / "model"
