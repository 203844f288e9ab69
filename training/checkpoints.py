"""Pick the checkpoint to resume from, skipping one a kill left half-written.

`transformers.trainer_utils.get_last_checkpoint` returns the highest-numbered folder even when the
process died while writing it; `Trainer` writes `trainer_state.json` last, so a folder whose state
parses and whose weights exist is complete.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

CHECKPOINT_DIR = re.compile(r"^checkpoint-(\d+)$")
WEIGHT_FILES = ("model.safetensors", "model.safetensors.index.json", "pytorch_model.bin")


def incomplete_reason(folder: Path) -> str | None:
    """Why a checkpoint folder cannot be resumed from, or None when it can."""
    state = folder / "trainer_state.json"
    if not state.is_file():
        return "no trainer_state.json (written last, so the save was interrupted)"
    try:
        json.loads(state.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        return "trainer_state.json is truncated"
    if not any((folder / name).is_file() for name in WEIGHT_FILES):
        return "no model weights"
    return None


def last_complete_checkpoint(output_dir: Path) -> tuple[Path | None, list[tuple[Path, str]]]:
    """The newest resumable checkpoint in output_dir and the newer folders skipped, with reasons."""
    if not output_dir.is_dir():
        return None, []
    numbered = [(int(m.group(1)), p) for p in output_dir.iterdir() if p.is_dir() and (m := CHECKPOINT_DIR.match(p.name))]
    skipped: list[tuple[Path, str]] = []
    for _, folder in sorted(numbered, reverse=True):
        reason = incomplete_reason(folder)
        if reason is None:
            return folder, skipped
        skipped.append((folder, reason))
    return None, skipped
