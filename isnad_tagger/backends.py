"""Model runtimes behind Tagger: PyTorch and ONNX Runtime share one call signature, so all pre- and
post-processing (windows, batching, decoding) is the same code for both."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Iterator, Protocol

import numpy as np

from isnad_tagger.spans import IsnadDataError

ONNX_DIRNAME = "onnx"
ONNX_FP32 = "model.onnx"
ONNX_INT8 = "model_int8.onnx"
ONNX_PROVENANCE = "isnad_onnx.json"


class Backend(Protocol):
    def __call__(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
        """(batch, length) int64 arrays -> (batch, length, num_labels) float32 logits."""


def resolve_model_dir(name_or_path: str) -> Path:
    """A local folder as is; a Hub id through the Hub cache (works offline when cached)."""
    path = Path(name_or_path)
    if path.is_dir():
        return path
    if path.exists():
        raise IsnadDataError(f"model path {name_or_path!r} is a file; pass the checkpoint folder")
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import HFValidationError

    # A Hub id is "org/name"; anything with more parts or a path prefix was meant as a folder.
    looks_like_path = name_or_path.startswith((".", "/", "~")) or name_or_path.count("/") > 1
    try:
        return Path(snapshot_download(name_or_path))
    except HFValidationError:
        raise IsnadDataError(f"model folder {name_or_path!r} not found (no such folder, and not a Hub id)") from None
    except Exception as error:  # network, missing repo, offline cache miss: all mean "not found"
        where = "folder" if looks_like_path else "folder or Hub model"
        raise IsnadDataError(
            f"model {where} {name_or_path!r} not found: not a local folder, and the Hub lookup failed "
            f"({type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''})"
        ) from None


@contextlib.contextmanager
def quiet_loading() -> Iterator[None]:
    """No "Loading weights" progress bar per load (it is noise in library use); the caller's own
    transformers progress-bar setting is restored afterwards."""
    from transformers.utils import logging

    was_enabled = logging.is_progress_bar_enabled()
    logging.disable_progress_bar()
    try:
        yield
    finally:
        if was_enabled:
            logging.enable_progress_bar()


class TorchBackend:
    def __init__(self, model, device: str | None = None) -> None:
        import torch

        self.torch = torch
        self.device = device or ("cuda" if torch.cuda.is_available() else "cpu")
        self.model = model.to(self.device).eval()

    @classmethod
    def load(cls, model_dir: Path, device: str | None = None, allow_pickle: bool = False) -> "TorchBackend":
        from transformers import AutoModelForTokenClassification

        has_safetensors = any(model_dir.glob("*.safetensors"))
        has_pickle = any(model_dir.glob("pytorch_model*.bin"))
        if not has_safetensors and not has_pickle:
            onnx = [p.name for p in (*model_dir.glob("*.onnx"), *model_dir.glob(f"{ONNX_DIRNAME}/*.onnx"))]
            hint = f"; it holds ONNX files ({', '.join(sorted(onnx))}): load it with backend='onnx' (CLI: --backend onnx)" if onnx else ""
            raise IsnadDataError(f"{model_dir} has no PyTorch weights (model.safetensors){hint}")
        if not has_safetensors and not allow_pickle:
            raise IsnadDataError(
                f"{model_dir} has no .safetensors weights; pickle checkpoints (pytorch_model.bin) can run "
                "arbitrary code when loaded and are refused. Pass allow_pickle=True only for a file you trust."
            )
        with quiet_loading():
            model = AutoModelForTokenClassification.from_pretrained(
                model_dir, use_safetensors=has_safetensors, trust_remote_code=False
            )
        return cls(model, device)

    def __call__(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
        torch = self.torch
        with torch.inference_mode():
            out = self.model(
                input_ids=torch.from_numpy(input_ids).to(self.device),
                attention_mask=torch.from_numpy(attention_mask).to(self.device),
            )
        return out.logits.float().cpu().numpy()


class OnnxBackend:
    def __init__(self, onnx_path: Path, threads: int | None = None) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        if threads:
            options.intra_op_num_threads = threads
        self.path = onnx_path
        self.session = ort.InferenceSession(str(onnx_path), options, providers=["CPUExecutionProvider"])

    @staticmethod
    def find(model_dir: Path, quantized: bool) -> Path:
        """The ONNX file inside a checkpoint (its onnx/ folder) or an export folder."""
        name = ONNX_INT8 if quantized else ONNX_FP32
        for candidate in (model_dir / ONNX_DIRNAME / name, model_dir / name):
            if candidate.is_file():
                return candidate
        raise IsnadDataError(
            f"no {name} in {model_dir} or {model_dir / ONNX_DIRNAME}; run `isnad-tagger export-onnx --model {model_dir}` first"
        )

    def __call__(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
        (logits,) = self.session.run(["logits"], {"input_ids": input_ids, "attention_mask": attention_mask})
        return logits


def read_provenance(onnx_path: Path) -> dict:
    path = onnx_path.parent / ONNX_PROVENANCE
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
