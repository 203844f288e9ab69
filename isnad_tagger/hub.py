"""The Hugging Face Hub side: which files a backend needs (so a download fetches only those), where a
model id resolves to, and which files of a model folder are published (never optimizer state or pickles)."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from isnad_tagger.backends import ONNX_DIRNAME, ONNX_FP32, ONNX_INT8, ONNX_PROVENANCE
from isnad_tagger.errors import first_line
from isnad_tagger.spans import IsnadDataError

# The files that hold a tokenizer's vocabulary (any one makes it loadable; isnad_tagger.verify checks for
# one), and the rest of a tokenizer's files.
TOKENIZER_VOCABULARIES = ("tokenizer.json", "vocab.txt", "sentencepiece.bpe.model", "spiece.model", "tokenizer.model")
TOKENIZER_FILES = [*TOKENIZER_VOCABULARIES, "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json"]
# The model card and the evaluation evidence it is written from.
CARD_FILES = ["README.md", "reliability.png", "eval_*.json", "isnad_training.json", "LICENSE*"]
# What a published model folder holds: weights, config, tokenizer, card and its evidence, the ONNX export.
PUBLISHED = ["*.safetensors", "model.safetensors.index.json", "config.json", *TOKENIZER_FILES, *CARD_FILES,
             f"{ONNX_DIRNAME}/*.onnx", f"{ONNX_DIRNAME}/*.json", f"{ONNX_DIRNAME}/*.onnx_data", f"{ONNX_DIRNAME}/*.txt",
             f"{ONNX_DIRNAME}/*.model"]
# Never published even when a pattern above matches: resumable training state and pickled Python objects.
NEVER_PUBLISHED = ["checkpoint-*/**", "*.bin", "*.pt", "*.pth", "*.pkl", "*.pickle", "*.partial", ".*"]


@dataclass(frozen=True)
class HubOptions:
    """What transformers' from_pretrained takes for the Hub, passed through to snapshot_download."""

    revision: str | None = None
    token: str | bool | None = None
    cache_dir: str | Path | None = None
    local_files_only: bool = False

    def as_kwargs(self) -> dict[str, Any]:
        return {"revision": self.revision, "token": self.token, "cache_dir": self.cache_dir, "local_files_only": self.local_files_only}


def backend_files(backend: str, quantized: bool = False) -> list[str]:
    """allow_patterns for one backend: the PyTorch weights or one ONNX graph, plus config and tokenizer."""
    if backend == "onnx":
        name = ONNX_INT8 if quantized else ONNX_FP32
        return [f"{ONNX_DIRNAME}/{name}", f"{ONNX_DIRNAME}/config.json", f"{ONNX_DIRNAME}/{ONNX_PROVENANCE}",
                *(f"{ONNX_DIRNAME}/{f}" for f in TOKENIZER_FILES), "config.json"]
    return ["*.safetensors", "model.safetensors.index.json", "config.json", *TOKENIZER_FILES]


def looks_like_path(name: str) -> bool:
    """A Hub id is "name" or "org/name"; anything with more parts or a path prefix was meant as a folder."""
    return name.startswith((".", "/", "~")) or name.count("/") > 1


def resolve_model_dir(name_or_path: str, hub: HubOptions = HubOptions(), allow_patterns: list[str] | None = None) -> Path:
    """A local folder as is; a Hub id through the Hub cache, fetching only allow_patterns (works offline
    when cached, or with local_files_only=True)."""
    path = Path(name_or_path)
    if path.is_dir():
        return path
    if path.exists():
        raise IsnadDataError(f"model path {name_or_path!r} is a file; pass the checkpoint folder")
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import HFValidationError

    try:
        return Path(snapshot_download(name_or_path, allow_patterns=allow_patterns, **hub.as_kwargs()))
    except HFValidationError:
        raise IsnadDataError(f"model folder {name_or_path!r} not found (no such folder, and not a Hub id)") from None
    except Exception as error:  # network, missing repo or revision, offline cache miss: all mean "not found"
        where = "folder" if looks_like_path(name_or_path) else "folder or Hub model"
        raise IsnadDataError(
            f"model {where} {name_or_path!r} not found: not a local folder, and the Hub lookup failed "
            f"({type(error).__name__}: {first_line(error)})"
        ) from None


def card_files(model_dir: Path) -> list[Path]:
    """The card and evaluation files of a model folder (what save_pretrained carries over)."""
    return sorted(p for pattern in CARD_FILES for p in model_dir.glob(pattern) if p.is_file())


def published_files(model_dir: Path) -> list[str]:
    """The files of a model folder that an upload sends, as sorted paths relative to the folder."""
    chosen = []
    for path in sorted(p for p in model_dir.rglob("*") if p.is_file()):
        relative = path.relative_to(model_dir).as_posix()
        if any(fnmatch.fnmatch(relative, pattern) for pattern in NEVER_PUBLISHED):
            continue
        if any(fnmatch.fnmatch(relative, pattern) for pattern in PUBLISHED):
            chosen.append(relative)
    return chosen


def push_folder(model_dir: str | Path, repo_id: str, *, token: str | None = None, private: bool | None = None,
                revision: str | None = None, commit_message: str | None = None, create_pr: bool = False, api: Any = None) -> Any:
    """Create the model repository if needed and upload the publishable files of model_dir in one commit."""
    folder = Path(model_dir)
    if not (folder / "config.json").is_file() and not (folder / ONNX_DIRNAME / "config.json").is_file():
        raise IsnadDataError(f"{folder} is not a model folder (no config.json): pass a folder written by training or save_pretrained")
    files = published_files(folder)
    if not (folder / "README.md").is_file():
        raise IsnadDataError(f"{folder} has no model card (README.md): train with a test_file, or write one before publishing")
    if api is None:
        from huggingface_hub import HfApi

        api = HfApi(token=token)
    api.create_repo(repo_id, repo_type="model", private=private, exist_ok=True, token=token)
    return api.upload_folder(repo_id=repo_id, folder_path=str(folder), repo_type="model", allow_patterns=files,
                             revision=revision, commit_message=commit_message or f"Upload {folder.name} with isnad-tagger",
                             create_pr=create_pr, token=token)
