"""Export a checkpoint to ONNX (fp32, plus dynamically quantized int8) for ONNX Runtime.

Uses torch.onnx.export directly: Optimum's exporter cannot sit beside transformers 5 (see notes).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Sequence

from isnad_tagger.backends import ONNX_DIRNAME, ONNX_FP32, ONNX_INT8, ONNX_PROVENANCE, quiet_loading
from isnad_tagger.files import sha256_file

OPSET = 17
INT8_METHODS = ("dynamic", "static")


# A fused graph is kept only if its logits match the plain export this closely on a padded test batch.
FUSION_TOLERANCE = 1e-3


def fuse_graph(path: Path, config, tokenizer) -> dict:
    """Replace the exported graph at `path` by ONNX Runtime's transformer optimizer output (fused
    attention, SkipLayerNorm, bias+GELU) when its logits match the plain graph's; returns what was done.
    The optimizer is ONNX Runtime's own; only the numerical check is ours."""
    import numpy as np
    import onnxruntime as ort
    from onnxruntime.transformers.optimizer import optimize_model

    fused_path = path.with_name(path.stem + ".fused.onnx")
    try:
        optimized = optimize_model(str(path), model_type="bert", num_heads=int(config.num_attention_heads),
                                   hidden_size=int(config.hidden_size), opt_level=1, use_gpu=False)
        operators = {k: int(v) for k, v in optimized.get_fused_operator_statistics().items() if v}
        optimized.save_model_to_file(str(fused_path))
        batch = tokenizer(["قال الوزير إن الاجتماع قد يعقد غدا", "نفت الوزارة", "x"], padding=True, return_tensors="np")
        feed = {"input_ids": batch["input_ids"].astype(np.int64), "attention_mask": batch["attention_mask"].astype(np.int64)}
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL  # compare the files, not ORT's runtime passes
        plain, fused = (ort.InferenceSession(str(p), options, providers=["CPUExecutionProvider"]).run(["logits"], feed)[0] for p in (path, fused_path))
        mask = feed["attention_mask"].astype(bool)
        difference = float(np.abs(plain - fused)[mask].max())
        if difference > FUSION_TOLERANCE:
            return {"applied": False, "reason": f"fused logits differ by {difference:.2e}", "operators": operators}
        fused_path.replace(path)
        return {"applied": True, "operators": operators, "max_abs_logit_difference": difference}
    finally:
        fused_path.unlink(missing_ok=True)


def export_onnx(model: str | Path, out_dir: str | Path | None = None, quantize: bool = True, progress: bool = False,
                optimize: bool = True, int8: str = "dynamic", calibration_texts: Sequence[str] | None = None) -> dict[str, Path]:
    """Write model.onnx (+ model_int8.onnx), config and tokenizer into out_dir (default:
    <checkpoint>/onnx) and a provenance file naming the source checkpoint; returns the paths.
    `optimize` fuses the graph (fuse_graph) before int8 quantization; `int8` is "dynamic" or "static"
    (isnad_tagger.quantize; static needs `calibration_texts`, real news that is not test data)."""
    if int8 not in INT8_METHODS:
        raise ValueError(f"int8 must be one of {', '.join(INT8_METHODS)}, got {int8!r}")
    if quantize and int8 == "static" and not calibration_texts:
        from isnad_tagger.spans import IsnadDataError

        raise IsnadDataError("static int8 needs calibration texts: pass --calibration FILE (real news paragraphs, not test data)")
    import torch
    from tqdm import tqdm
    from transformers import AutoModelForTokenClassification, AutoTokenizer

    from isnad_tagger.contract import Contract
    from isnad_tagger.hub import resolve_model_dir

    model_dir = resolve_model_dir(str(model))
    contract = Contract.from_pretrained(model_dir)  # refuse a label-less or newer checkpoint before any work
    out = Path(out_dir) if out_dir else model_dir / ONNX_DIRNAME
    out.mkdir(parents=True, exist_ok=True)
    with quiet_loading():
        # Eager attention exports the MatMul-Softmax pattern that ONNX Runtime fuses into one Attention operator.
        network = AutoModelForTokenClassification.from_pretrained(model_dir, use_safetensors=True, trust_remote_code=False,
                                                                  attn_implementation="eager").eval()
    tokenizer = AutoTokenizer.from_pretrained(model_dir)

    class LogitsOnly(torch.nn.Module):
        """Fixed signature for export: (input_ids, attention_mask) -> logits."""

        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            return self.inner(input_ids=input_ids, attention_mask=attention_mask).logits

    steps = tqdm(total=3 if quantize else 2, desc="isnad-tagger export-onnx", unit=" steps", disable=not progress)
    steps.set_postfix_str("fp32 graph")
    sample = torch.ones((2, 8), dtype=torch.long)
    fp32 = out / ONNX_FP32
    with torch.inference_mode():
        torch.onnx.export(
            LogitsOnly(network),
            (sample, torch.ones_like(sample)),
            str(fp32),
            input_names=["input_ids", "attention_mask"],
            output_names=["logits"],
            dynamic_axes={name: {0: "batch", 1: "sequence"} for name in ("input_ids", "attention_mask", "logits")},
            opset_version=OPSET,
            dynamo=False,
        )
    fusion = fuse_graph(fp32, network.config, tokenizer) if optimize else None
    paths = {"fp32": fp32}
    steps.update()
    int8_record = None
    if quantize:
        steps.set_postfix_str(f"int8 ({int8})")
        from isnad_tagger import quantize as q

        paths["int8"] = out / ONNX_INT8
        if int8 == "static":
            from isnad_tagger.encoding import build_windows, encode_text
            from isnad_tagger.normalize import get_normalizer

            normalizer = get_normalizer(contract.normalizer)
            windows = [w.input_ids for text in calibration_texts or [] for w in
                       build_windows(encode_text(text, tokenizer, normalizer), tokenizer, contract.max_length, contract.stride)]
            int8_record = q.quantize_static_int8(fp32, paths["int8"], windows)
        else:
            int8_record = q.quantize_dynamic_int8(fp32, paths["int8"])
        steps.update()
    steps.set_postfix_str("config, tokenizer, provenance")
    contract.to_config(network.config)  # the ONNX folder reads back under the same contract
    network.config.save_pretrained(out)
    tokenizer.save_pretrained(out)
    weights = sorted(model_dir.glob("*.safetensors"))
    provenance = {
        "source_checkpoint": str(Path(model_dir).resolve()),
        "source_weights_sha256": {w.name: sha256_file(w) for w in weights},
        "opset": OPSET,
        "graph_fusion": fusion,
        "int8": int8_record,
        "files": {kind: {"name": p.name, "sha256": sha256_file(p)} for kind, p in paths.items()},
        "exported_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "torch": torch.__version__,
    }
    (out / ONNX_PROVENANCE).write_text(json.dumps(provenance, indent=2), encoding="utf-8")
    paths["provenance"] = out / ONNX_PROVENANCE
    steps.update()
    steps.close()
    return paths
