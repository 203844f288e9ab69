"""Inference benchmark on real news paragraphs: HF pipeline vs Isnad PyTorch vs ONNX fp32 vs ONNX int8.

Each backend runs in its own subprocess so peak memory (max RSS) is its own. Prints a table and
writes JSON. Usage:
    python benchmarks/bench_inference.py --model artifacts/tiny-model [--paragraphs 300] [--out bench.json]
The model folder needs an ONNX export (isnad-tagger export-onnx) for the ONNX rows.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
BACKENDS = ("hf-pipeline", "isnad-torch", "isnad-onnx-fp32", "isnad-onnx-int8")


def load_paragraphs(n: int) -> list[str]:
    """Real paragraphs: the gold pool's texts (three shared corpora), in a fixed order."""
    from isnad_tagger.data import read_records

    texts = [r.text for r in read_records(ROOT / "data" / "gold" / "pool.jsonl")]
    return texts[:n]


def long_document(chars: int, paragraphs: list[str]) -> str:
    text, i = "", 0
    while len(text) < chars:
        text += paragraphs[i % len(paragraphs)] + "\n"
        i += 1
    return text[:chars]


def make_runner(backend: str, model: str, threads: int):
    import torch

    torch.set_num_threads(threads)
    if backend == "hf-pipeline":
        from transformers import AutoConfig, AutoTokenizer, pipeline

        # The pipeline needs model_max_length to split long paragraphs (stride) instead of failing.
        tokenizer = AutoTokenizer.from_pretrained(model)
        tokenizer.model_max_length = min(tokenizer.model_max_length, AutoConfig.from_pretrained(model).max_position_embeddings)
        pipe = pipeline("token-classification", model=model, tokenizer=tokenizer, aggregation_strategy="simple",
                        stride=min(64, tokenizer.model_max_length // 4), device="cpu")
        return lambda texts: pipe(list(texts), batch_size=16), pipe.tokenizer
    from isnad_tagger import Tagger

    kwargs = {"backend": "torch"} if backend == "isnad-torch" else {"backend": "onnx", "quantized": backend.endswith("int8")}
    tagger = Tagger.from_pretrained(model, **kwargs)
    return tagger.predict_spans, tagger.tokenizer


def worker(args: argparse.Namespace) -> None:
    paragraphs = load_paragraphs(args.paragraphs)
    run, tokenizer = make_runner(args.worker, args.model, args.threads)
    tokens = sum(len(tokenizer(p)["input_ids"]) for p in paragraphs)
    run(paragraphs[:8])  # warm-up
    started = time.perf_counter()
    output = run(paragraphs)
    elapsed = time.perf_counter() - started
    latencies = []
    for text in paragraphs[: args.latency_samples]:
        t0 = time.perf_counter()
        run([text])
        latencies.append(time.perf_counter() - t0)
    result = {
        "backend": args.worker,
        "paragraphs": len(paragraphs),
        "paragraphs_per_s": len(paragraphs) / elapsed,
        "tokens_per_s": tokens / elapsed,
        "latency_p50_ms": float(np.percentile(latencies, 50) * 1000),
        "latency_p95_ms": float(np.percentile(latencies, 95) * 1000),
    }
    if args.worker != "hf-pipeline":
        result["spans"] = [[[s.start, s.end, s.label, s.type] for s in doc] for doc in output]
        lengths = {}
        for chars in args.doc_lengths:
            document = long_document(chars, paragraphs)
            t0 = time.perf_counter()
            run([document])
            lengths[str(chars)] = time.perf_counter() - t0
        result["seconds_by_doc_length"] = lengths
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def disk_size_mb(model: Path, backend: str) -> float:
    if backend.startswith("isnad-onnx"):
        name = "model_int8.onnx" if backend.endswith("int8") else "model.onnx"
        candidates = [model / "onnx" / name, model / name]
        return next(p.stat().st_size for p in candidates if p.exists()) / 1e6
    return sum(p.stat().st_size for p in model.glob("*.safetensors")) / 1e6


def agreement(a: list, b: list) -> float:
    """Share of spans (exact extent, label, type) on which two runs agree (intersection over union)."""
    sa = {(i, *s) for i, doc in enumerate(a) for s in map(tuple, doc)}
    sb = {(i, *s) for i, doc in enumerate(b) for s in map(tuple, doc)}
    return len(sa & sb) / max(1, len(sa | sb))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", required=True)
    parser.add_argument("--paragraphs", type=int, default=300)
    parser.add_argument("--latency-samples", type=int, default=50)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--doc-lengths", type=int, nargs="*", default=[1_000, 10_000, 100_000])
    parser.add_argument("--backends", nargs="*", default=list(BACKENDS))
    parser.add_argument("--out", default="artifacts/bench_inference.json")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return
    env = {**os.environ, "OMP_NUM_THREADS": str(args.threads), "TOKENIZERS_PARALLELISM": "false"}
    rows = {}
    for backend in args.backends:
        command = [sys.executable, __file__, "--worker", backend, *sys.argv[1:]]
        done = subprocess.run(command, capture_output=True, text=True, env=env)
        if done.returncode != 0:
            raise SystemExit(f"{backend} failed:\n{done.stderr[-3000:]}")
        rows[backend] = json.loads(done.stdout.strip().splitlines()[-1])
        rows[backend]["disk_mb"] = disk_size_mb(Path(args.model), backend)
    base = rows.get("isnad-torch")
    print(f"\nmodel {args.model}, {args.paragraphs} real paragraphs, {args.threads} threads\n")
    header = f"{'backend':<17}{'para/s':>9}{'tok/s':>10}{'p50 ms':>9}{'p95 ms':>9}{'peak MB':>9}{'disk MB':>9}{'x torch':>9}"
    print(header + "\n" + "-" * len(header))
    for name, row in rows.items():
        ratio = row["paragraphs_per_s"] / base["paragraphs_per_s"] if base else float("nan")
        print(f"{name:<17}{row['paragraphs_per_s']:>9.1f}{row['tokens_per_s']:>10.0f}{row['latency_p50_ms']:>9.1f}"
              f"{row['latency_p95_ms']:>9.1f}{row['peak_rss_mb']:>9.0f}{row['disk_mb']:>9.1f}{ratio:>9.2f}")
    lengths = [n for n in rows if "seconds_by_doc_length" in rows[n]]
    if lengths:
        print(f"\n{'seconds by document length':<28}" + "".join(f"{c + ' chars':>14}" for c in rows[lengths[0]]["seconds_by_doc_length"]))
        for name in lengths:
            print(f"{name:<28}" + "".join(f"{v:>14.2f}" for v in rows[name]["seconds_by_doc_length"].values()))
    summary = {}
    if base and "hf-pipeline" in rows:
        summary["torch_vs_pipeline"] = base["paragraphs_per_s"] / rows["hf-pipeline"]["paragraphs_per_s"]
    if base and "isnad-onnx-int8" in rows:
        summary["int8_vs_torch"] = rows["isnad-onnx-int8"]["paragraphs_per_s"] / base["paragraphs_per_s"]
    if "isnad-onnx-fp32" in rows and "isnad-onnx-int8" in rows:
        summary["int8_fp32_span_agreement"] = agreement(rows["isnad-onnx-fp32"]["spans"], rows["isnad-onnx-int8"]["spans"])
    if base and "isnad-onnx-fp32" in rows:
        summary["fp32_torch_span_agreement"] = agreement(base["spans"], rows["isnad-onnx-fp32"]["spans"])
    print("\n" + "\n".join(f"{k}: {v:.3f}" for k, v in summary.items()))
    for row in rows.values():
        row.pop("spans", None)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps({"model": args.model, "threads": args.threads, "rows": rows, "summary": summary}, indent=2))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
