"""Model card (Hub format) rendered from the evaluation JSON a training run writes; never by hand."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from isnad_tagger.contract import Contract
from isnad_tagger.data import iter_jsonl_objects
from isnad_tagger.labels import Family

def license_note(licenses: dict[str, int]) -> str:
    """What the weights inherit, from the training records' own licenses (`corpus: license` -> count)."""
    terms = sorted({key.split(": ", 1)[1] for key in licenses if ": " in key})
    restricted = any("NC" in t or "research" in t.lower() or "not recorded" in t for t in terms)
    advice = "use them for research and non-commercial work only" if restricted else "check each license before use"
    return f"The weights are derived from training data under {'; '.join(terms) or 'unrecorded terms'}: {advice}."


def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def _family_rows(report: dict, families: tuple[Family, ...]) -> list[str]:
    rows = ["| family / type | gold | strict P | strict R | strict F1 | overlap P | overlap R | overlap F1 |", "|---|---:|" + "---:|" * 6]
    for family in families:
        kinds = [("all", family.name)] + [(t, f"&nbsp;&nbsp;{t}") for t in family.types]
        for key, name in kinds:
            s, o = report["strict"][family.name][key], report["overlap"][family.name][key]
            bold = "**" if key == "all" else ""
            rows.append(f"| {bold}{name}{bold} | {s['gold']} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} | "
                        f"{o['precision']:.3f} | {o['recall']:.3f} | {o['f1']:.3f} |")
    s, o = report["strict"]["micro"], report["overlap"]["micro"]
    rows.append(f"| **micro (all spans)** | {s['gold']} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} | "
                f"{o['precision']:.3f} | {o['recall']:.3f} | {o['f1']:.3f} |")
    return rows


def _comparison_rows(model: dict, baseline: dict | None, agreement: dict | None, families: tuple[Family, ...]) -> list[str]:
    rows = ["| family | rules overlap F1 | model overlap F1 | model strict F1 | human agreement (strict / overlap F1) |", "|---|---:|---:|---:|---:|"]
    for name in [f.name for f in families] + ["micro"]:
        pick = (lambda r, m: r[m][name]["f1"]) if name == "micro" else (lambda r, m: r[m][name]["all"]["f1"])
        rules = f"{pick(baseline, 'overlap'):.3f}" if baseline else "n/a"
        human = f"{agreement['f1']['strict'][name]:.3f} / {agreement['f1']['overlap'][name]:.3f}" if agreement else "n/a"
        rows.append(f"| {name} | {rules} | {pick(model, 'overlap'):.3f} | {pick(model, 'strict'):.3f} | {human} |")
    return rows


def eval_results(test: dict, families: tuple[Family, ...], split: str = "test", dataset_name: str = "Isnad gold test split") -> list:
    """model-index entries (strict and overlap F1 per family, and micro) through huggingface_hub, so the
    card's metadata is valid by construction."""
    from huggingface_hub import EvalResult

    task = f"Span tagging ({', '.join(f.name for f in families)})"
    results = []
    for name in [f.name for f in families] + ["micro"]:
        for mode in ("strict", "overlap"):
            value = test[mode][name]["f1"] if name == "micro" else test[mode][name]["all"]["f1"]
            results.append(EvalResult(task_type="token-classification", task_name=task, dataset_type="isnad-gold",
                                      dataset_name=dataset_name, dataset_split=split, metric_type="f1",
                                      metric_name=f"{name} {mode} F1", metric_value=round(float(value), 4)))
    return results


def card_data(name: str, results: list, base_model: str | None, licenses: dict[str, int], is_isnad: bool):
    from huggingface_hub import ModelCardData

    return ModelCardData(
        model_name=name,
        language="ar",
        license="other",
        license_name="research-non-commercial",
        base_model=base_model,
        library_name="transformers",
        tags=["arabic", "news", "span-tagging", "isnad-tagger"] + (["attribution", "source-detection", "hedge-detection"] if is_isnad else []),
        metrics=["precision", "recall", "f1"],
        eval_results=results,
        # No pipeline_tag and no widget: the stock token-classification pipeline (and the Hub widget) take one
        # argmax over all families' labels, which is meaningless for overlapping layers; see "How to use".
        inference=False,
        training_data_licenses=sorted(licenses),
    )


def _isnad_intro() -> list[str]:
    return [
        "Isnad (إسناد) marks, in Arabic news, who is speaking and how information is sourced: `ACTOR` (participants), "
        "`SOURCE` (named, anonymous, institution, media, document, unspecified), `STANCE` (the attribution cue: affirm, "
        "report, deny, warn, allege) and `UNCERTAINTY` (hedge, evidential, unverified). The four families are independent "
        "layers and may overlap. Every span comes with exact character offsets into the caller's text.",
    ]


