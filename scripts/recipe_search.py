"""Recipe search on the gold dev split: rules vs gold-only vs silver-then-gold vs gold + ANERcorp
ACTOR data. Runs each recipe with `isnad-tagger train` (skipping finished runs), then writes
docs/recipes.json (with a markdown table for the model card) and prints the table.
The default config is the recipe with the best dev micro overlap F1.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from isnad_tagger.data import read_records, write_records
from isnad_tagger.evaluation import evaluate_predictions
from isnad_tagger.labels import FAMILIES

ROOT = Path(__file__).resolve().parent.parent
RUNS = ROOT / "runs" / "recipes"
BASE = ROOT / "artifacts" / "base" / "e5-small-ar"


def subset(source: Path, target: Path, count: int) -> Path:
    """The first `count` records of a file (a fixed, reproducible subset)."""
    if not target.is_file():
        write_records(read_records(source)[:count], target)
    return target


def recipes(silver_count: int, anercorp_count: int) -> dict[str, list[list[str]]]:
    """Each recipe is a list of stages; a stage is a list of config overrides for configs/default.yaml."""
    data = RUNS / "data"
    data.mkdir(parents=True, exist_ok=True)
    anercorp = subset(ROOT / "data" / "anercorp" / "train.jsonl", data / f"anercorp-{anercorp_count}.jsonl", anercorp_count)
    return {
        "gold, lr 2e-4": [[f"output_dir={ROOT / 'runs' / 'probe-lr2e-4'}", "o_tag_weight=1.0", f"model_name_or_path={BASE}"]],
        "gold, lr 2e-4, O weight 0.3": [[f"output_dir={RUNS / 'gold-oweight'}", "o_tag_weight=0.3", f"model_name_or_path={BASE}"]],
        f"silver ({silver_count} paragraphs, 1 epoch) then gold 10 epochs, O weight 0.3": [
            [f"output_dir={ROOT / 'artifacts' / 'isnad-silver-stage'}", "epochs=1", f"train_files=[{ROOT / 'artifacts' / f'silver-{silver_count}.jsonl'}]",
             f"model_name_or_path={BASE}", "o_tag_weight=0.3", "test_file=null", "save_strategy=no"],
            [f"output_dir={RUNS / 'silver-gold-10ep'}", "epochs=10", "o_tag_weight=0.3"]],
        # The default: `make train` runs exactly these two stages (configs/default-silver.yaml, configs/default.yaml).
        f"silver ({silver_count} paragraphs, 1 epoch) then gold 15 epochs, O weight 0.2": [
            [f"output_dir={ROOT / 'artifacts' / 'isnad-default'}"]],
        # The default plus ANERcorp PERS/ORG as ACTOR-only supervision in stage 2 (other families unlabelled).
        f"silver then gold 15 epochs + ANERcorp ACTOR ({anercorp_count} sentences), O weight 0.2": [
            [f"output_dir={RUNS / 'silver-gold-anercorp'}", f"partial_files={{{anercorp}: [ACTOR]}}", "save_strategy=no"]],
    }


def stage_output(overrides: list[str]) -> Path:
    return Path(next(o for o in overrides if o.startswith("output_dir=")).split("=", 1)[1])


def finished(overrides: list[str]) -> bool:
    return (stage_output(overrides) / "isnad_training.json").is_file()


def run_stage(overrides: list[str]) -> Path:
    output = stage_output(overrides)
    if finished(overrides):
        print(f"-- {output}: done already, reused")
        return output
    command = [sys.executable, "-m", "isnad_tagger.cli", "train", "--config", str(ROOT / "configs" / "default.yaml")]
    for override in overrides:
        command += ["--set", override]
    print("--", " ".join(command[3:]), flush=True)
    subprocess.run(command, check=True)
    return output


def row(name: str, dev: dict, test: dict | None) -> dict:
    return {
        "recipe": name,
        "dev": {f.name: dev["overlap"][f.name]["all"]["f1"] for f in FAMILIES} | {"micro": dev["overlap"]["micro"]["f1"], "micro_strict": dev["strict"]["micro"]["f1"]},
        "test": None if test is None else {f.name: test["overlap"][f.name]["all"]["f1"] for f in FAMILIES} | {"micro": test["overlap"]["micro"]["f1"], "micro_strict": test["strict"]["micro"]["f1"]},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--silver", type=int, default=3000)
    parser.add_argument("--anercorp", type=int, default=1000)
    parser.add_argument("--only", nargs="*", help="run only recipes whose name contains one of these; finished ones still appear")
    args = parser.parse_args()
    from isnad_tagger.rules import RuleTagger

    as_spans = RuleTagger().predict_spans
    gold = ROOT / "data" / "gold"
    rows = [row("rules (isnad_tagger.rules)", evaluate_predictions(read_records(gold / "dev.jsonl"), as_spans),
                evaluate_predictions(read_records(gold / "test.jsonl"), as_spans))]
    for name, stages in recipes(args.silver, args.anercorp).items():
        selected = not args.only or any(part in name for part in args.only)
        if not selected and not all(finished(stage) for stage in stages):
            print(f"-- {name}: not selected and not run; left out of the table")
            continue
        output = None
        for stage in stages:
            output = run_stage(stage)
        dev = json.loads((output / "eval_dev.json").read_text())
        test = json.loads((output / "eval_test.json").read_text())
        info = json.loads((output / "isnad_training.json").read_text())
        rows.append(row(name, dev, test) | {"train_seconds": info["train_seconds"], "output_dir": str(output.relative_to(ROOT))})
    best = max(rows[1:], key=lambda r: r["dev"]["micro"]) if len(rows) > 1 else None
    header = "| recipe | dev ACTOR | dev SOURCE | dev STANCE | dev UNCERTAINTY | dev micro | test micro (overlap / strict) |"
    lines = [header, "|---|" + "---:|" * 6]
    for r in rows:
        mark = " **(default)**" if r is best else ""
        d, t = r["dev"], r["test"]
        lines.append(f"| {r['recipe']}{mark} | {d['ACTOR']:.3f} | {d['SOURCE']:.3f} | {d['STANCE']:.3f} | {d['UNCERTAINTY']:.3f} | "
                     f"{d['micro']:.3f} | {t['micro']:.3f} / {t['micro_strict']:.3f} |")
    lines += ["", "Overlap F1 per family on the gold dev split (the choice is made on dev; test shown for reference). "
              "Produced by `python scripts/recipe_search.py`."]
    print("\n".join(lines))
    out = ROOT / "docs" / "recipes.json"
    out.write_text(json.dumps({"rows": rows, "best": best["recipe"] if best else None, "markdown": lines}, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
