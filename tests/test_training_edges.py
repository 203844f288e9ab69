"""Training at the edges: an empty or over-long training file is refused at validation, SIGTERM/SIGINT
save a checkpoint and say how to resume, the loss after a resume covers the whole run, and the run
records the hashes of its inputs."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

import pytest

from isnad_tagger.files import sha256_file
from isnad_tagger.training.stop_signal import whole_run_loss

from test_training import config_for, data_file, run_cli  # noqa: F401 - data_file is a fixture


def test_an_empty_training_file_is_refused_with_its_name(tmp_path, tiny_encoder):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n", encoding="utf-8")
    result = run_cli("train", "--config", str(config_for(tmp_path, tiny_encoder, empty, "empty", dev_file=None)))
    assert result.returncode == 2, result.stderr[-2000:]
    assert f"{empty}: no records" in result.stderr and "Traceback" not in result.stderr


def test_a_record_over_the_length_limit_is_refused_at_its_line(tmp_path, tiny_encoder, data_file):
    long = tmp_path / "long.jsonl"
    lines = data_file.read_text(encoding="utf-8").splitlines()
    lines.insert(2, json.dumps({"id": "book", "text": "قال الوزير " * 300, "spans": []}, ensure_ascii=False))
    long.write_text("\n".join(lines) + "\n", encoding="utf-8")
    config = config_for(tmp_path, tiny_encoder, long, "long", max_record_chars=2000)
    started = time.time()
    result = run_cli("train", "--config", str(config))
    assert result.returncode == 2, result.stderr[-2000:]
    assert f"{long}:3: record 'book' has 3,300 characters, more than max_record_chars (2,000)" in result.stderr
    assert time.time() - started < 60 and not (tmp_path / "long" / "model.safetensors").exists()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_stop_signal_saves_a_checkpoint_and_resume_finishes_the_same_run(tmp_path, tiny_encoder, data_file, signum):
    settings = dict(save_strategy="no", max_steps=400, logging_steps=7)  # no scheduled checkpoint at all
    straight = config_for(tmp_path, tiny_encoder, data_file, "straight", **settings)
    stopped = config_for(tmp_path, tiny_encoder, data_file, "stopped", **settings)
    assert run_cli("train", "--config", str(straight)).returncode == 0

    process = subprocess.Popen([sys.executable, "-m", "isnad_tagger.cli", "train", "--config", str(stopped)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    stderr = ""
    while "isnad-tagger train: inputs" not in stderr:  # printed once signals are answered, before the model is built
        assert time.time() < deadline and process.poll() is None, "training ended before it started"
        stderr += process.stderr.readline()
    process.send_signal(signum)  # at once: 400 tiny steps can take under 4 s, so waiting may miss the loop
    rest = process.communicate(timeout=120)[1]
    assert process.returncode == 128 + signum, rest[-2000:]
    message = rest.strip().splitlines()[-1]
    assert f"stopped by {signal.Signals(signum).name} at step" in message and "with --resume" in message, message
    step = int(message.split(" at step ")[1].split()[0])
    assert 0 < step < 400, "the signal must land inside the training loop"
    checkpoint = tmp_path / "stopped-checkpoints" / f"checkpoint-{step}"
    assert str(checkpoint) in message and (checkpoint / "trainer_state.json").is_file()
    assert not (tmp_path / "stopped" / "model.safetensors").exists()

    resumed = run_cli("train", "--config", str(stopped), "--resume")
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    info = json.loads((tmp_path / "stopped" / "isnad_training.json").read_text())
    reference = json.loads((tmp_path / "straight" / "isnad_training.json").read_text())
    assert info["resumed_step"] == step and info["global_step"] == reference["global_step"] == 400
    # The Trainer alone reports the mean of the resumed steps; the record covers all 400.
    assert info["train_loss"] == pytest.approx(reference["train_loss"], rel=1e-3)
    assert info["train_loss_this_process"] != pytest.approx(reference["train_loss"], rel=1e-3)
    assert info["eval"] == reference["eval"]


def test_whole_run_loss_adds_the_logged_steps_before_the_resume():
    log = [{"step": 10, "loss": 2.0}, {"step": 20, "loss": 1.0}, {"step": 20, "eval_loss": 9.0}, {"step": 30, "loss": 0.5}]
    # resumed at 20: steps 1-20 sum to 30; the resumed part (10 steps) averaged 0.5
    assert whole_run_loss(0.5, 30, 20, log) == pytest.approx((30 + 5) / 30)
    # a resume 5 steps after the last log counts those steps at the last logged mean
    assert whole_run_loss(0.5, 30, 25, log[:2]) == pytest.approx((30 + 5 * 1.0 + 0.5 * 5) / 30)
    assert whole_run_loss(0.7, 30, 0, log) == 0.7


def test_training_records_the_hashes_of_its_inputs(trained_checkpoint, tiny_encoder):
    info = json.loads((trained_checkpoint / "isnad_training.json").read_text())
    inputs = info["inputs"]
    assert inputs["base_model_files"]["model.safetensors"] == sha256_file(tiny_encoder / "model.safetensors")
    assert set(inputs["base_model_files"]) >= {"config.json", "tokenizer.json"}
    (train_file,) = info["config"]["train_files"]
    assert inputs["data_files"][train_file] == sha256_file(train_file)
    settings = inputs["settings"]
    assert settings["seed"] == info["config"]["seed"] and settings["torch_threads"] >= 1 and settings["cpu_capability"]


def test_excluded_records_are_left_out_and_a_wrong_id_is_an_error(tmp_path, tiny_encoder, data_file):
    first_id = json.loads(data_file.read_text(encoding="utf-8").splitlines()[0])["id"]
    wrong = run_cli("train", "--config", str(config_for(tmp_path, tiny_encoder, data_file, "wrong", exclude_records=["no/such/id"])))
    assert wrong.returncode == 2 and "exclude_records: 1 ids are in no training file, e.g. 'no/such/id'" in wrong.stderr
    config = config_for(tmp_path, tiny_encoder, data_file, "fewer", exclude_records=[first_id], epochs=1)
    assert run_cli("train", "--config", str(config)).returncode == 0
    info = json.loads((tmp_path / "fewer" / "isnad_training.json").read_text())
    assert info["train_records"] == 5 and info["config"]["exclude_records"] == [first_id]


def test_the_decoding_setting_is_trained_into_the_checkpoint(tmp_path, tiny_encoder, data_file):
    config = config_for(tmp_path, tiny_encoder, data_file, "viterbi", decoding="viterbi", epochs=2, test_file=str(data_file))
    result = run_cli("train", "--config", str(config))
    assert result.returncode == 0, result.stderr[-2000:]
    saved = json.loads((tmp_path / "viterbi" / "config.json").read_text())
    assert saved["isnad"]["decoding"] == "viterbi"
    from isnad_tagger.tagger import Tagger

    assert Tagger.from_pretrained(tmp_path / "viterbi").contract.decoding == "viterbi"
    bad = run_cli("train", "--config", str(config_for(tmp_path, tiny_encoder, data_file, "bad", decoding="beam")))
    assert bad.returncode == 2 and "decoding must be one of argmax, viterbi" in bad.stderr