def _schema_intro(families: tuple[Family, ...]) -> list[str]:
    kinds = "; ".join(f"`{f.name}`" + (f" ({', '.join(f.types)})" if f.types else "") for f in families)
    return [f"A span tagger trained with the Isnad pipeline on another label schema: {kinds}. Every span comes with "
            "exact character offsets into the caller's text."]


def _show(path: str | Path) -> str:
    """A path as the reader's repository sees it (relative to the working folder when inside it)."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _base_model(start: Path) -> tuple[str | None, list[str], list[Path]]:
    """Follow earlier training stages (folders with isnad_training.json) down to the base encoder; the
    base is a Hub id (the offline rebuild of multilingual-e5-small names its origin) or None, never a local path.
    Also returns the stages' folders, whose training data the weights derive from too."""
    lineage, current, stages = [_show(start)], start, []
    for _ in range(5):
        info = _load(current / "isnad_training.json")
        if info is None:
            break
        stages.append(current)
        current = Path(info["config"]["model_name_or_path"])
        lineage.append(_show(current))
    if current.is_dir():
        manifest = _load(current / "manifest.json") or {}
        name = "intfloat/multilingual-e5-small" if manifest.get("sources") else None
    else:
        from isnad_tagger.hub import looks_like_path

        name = None if looks_like_path(str(current)) else str(current)
    return name, lineage, stages


def training_licenses(infos: list[dict]) -> dict[str, int]:
    """Records per license over every training file of every stage (each record's meta.license)."""
    from collections import Counter

    counts: Counter = Counter()
    for info in infos:
        config = info["config"]
        for path in [*config["train_files"], *config.get("partial_files", {})]:
            if not Path(path).is_file():
                continue
            for _, obj in iter_jsonl_objects(path):
                meta = obj.get("meta") or {}
                counts[f"{meta.get('corpus', 'unknown corpus')}: {meta.get('license', 'license not recorded')}"] += 1
    return dict(counts)


