"""Checks that a model folder is what it claims to be, before it tags anything: a broken or swapped model
must be refused, not return plausible wrong spans. transformers only warns about missing weights and
falls back to a stub tokenizer, and ONNX Runtime runs any graph, so these checks are ours."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from isnad_tagger.errors import ModelLoadError
from isnad_tagger.files import sha256_file
from isnad_tagger.hub import TOKENIZER_VOCABULARIES


def check_tokenizer_files(folder: Path) -> None:
    if not any((folder / name).is_file() for name in TOKENIZER_VOCABULARIES):
        raise ModelLoadError(f"{folder} has no tokenizer files (none of {', '.join(TOKENIZER_VOCABULARIES)}): copy the "
                             "tokenizer the model was trained with into the folder (tokenizer.save_pretrained)")


def check_loading_info(model_dir: Path, info: dict[str, Any]) -> None:
    """transformers' loading info: every weight the architecture needs came from the file, and every
    tensor in the file was used."""
    problems = []
    for key, what in (("missing_keys", "weights the model needs are not in the file"),
                      ("unexpected_keys", "tensors in the file are not used by the model"),
                      ("mismatched_keys", "tensors have the wrong shape")):
        names = sorted(str(k if isinstance(k, str) else k[0]) for k in info.get(key) or [])
        if names:
            shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
            problems.append(f"{len(names)} {what} ({shown})")
    if problems:
        raise ModelLoadError(f"{model_dir / 'model.safetensors'} does not match {model_dir / 'config.json'}: "
                             + "; ".join(problems) + ". The weights and the config come from different models, or the file is damaged")


def check_onnx_hash(onnx_path: Path, provenance: dict) -> None:
    """The file is the one export-onnx wrote (isnad_onnx.json records its sha256)."""
    recorded = {entry.get("name"): entry.get("sha256") for entry in (provenance.get("files") or {}).values() if isinstance(entry, dict)}
    if onnx_path.name not in recorded:
        raise ModelLoadError(f"{onnx_path}: not recorded in {onnx_path.parent / 'isnad_onnx.json'} (which lists "
                             f"{', '.join(sorted(map(str, recorded))) or 'no files'}); re-export, or pass verify_hashes=False "
                             "(CLI: --no-verify-hashes) for a file you built yourself")
    actual = sha256_file(onnx_path)
    if actual != recorded[onnx_path.name]:
        raise ModelLoadError(f"{onnx_path}: sha256 {actual[:12]}... differs from the exported file's {str(recorded[onnx_path.name])[:12]}... "
                             f"recorded in isnad_onnx.json: the file was replaced or damaged; re-export, or pass verify_hashes=False "
                             "(CLI: --no-verify-hashes) for a file you built yourself")


def check_onnx_signature(session: Any, onnx_path: Path, num_labels: int) -> None:
    """Inputs input_ids and attention_mask, output logits with one score per label of the config."""
    inputs = {i.name for i in session.get_inputs()}
    outputs = {o.name: o for o in session.get_outputs()}
    if not {"input_ids", "attention_mask"} <= inputs or "logits" not in outputs:
        raise ModelLoadError(f"{onnx_path}: not an Isnad export (inputs {sorted(inputs)}, outputs {sorted(outputs)}; expected "
                             "inputs input_ids and attention_mask, output logits)")
    width = outputs["logits"].shape[-1] if outputs["logits"].shape else None
    if isinstance(width, int) and width != num_labels:
        raise ModelLoadError(f"{onnx_path}: the graph scores {width} labels, its config.json {num_labels}")
