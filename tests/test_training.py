"""Training end to end on the tiny model: checkpoint format, resume after SIGKILL, two processes,
determinism, and failing early on bad setup."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from safetensors.torch import load_file

from isnad_tagger.data import convert
from isnad_tagger.layout import HeadLayout
from isnad_tagger.training.config import load_config

from conftest import MADE_UP, TINY_TRAINING, write_config


@pytest.fixture()
def data_file(tmp_path) -> Path:
    path = tmp_path / "train.jsonl"
    convert(MADE_UP, path)
    return path


def config_for(tmp_path, encoder, data, name, **overrides) -> Path:
    settings = {**TINY_TRAINING, "epochs": 10, "model_name_or_path": str(encoder), "train_files": [str(data)],
                "dev_file": str(data), "output_dir": str(tmp_path / name), "save_strategy": "no", **overrides}
    return write_config(tmp_path / f"{name}.yaml", **settings)


def run_cli(*args, env=None, timeout=300):
    return subprocess.run([sys.executable, "-m", "isnad_tagger.cli", *args], capture_output=True, text=True, timeout=timeout, env=env)


def test_checkpoint_loads_with_plain_auto_classes(trained_checkpoint):
    from transformers import AutoModelForTokenClassification, AutoTokenizer

    model = AutoModelForTokenClassification.from_pretrained(trained_checkpoint)
    AutoTokenizer.from_pretrained(trained_checkpoint)
    config = json.loads((trained_checkpoint / "config.json").read_text())
    assert config["id2label"]["0"] == "ACTOR:O" and len(config["id2label"]) == 34
    assert HeadLayout.from_config(model.config).num_labels == model.config.num_labels
    info = json.loads((trained_checkpoint / "isnad_training.json").read_text())
    assert info["world_size"] == 1 and info["train_records"] == 6


def test_same_seed_gives_identical_metrics_and_weights(tmp_path, tiny_encoder, data_file):
    from isnad_tagger.training.train import train

    runs = [train(load_config(config_for(tmp_path, tiny_encoder, data_file, f"run{i}"))) for i in range(2)]
    assert runs[0]["eval"] == runs[1]["eval"] and runs[0]["train_loss"] == runs[1]["train_loss"]
    a, b = (load_file(tmp_path / f"run{i}" / "model.safetensors") for i in range(2))
    assert all((a[k] == b[k]).all() for k in a)


def test_resume_after_sigkill_matches_an_uninterrupted_run(tmp_path, tiny_encoder, data_file):
    settings = dict(save_strategy="steps", save_steps=4, max_steps=24, save_total_limit=10)
    straight = config_for(tmp_path, tiny_encoder, data_file, "straight", **settings)
    killed = config_for(tmp_path, tiny_encoder, data_file, "killed", **settings)
    assert run_cli("train", "--config", str(straight)).returncode == 0

    process = subprocess.Popen([sys.executable, "-m", "isnad_tagger.cli", "train", "--config", str(killed)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    from isnad_tagger.training.checkpoints import incomplete_reason

    checkpoints = tmp_path / "killed-checkpoints"  # beside the model folder, which stays publishable
    while not (checkpoints / "checkpoint-8").is_dir() or incomplete_reason(checkpoints / "checkpoint-8"):
        assert time.time() < deadline and process.poll() is None, "training ended before a checkpoint"
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert not (tmp_path / "killed" / "model.safetensors").exists()  # it really died mid-run
    # A kill during a save leaves a half-written folder (seen in CI); make one for sure.
    steps = [int(p.name.split("-")[1]) for p in checkpoints.glob("checkpoint-*")]
    half_written = checkpoints / f"checkpoint-{max(steps) + 4}"
    half_written.mkdir(exist_ok=True)
    (half_written / "trainer_state.json").unlink(missing_ok=True)

    resumed = run_cli("train", "--config", str(killed), "--resume")
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert f"skipping incomplete checkpoint {half_written}" in resumed.stderr
    info = json.loads((tmp_path / "killed" / "isnad_training.json").read_text())
    reference = json.loads((tmp_path / "straight" / "isnad_training.json").read_text())
    assert info["resumed_from"] and info["global_step"] == reference["global_step"] == 24
    assert info["eval"] == reference["eval"]
    a, b = load_file(tmp_path / "killed" / "model.safetensors"), load_file(tmp_path / "straight" / "model.safetensors")
    assert all(float((a[k] - b[k]).abs().max()) < 1e-5 for k in a)


def test_two_processes_really_run(tmp_path, tiny_encoder, data_file):
    """torchrun (gloo on CPU) is the real 2-process path here; accelerate 1.15's `launch --cpu
    --num_processes 2` starts one process without MPI (see README)."""
    import isnad_tagger.training.train as entry

    config = config_for(tmp_path, tiny_encoder, data_file, "ddp", epochs=2)
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2", entry.__file__, "--config", str(config)],
        capture_output=True, text=True, timeout=300, env=env,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    info = json.loads((tmp_path / "ddp" / "isnad_training.json").read_text())
    assert info["world_size"] == 2 and info["parallel_mode"] == "distributed"
    assert (tmp_path / "ddp" / "model.safetensors").is_file() and "dev" in info["eval"]


def test_bad_data_line_fails_before_training(tmp_path, tiny_encoder, data_file):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(data_file.read_text(encoding="utf-8") + '{"id": "x", "text": "قال", "spans": [{"start": 0, "end": 2, "label": "STANCE", "type": "report"}]}\n', encoding="utf-8")
    result = run_cli("train", "--config", str(config_for(tmp_path, tiny_encoder, bad, "bad")))
    assert result.returncode != 0
    assert f"{bad}:7" in result.stderr and "word boundaries" in result.stderr
    assert not (tmp_path / "bad").exists() or not any((tmp_path / "bad").iterdir())


def test_unwritable_output_fails_before_training(tmp_path, tiny_encoder, data_file):
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "file").write_text("x")
    result = run_cli("train", "--config", str(config_for(tmp_path, tiny_encoder, data_file, "locked_out", output_dir=str(locked / "file" / "out"))))
    assert result.returncode != 0 and "not writable" in result.stderr


def test_config_errors_name_the_setting(tmp_path):
    path = write_config(tmp_path / "c.yaml", model_name_or_path="x", train_files=["a.jsonl"], output_dir="o", warmup_ratios=0.1)
    with pytest.raises(ValueError, match="unknown setting\\(s\\) warmup_ratios"):
        load_config(path)
    path = write_config(tmp_path / "d.yaml", model_name_or_path="x", train_files=["a.jsonl"], output_dir="o", learning_rate="fast")
    with pytest.raises(ValueError, match="'learning_rate' must be a number"):
        load_config(path)
    assert load_config(path, ["learning_rate=1e-3"]).learning_rate == 1e-3


def _probe_many(path, count, failures):
    from isnad_tagger.training.train import check_output_dir

    for _ in range(count):
        try:
            check_output_dir(path)
        except SystemExit:
            failures.value += 1


def test_ranks_probing_one_output_folder_at_once_do_not_trip_each_other(tmp_path):
    """torchrun ranks all check the output folder at start; a shared probe file name let one rank
    delete the other's probe, which then failed as 'not writable' (seen as a flaky 2-process run)."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    failures = context.Value("i", 0)
    workers = [context.Process(target=_probe_many, args=(tmp_path, 1500, failures)) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert failures.value == 0 and not list(tmp_path.iterdir())


def test_gradient_accumulation_equals_a_larger_batch(tmp_path, tiny_encoder, data_file):
    """Regression: with transformers 5 the Trainer passes num_items_in_batch (BERT's forward takes
    **kwargs) and skips dividing by the accumulation steps, while the loss was a per-micro-batch
    mean: GA=k made every update k times too large. GA=2 at batch 3 must equal GA=1 at batch 6."""
    import shutil

    import torch

    from isnad_tagger.training.train import train

    encoder = tmp_path / "no-dropout"  # dropout draws masks per call, so 2 x 3 rows differ from 6 rows at once
    shutil.copytree(tiny_encoder, encoder)
    settings = json.loads((encoder / "config.json").read_text())
    settings.update(hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0, classifier_dropout=0.0)
    (encoder / "config.json").write_text(json.dumps(settings))
    common = dict(epochs=1, max_steps=3, o_tag_weight=0.3, dev_file=None, logging_steps=1)
    big = train(load_config(config_for(tmp_path, encoder, data_file, "big", batch_size=6, gradient_accumulation_steps=1, **common)))
    small = train(load_config(config_for(tmp_path, encoder, data_file, "acc", batch_size=3, gradient_accumulation_steps=2, **common)))
    assert big["global_step"] == small["global_step"] == 3
    a, b = load_file(tmp_path / "big" / "model.safetensors"), load_file(tmp_path / "acc" / "model.safetensors")
    base = load_file(tiny_encoder / "model.safetensors")
    moved = max((a[f"bert.{k}"] - base[k]).abs().max().item() for k in base if f"bert.{k}" in a)
    assert moved > 1e-3  # the steps really changed the weights
    # Adam turns float-level gradient differences into ~2e-5 weight differences; the bug gave 0.036
    assert all(torch.allclose(a[k], b[k], atol=1e-4, rtol=1e-4) for k in a)
    assert abs(big["train_loss"] - small["train_loss"]) < 1e-4


def test_trainer_settings_pass_through_and_typos_are_named(tmp_path, tiny_encoder, data_file):
    config = load_config(config_for(tmp_path, tiny_encoder, data_file, "pass", trainer={"lr_scheduler_type": "constant", "max_grad_norm": 0.5}))
    assert config.trainer == {"lr_scheduler_type": "constant", "max_grad_norm": 0.5}
    assert load_config(config_for(tmp_path, tiny_encoder, data_file, "cli"), ["trainer.bf16=true"]).trainer == {"bf16": True}
    with pytest.raises(ValueError, match="trainer.lr_sheduler_type is not a transformers TrainingArguments setting \\(did you mean lr_scheduler_type"):
        load_config(config_for(tmp_path, tiny_encoder, data_file, "typo", trainer={"lr_sheduler_type": "constant"}))
    with pytest.raises(ValueError, match="trainer.learning_rate cannot be set here: set the top-level 'learning_rate'"):
        load_config(config_for(tmp_path, tiny_encoder, data_file, "owned", trainer={"learning_rate": 0.1}))
    with pytest.raises(ValueError, match="fp16 is a Trainer setting\\(s\\): put them under 'trainer:'"):
        load_config(config_for(tmp_path, tiny_encoder, data_file, "flat"), ["fp16=true"])


def test_a_trainer_setting_reaches_the_trainer(tmp_path, tiny_encoder, data_file):
    from isnad_tagger.training.train import train

    info = train(load_config(config_for(tmp_path, tiny_encoder, data_file, "const", epochs=1, max_steps=2, dev_file=None,
                                        trainer={"lr_scheduler_type": "constant", "max_grad_norm": 0.25})))
    assert info["global_step"] == 2
    assert info["trainer_settings"] == {"lr_scheduler_type": "constant", "max_grad_norm": 0.25}  # as TrainingArguments holds them


def test_relative_paths_resolve_against_the_config_folder(tmp_path):
    folder = tmp_path / "configs"
    folder.mkdir()
    (tmp_path / "base").mkdir()
    path = write_config(folder / "c.yaml", model_name_or_path="../base", train_files=["../data/train.jsonl"], output_dir="../out",
                        dev_file="dev.jsonl")
    config = load_config(path)
    assert config.model_name_or_path == str(tmp_path / "base") and config.train_files == [str(tmp_path / "data" / "train.jsonl")]
    assert config.output_dir == str(tmp_path / "out") and config.dev_file == str(folder / "dev.jsonl")
    hub = load_config(write_config(folder / "h.yaml", model_name_or_path="aubmindlab/bert-base-arabertv02", train_files=["a.jsonl"], output_dir="o"))
    assert hub.model_name_or_path == "aubmindlab/bert-base-arabertv02"


def test_missing_base_model_fails_before_data_or_output_folder(tmp_path, data_file):
    out = tmp_path / "never-created"
    config = config_for(tmp_path, tmp_path / "no-such-encoder", data_file, "x", output_dir=str(out))
    result = run_cli("train", "--config", str(config))
    assert result.returncode == 2 and "base model folder" in result.stderr and "does not exist" in result.stderr
    assert "Traceback" not in result.stderr and not out.exists()


def test_bad_data_creates_no_output_folder(tmp_path, tiny_encoder):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "text": "قال", "spans": [{"start": 0, "end": 9, "label": "STANCE", "type": "report"}]}\n', encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("train", "--config", str(config_for(tmp_path, tiny_encoder, bad, "bad", output_dir=str(out))))
    assert result.returncode == 2 and f"{bad}:1" in result.stderr and "Traceback" not in result.stderr and not out.exists()


def test_a_normalizer_without_its_package_names_the_extra(monkeypatch):
    import sys

    from isnad_tagger import normalize
    from isnad_tagger.errors import MissingDependencyError

    monkeypatch.setitem(sys.modules, "arabert", None)  # as if the optional package were not installed
    monkeypatch.setitem(sys.modules, "arabert.preprocess", None)
    normalize._arabert_preprocessor.cache_clear()
    try:
        with pytest.raises(MissingDependencyError, match=r"pip install 'isnad-tagger\[arabert\]'"):
            normalize.get_normalizer("arabert")
    finally:
        normalize._arabert_preprocessor.cache_clear()