def render_model_card(model_dir: Path, gold_dir: Path, name: str, extra_sections: list[str] = (), plot: str = "reliability.png",
                      model_id: str | None = None, extra_results: list = ()) -> str:
    """Card text (Hub metadata + markdown) for a trained checkpoint folder (needs isnad_training.json and
    eval_test.json). model_id is what the usage example loads: the Hub id once known, else the folder."""
    from huggingface_hub import ModelCard

    info = _load(model_dir / "isnad_training.json")
    test = _load(model_dir / "eval_test.json")
    if info is None or test is None:
        raise FileNotFoundError(f"{model_dir} lacks isnad_training.json or eval_test.json: train with a test_file first")
    baseline = _load(gold_dir / "rule_baseline_test.json")
    agreement = _load(gold_dir / "agreement.json")
    contract = Contract.from_pretrained(model_dir)
    families = contract.families
    if not contract.is_isnad_schema:  # the rules and the agreement study speak of the Isnad labels only
        baseline = agreement = None
    config = info["config"]
    base_name, lineage, stages = _base_model(Path(config["model_name_or_path"]))
    licenses = training_licenses([info] + [_load(stage / "isnad_training.json") for stage in stages])
    calibration = info.get("calibration")
    data = card_data(name, eval_results(test, families) + list(extra_results), base_name, licenses, contract.is_isnad_schema)
    lines = [
        f"# {name}",
        "",
        "_Written by `isnad-tagger train` from the evaluation files of the training run; do not edit by hand._",
        "",
        *(_isnad_intro() if contract.is_isnad_schema else _schema_intro(families)),
        "",
        "## Intended uses and users",
        "- Media researchers and fact-checkers: find who a claim is attributed to, how firmly, and where the text hedges.",
        "- Newsroom editors: flag anonymous sourcing and unverified claims in copy.",
        "- NLP engineers: a span tagger to build attribution graphs and source statistics over Arabic news archives.",
        "",
        "Out of scope: deciding whether a claim is true; tagging non-news genres or dialectal social media (not in the data).",
        "",
        "## How to use",
        "```python",
        "from isnad_tagger import Tagger",
        f'tagger = Tagger.from_pretrained("{model_id or _show(model_dir)}")  # backend="onnx", quantized=True: int8 without torch',
        'spans = tagger.predict("وقال المتحدث باسم الوزارة إن الحكومة قد تعلن القرار")',
        'records = tagger.records("...")  # who said what, with which stance and hedges',
        "",
        "from transformers import pipeline  # the same spans through transformers (registered by `import isnad_tagger`)",
        f'tag = pipeline("attribution-tagging", model="{model_id or _show(model_dir)}")',
        "```",
        "Install: `pip install isnad-tagger` (ONNX backend, no torch), `pip install 'isnad-tagger[torch]'` for the PyTorch backend. "
        "The stock `token-classification` pipeline does not decode this model: its labels are four overlapping BIO layers "
        "(`FAMILY:B-type`), which one argmax over all labels cannot represent.",
        "Command line: `isnad-tagger predict --model M --input in.jsonl --output out.jsonl`, `isnad-tagger evaluate --model M --data gold.jsonl`, "
        "`isnad-tagger export-onnx --model M`, `isnad-tagger render in.jsonl page.html --model M`.",
        "",
        "## Results on the gold test split",
        f"Test split: {test.get('records')} paragraphs of real news never seen in training (split by document). "
        "Strict = exact span and type; overlap = any shared character and the same type.",
        "",
        *_family_rows(test, families),
        "",
        "### Against the rule baseline and the human ceiling",
        *_comparison_rows(test, baseline, agreement, families),
        "",
        "Rules: `isnad_tagger.rules` (the pre-annotator), scored by `isnad-tagger evaluate --rules`. Human agreement: two independent "
        "annotation passes over 60 test paragraphs (see `data/README.md`; both passes by LLM annotators following the same "
        "guidelines, so it likely overstates agreement between human experts).",
        "",
    ]
    if calibration:
        before, after = calibration["ece_before"], calibration["ece_after"]
        temps = ", ".join(f"{k} {v:.2f}" for k, v in calibration["temperatures"].items())
        lines += [
            "## Calibrated scores",
            f"A span's `score` is the mean probability of its words' tags after a per-family temperature fitted on dev ({temps}). "
            f"Expected calibration error of span scores against exact-match correctness on test: **{before['ece']:.3f} before, "
            f"{after['ece']:.3f} after** ({after['spans']} predicted spans, 10 bins).",
            "",
            f"![reliability]({plot})",
            "",
        ]
    lines += list(extra_sections)
    lines += [
        "## Training data and licenses",
        f"Training files: {', '.join('/'.join(Path(p).parts[-2:]) for p in config['train_files'])} ({info['train_records']} paragraphs, "
        f"{info['train_windows']} windows of at most {config['max_length']} tokens); dev for calibration and model choice. "
        "Counts per type are in `data/README.md` and `data/gold/extra/README.md`. " + license_note(licenses),
        "",
        "Training records per corpus and license (all stages): " + "; ".join(f"{k} ({v})" for k, v in sorted(licenses.items())) + ".",
        "",
        "## Training procedure",
        f"Base encoder: `{base_name or 'a local encoder'}` ({' -> '.join(lineage)}). Fine-tuned with the transformers `Trainer` "
        f"(per-family cross-entropy over one token-classification head): learning rate {config['learning_rate']}, "
        f"{config['epochs']} epochs, batch {config['batch_size']}, warm-up ratio {config['warmup_ratio']}, weight decay "
        f"{config['weight_decay']}, seed {config['seed']}; {info['global_step']} steps in {info['train_seconds']} s on "
        f"{info['world_size']} process(es). Versions: " + ", ".join(f"{k} {v}" for k, v in info["versions"].items()) + ".",
        "",
        "## Limitations and risks",
        "- Trained on a few hundred paragraphs from three outlets and periods; rare types (deny, warn, unverified) have few "
        "test examples, so their scores move a lot with one span.",
        "- The model reads attribution in text; it does not check facts, and a `deny` cue says only that someone denied something.",
        "- Must not be used to unmask anonymous sources or to profile journalists or their sources.",
        "- Errors are not evenly spread: long names with appositions and anonymous vs institution sources are the hardest cases.",
        "",
        "## Reproduce",
        "`make train` (builds the offline base encoder, trains `configs/default.yaml`, evaluates, exports ONNX, writes this card).",
    ]
    return str(ModelCard(f"---\n{data.to_yaml()}\n---\n\n" + "\n".join(lines) + "\n"))


def write_model_card(model_dir: Path, gold_dir: Path, hub_model_id: str | None = None, name: str | None = None) -> Path:
    """README.md in the model folder, the card the Hub shows; `isnad-tagger train` calls it after evaluation."""
    path = model_dir / "README.md"
    path.write_text(render_model_card(model_dir, gold_dir, name or model_dir.name, model_id=hub_model_id), encoding="utf-8")
    return path
