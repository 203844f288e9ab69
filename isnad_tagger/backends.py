"""Model runtimes behind Tagger: PyTorch and ONNX Runtime share one call signature, so all pre- and
post-processing (windows, batching, decoding) is the same code for both."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Iterator, Protocol

import numpy as np

from isnad_tagger.spans import IsnadDataError

ONNX_DIRNAME = "onnx"  # the export's folder inside a checkpoint
ONNX_FP32 = "model.onnx"
ONNX_INT8 = "model_int8.onnx"
ONNX_PROVENANCE = "isnad_onnx.json"


class Backend(Protocol):
    def __call__(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
        """(batch, length) int64 arrays -> (batch, length, num_labels) float32 logits."""


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
        self.model = model.eval()
        self.to(device or ("cuda" if torch.cuda.is_available() else "cpu"))

    def to(self, device: str) -> None:
        """Move the model; a CUDA device on a machine without one is named, not a deep torch error."""
        torch = self.torch
        if str(device).startswith("cuda") and not torch.cuda.is_available():
            raise IsnadDataError(f"device {device!r} asked for, but torch sees no CUDA device (a CPU-only torch build, or no GPU)")
        self.device = str(device)
        self.model.to(self.device)

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
        from isnad_tagger.errors import ModelLoadError, first_line
        from isnad_tagger.verify import check_loading_info

        try:
            with quiet_loading():
                model, info = AutoModelForTokenClassification.from_pretrained(
                    model_dir, use_safetensors=has_safetensors, trust_remote_code=False, output_loading_info=True
                )
        except Exception as error:  # corrupt file (SafetensorError), bad config, shape mismatch: all mean unloadable
            if isinstance(error, IsnadDataError):
                raise
            raise ModelLoadError(f"{model_dir}: the PyTorch checkpoint cannot be loaded ({type(error).__name__}: {first_line(error)})") from None
        check_loading_info(model_dir, info)
        return cls(model, device)

    def save(self, directory: Path, contract) -> None:
        """Weights (safetensors) and config, the contract written into the config."""
        contract.to_config(self.model.config)
        self.model.save_pretrained(directory)

    def __call__(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
        torch = self.torch
        with torch.inference_mode():
            out = self.model(
                input_ids=torch.from_numpy(input_ids).to(self.device),
                attention_mask=torch.from_numpy(attention_mask).to(self.device),
            )
        return out.logits.float().cpu().numpy()


def onnx_providers(device: str | None, providers: list[str] | None = None) -> list[str]:
    """ONNX Runtime execution providers for a device: CUDA needs the onnxruntime-gpu build."""
    import onnxruntime as ort

    available = ort.get_available_providers()
    if providers:
        missing = [p for p in providers if p not in available]
        if missing:
            raise IsnadDataError(f"ONNX Runtime providers {missing} are not available here (available: {available})")
        return list(providers)
    if device is None or device == "cpu":
        return ["CPUExecutionProvider"]
    if str(device).startswith("cuda"):
        if "CUDAExecutionProvider" not in available:
            raise IsnadDataError(
                f"device {device!r} with the ONNX backend needs the CUDA build of ONNX Runtime: "
                "pip uninstall onnxruntime && pip install onnxruntime-gpu"
            )
        return ["CUDAExecutionProvider", "CPUExecutionProvider"]
    raise IsnadDataError(f"device {device!r} is not supported by the ONNX backend: use 'cpu' or 'cuda[:N]'")


class OnnxBackend:
    def __init__(self, onnx_path: Path, threads: int | None = None, device: str | None = None, providers: list[str] | None = None) -> None:
        self.path = onnx_path
        self.threads = threads
        self.device = device or "cpu"
        self._open(onnx_providers(device, providers))

    def _open(self, providers: list[str]) -> None:
        import onnxruntime as ort

        from isnad_tagger.errors import ModelLoadError, first_line

        options = ort.SessionOptions()
        if self.threads:
            options.intra_op_num_threads = self.threads
        device_id = int(self.device.split(":")[1]) if self.device.startswith("cuda:") else 0
        chosen = [(p, {"device_id": device_id}) if p == "CUDAExecutionProvider" else p for p in providers]
        try:
            self.session = ort.InferenceSession(str(self.path), options, providers=chosen)
        except Exception as error:  # onnxruntime raises its own classes (InvalidProtobuf, Fail, ...) for a bad file
            raise ModelLoadError(f"{self.path}: not a loadable ONNX model ({type(error).__name__}: {first_line(error)})") from None

    def to(self, device: str) -> None:
        """Reopen the session on another device's providers."""
        providers = onnx_providers(device)
        self.device = str(device)
        self._open(providers)

    def save(self, directory: Path, contract) -> None:
        """The graph beside its config, tokenizer files and provenance, in directory/onnx/."""
        import shutil

        target = directory / ONNX_DIRNAME
        target.mkdir(parents=True, exist_ok=True)
        for path in self.path.parent.iterdir():
            if path.is_file() and (path == self.path or path.suffix != ".onnx"):
                shutil.copy2(path, target / path.name)
        from transformers import AutoConfig

        config = AutoConfig.from_pretrained(target)
        contract.to_config(config)
        config.save_pretrained(target)

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
    """isnad_onnx.json beside the graph ({} when there is none); a damaged one is an error, not ignored."""
    from isnad_tagger.errors import ModelLoadError

    path = onnx_path.parent / ONNX_PROVENANCE
    if not path.is_file():
        return {}
    try:
        provenance = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise ModelLoadError(f"{path}: damaged provenance file ({error}); re-export the model") from None
    if not isinstance(provenance, dict):
        raise ModelLoadError(f"{path}: damaged provenance file (not a JSON object); re-export the model")
    return provenance
