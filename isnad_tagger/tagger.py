"""Tagger: load a checkpoint (folder or Hub id; PyTorch or ONNX) and predict spans with exact
character offsets into the caller's strings, for texts of any length."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

import numpy as np

from isnad_tagger.backends import Backend, OnnxBackend, TorchBackend, read_provenance
from isnad_tagger.contract import Contract
from isnad_tagger.decoding import decode_words, merge_window_logits
from isnad_tagger.encoding import EncodedText, Window, build_windows, encode_text
from isnad_tagger.hub import HubOptions, backend_files, resolve_model_dir
from isnad_tagger.layout import HeadLayout
from isnad_tagger.normalize import get_normalizer
from isnad_tagger.errors import ModelLoadError, first_line
from isnad_tagger.spans import IsnadDataError, Span
from isnad_tagger.verify import check_onnx_hash, check_onnx_signature, check_tokenizer_files

DEFAULT_BATCH_TOKENS = 8192


def check_texts(texts: Any) -> tuple[list[str], bool]:
    """Accept a string or a list/tuple of strings; reject anything else naming what is wrong."""
    if isinstance(texts, str):
        return [texts], True
    if isinstance(texts, (bytes, bytearray)):
        raise TypeError("predict() takes str, got bytes: decode it first (e.g. data.decode('utf-8'))")
    if not isinstance(texts, (list, tuple)):
        raise TypeError(f"predict() takes a str or a list of str, got {type(texts).__name__}")
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            raise TypeError(f"predict() item {i} is {type(text).__name__}, expected str")
    return list(texts), False


class Tagger:
    """Windows, batching and decoding around a backend, all as the checkpoint's contract says."""

    def __init__(
        self,
        backend: Backend,
        tokenizer,
        contract: Contract,
        batch_tokens: int = DEFAULT_BATCH_TOKENS,
        source: str = "",
    ) -> None:
        self.backend = backend
        self.tokenizer = tokenizer
        self.contract = contract
        self.batch_tokens = batch_tokens
        self.normalizer = get_normalizer(contract.normalizer)
        self.source = source
        # For an ONNX model: which checkpoint it was exported from (isnad_onnx.json), else {}.
        self.provenance: dict = {}

    @property
    def layout(self) -> HeadLayout:
        return self.contract.layout

    @property
    def max_length(self) -> int:
        return self.contract.max_length

    @property
    def stride(self) -> int:
        return self.contract.stride

    def with_contract(self, contract: Contract) -> "Tagger":
        """The same model under another contract (e.g. calibrated temperatures); self is unchanged."""
        other = Tagger(self.backend, self.tokenizer, contract, self.batch_tokens, self.source)
        other.provenance = self.provenance
        return other

    @classmethod
    def from_pretrained(
        cls,
        name_or_path: str | Path,
        backend: str = "torch",
        quantized: bool = False,
        device: str | None = None,
        allow_pickle: bool = False,
        *,
        revision: str | None = None,
        token: str | bool | None = None,
        cache_dir: str | Path | None = None,
        local_files_only: bool = False,
        threads: int | None = None,
        providers: list[str] | None = None,
        batch_tokens: int = DEFAULT_BATCH_TOKENS,
        verify_hashes: bool = True,
    ) -> "Tagger":
        """Load from a local folder or a Hub id (revision/token/cache_dir/local_files_only as in
        transformers; only the chosen backend's files are downloaded). backend="onnx" runs the exported
        model (int8 with quantized=True) with `threads` intra-op threads and the providers of `device`
        (or explicit `providers`); weights load only from safetensors unless allow_pickle=True. Loading is
        verified (isnad_tagger.verify): an ONNX file must have the sha256 its export recorded (verify_hashes=False
        skips that for hand-built files)."""
        from transformers import AutoTokenizer

        if backend not in ("torch", "onnx"):
            raise ValueError(f"backend must be 'torch' or 'onnx', got {backend!r}")
        hub = HubOptions(revision=revision, token=token, cache_dir=cache_dir, local_files_only=local_files_only)
        model_dir = resolve_model_dir(str(name_or_path), hub, allow_patterns=backend_files(backend, quantized))
        if backend == "onnx":
            onnx_path = OnnxBackend.find(model_dir, quantized)
            config_dir = onnx_path.parent
        else:
            config_dir = model_dir
        contract = Contract.from_pretrained(config_dir)  # fails early, before loading weights
        check_tokenizer_files(config_dir)
        provenance = read_provenance(onnx_path) if backend == "onnx" else {}
        if provenance and verify_hashes:
            check_onnx_hash(onnx_path, provenance)
        runtime: Backend = (
            OnnxBackend(onnx_path, threads=threads, device=device, providers=providers)
            if backend == "onnx"
            else TorchBackend.load(model_dir, device=device, allow_pickle=allow_pickle)
        )
        if isinstance(runtime, OnnxBackend):
            check_onnx_signature(runtime.session, onnx_path, contract.layout.num_labels)
        try:
            tokenizer = AutoTokenizer.from_pretrained(config_dir, trust_remote_code=False)
        except Exception as error:  # a damaged tokenizer.json raises from the Rust side (various classes)
            raise ModelLoadError(f"{config_dir}: the tokenizer cannot be loaded ({type(error).__name__}: {first_line(error)})") from None
        tagger = cls(runtime, tokenizer, contract, batch_tokens=batch_tokens, source=str(name_or_path))
        tagger.provenance = provenance
        return tagger

    @property
    def device(self) -> str:
        return getattr(self.backend, "device", "cpu")

    def to(self, device: str) -> "Tagger":
        """Run on another device ("cpu", "cuda", "cuda:1"); returns self, like torch modules."""
        if not hasattr(self.backend, "to"):
            raise TypeError(f"{type(self.backend).__name__} cannot change device")
        self.backend.to(device)
        return self

    def save_pretrained(self, save_directory: str | Path) -> Path:
        """Write a folder that Tagger.from_pretrained (and, for PyTorch, plain AutoModelForTokenClassification)
        loads: weights or the ONNX graph, config with this tagger's contract, tokenizer, and the source
        folder's model card and evaluation files when it has them."""
        import shutil

        from isnad_tagger.hub import card_files

        out = Path(save_directory)
        source = Path(self.source) if self.source else None
        if source is not None and source.is_dir() and out.exists() and out.resolve() == source.resolve():
            raise IsnadDataError(f"save_pretrained: {out} is the folder this tagger was loaded from; choose another")
        out.mkdir(parents=True, exist_ok=True)
        self.backend.save(out, self.contract)  # type: ignore[attr-defined]
        tokenizer_dir = out / "onnx" if isinstance(self.backend, OnnxBackend) else out
        self.tokenizer.save_pretrained(tokenizer_dir)
        if source is not None and source.is_dir():
            for path in card_files(source):
                shutil.copy2(path, out / path.name)
        return out

    def push_to_hub(self, repo_id: str, *, token: str | None = None, private: bool | None = None,
                    revision: str | None = None, commit_message: str | None = None, create_pr: bool = False):
        """save_pretrained into a temporary folder, then upload it as one commit (see isnad_tagger.hub.push_folder)."""
        import tempfile

        from isnad_tagger.hub import push_folder

        with tempfile.TemporaryDirectory(prefix="isnad-push-") as folder:
            self.save_pretrained(folder)
            return push_folder(folder, repo_id, token=token, private=private, revision=revision,
                               commit_message=commit_message, create_pr=create_pr)

    # ---- prediction ----------------------------------------------------------------------------

    def predict(self, texts: str | Sequence[str]) -> list[dict] | list[list[dict]]:
        """A string gives a list of span dicts, a list gives a list of lists; input order is kept."""
        items, single = check_texts(texts)
        results = [[span.to_dict(text) for span in spans] for text, spans in zip(items, self.predict_spans(items))]
        return results[0] if single else results

    def records(self, text: str) -> dict[str, list[dict]]:
        """Attributions {source, source_type, cue, stance, via, actors, hedges, sentence} and the
        unattributed hedges of one text (rules in isnad_tagger.records)."""
        from isnad_tagger.records import build_records

        if not isinstance(text, str):
            raise TypeError(f"records() takes one str, got {type(text).__name__}")
        return build_records(text, self.predict(text))  # type: ignore[arg-type]

    def predict_spans(self, texts: Sequence[str]) -> list[list[Span]]:
        encoded, word_logits = self.word_logits(texts)
        return [decode_words(enc.words, logits, self.layout, self.contract.temperatures, self.contract.decoding) for enc, logits in zip(encoded, word_logits)]

    def word_logits(self, texts: Sequence[str]) -> tuple[list[EncodedText], list[np.ndarray]]:
        """Raw per-word logits (before temperatures), for calibration and analysis."""
        encoded = [encode_text(text, self.tokenizer, self.normalizer) for text in texts]
        windows = [build_windows(e, self.tokenizer, self.max_length, self.stride) for e in encoded]
        return encoded, self._word_logits(encoded, windows, self._run_windows(windows))

    def _word_logits(self, encoded, windows, logits) -> list[np.ndarray]:
        return [
            merge_window_logits(len(enc.words), text_windows, logits[i], self.layout.num_labels)
            for i, (enc, text_windows) in enumerate(zip(encoded, windows))
        ]

    def _run_windows(self, windows: list[list[Window]]) -> list[list[np.ndarray]]:
        """Run all windows of all texts, longest first, in batches capped by a padded-token budget."""
        flat = [(i, j, w) for i, ws in enumerate(windows) for j, w in enumerate(ws)]
        flat.sort(key=lambda item: -len(item[2].input_ids))
        results: list[list[np.ndarray]] = [[None] * len(ws) for ws in windows]  # type: ignore[list-item]
        pad_id = self.tokenizer.pad_token_id if self.tokenizer.pad_token_id is not None else 0
        start = 0
        while start < len(flat):
            longest = len(flat[start][2].input_ids)
            size = max(1, self.batch_tokens // longest)
            batch = flat[start : start + size]
            ids = np.full((len(batch), longest), pad_id, dtype=np.int64)
            mask = np.zeros((len(batch), longest), dtype=np.int64)
            for row, (_, _, window) in enumerate(batch):
                ids[row, : len(window.input_ids)] = window.input_ids
                mask[row, : len(window.input_ids)] = 1
            logits = self.backend(ids, mask)
            for row, (i, j, window) in enumerate(batch):
                results[i][j] = logits[row, : len(window.input_ids)]
            start += size
        return results
