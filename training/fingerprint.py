"""What decides a training run's weights, hashed and recorded, so two runs can be compared file by file.

Printed when training starts and written to isnad_training.json ("inputs"): the sha256 of the base
model's files and of every data file, and the settings outside the config that change the numbers
(seed, library versions, thread counts, the CPU kernel family torch dispatches to, the GPU). Two runs
with equal fingerprints on one machine give byte-identical weights; across machines the kernel family
and thread count are the usual reason they do not (README, "Reproducibility").
"""

from __future__ import annotations

import os
import platform
from pathlib import Path

from isnad_tagger.files import sha256_file
from isnad_tagger.training.config import TrainConfig

# Files of a model folder that decide its weights and tokenization (not its card or eval results).
MODEL_FILE_SUFFIXES = (".safetensors", ".json", ".model", ".txt")
NOT_INPUTS = {"README.md", "isnad_training.json", "trainer_state.json"}


def model_files(name_or_path: str) -> dict[str, str] | str:
    """sha256 per weight/config/tokenizer file of a local model folder; a Hub id is recorded as is."""
    folder = Path(name_or_path)
    if not folder.is_dir():
        return f"hub:{name_or_path}"
    return {
        entry.name: sha256_file(entry)
        for entry in sorted(folder.iterdir())
        if entry.is_file() and entry.suffix in MODEL_FILE_SUFFIXES and entry.name not in NOT_INPUTS and not entry.name.startswith("eval_")
    }


def library_versions() -> dict[str, str]:
    import importlib.metadata as md

    return {name: md.version(name) for name in ("isnad-tagger", "transformers", "torch", "datasets", "accelerate", "tokenizers")}


def runtime_settings(seed: int) -> dict[str, object]:
    import torch

    settings: dict[str, object] = {
        "seed": seed,
        "versions": library_versions(),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "torch_threads": torch.get_num_threads(),
        "torch_interop_threads": torch.get_num_interop_threads(),
        "cpu_capability": torch.backends.cpu.get_cpu_capability(),
        "omp_num_threads": os.environ.get("OMP_NUM_THREADS"),
        "world_size": int(os.environ.get("WORLD_SIZE", 1)),
    }
    if torch.cuda.is_available():
        settings["cuda"] = f"{torch.cuda.device_count()} x {torch.cuda.get_device_name(0)} (CUDA {torch.version.cuda})"
    return settings


def run_fingerprint(config: TrainConfig) -> dict[str, object]:
    data = [*config.train_files, *config.partial_files, config.dev_file, config.test_file]
    return {
        "base_model": config.model_name_or_path,
        "base_model_files": model_files(config.model_name_or_path),
        "data_files": {path: sha256_file(path) for path in dict.fromkeys(p for p in data if p)},
        "settings": runtime_settings(config.seed),
    }


def describe_fingerprint(fingerprint: dict) -> str:
    """The fingerprint as a few lines for the log (hashes cut to 12 hex digits)."""
    lines = ["isnad-tagger train: inputs (sha256):"]
    files = fingerprint["base_model_files"]
    if isinstance(files, dict):
        for name, digest in files.items():
            lines.append(f"  base  {digest[:12]}  {Path(fingerprint['base_model']) / name}")
    else:
        lines.append(f"  base  {files}")
    for path, digest in fingerprint["data_files"].items():
        lines.append(f"  data  {digest[:12]}  {path}")
    settings = fingerprint["settings"]
    lines.append("  settings  " + ", ".join(f"{key}={value}" for key, value in settings.items()))
    return "\n".join(lines)
