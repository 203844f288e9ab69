"""Write model_card.md (and rewrite the checkpoint's README.md) from a training run's evaluation files, adding
what the main job measures after training: the out-of-domain scores and the recipe and yardstick tables."""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

from isnad_tagger.contract import Contract
from isnad_tagger.training.model_card import eval_results, render_model_card

ROOT = Path(__file__).resolve().parent.parent


def section_from_json(path: Path, title: str) -> list[str]:
    """Optional extra tables (recipe search, public yardstick) written by other scripts as markdown."""
    if not path.is_file():
        return []
    data = json.loads(path.read_text(encoding="utf-8"))
    return [f"## {title}", *data["markdown"], ""]


def ood_section(model: Path, rules: Path) -> list[str]:
    """Out-of-domain results (the main job's `isnad-tagger evaluate` on data/gold/extra/ood_test.jsonl) against
    the rule tagger on the same sentences."""
    if not (model / "eval_ood.json").is_file():
        return []
    ours = json.loads((model / "eval_ood.json").read_text(encoding="utf-8"))
    base = json.loads(rules.read_text(encoding="utf-8")) if rules.is_file() else None
    families = [k for k in ours["overlap"] if k != "micro"]
    lines = ["## Out-of-domain test split",
             f"{ours.get('records', '')} sentences from 8 outlets that no training document comes from (CNN, RT Arabic, France 24, "
             "Al Arabiya, Alhurra, Sky News Arabia, Al Mayadeen, Al-Masry Al-Youm; mostly opinion and analysis, 2023-2024), "
             "annotated from raw text without rule drafts (`data/gold/extra/`).", "",
             "| family | gold | rules overlap F1 | model overlap F1 | rules strict F1 | model strict F1 |", "|---|---:|---:|---:|---:|---:|"]
    pick = lambda r, mode, name: r[mode][name]["f1"] if name == "micro" else r[mode][name]["all"]["f1"]
    gold = lambda name: ours["strict"][name]["gold"] if name == "micro" else ours["strict"][name]["all"]["gold"]
    for name in families + ["micro"]:
        rules_cells = [f"{pick(base, m, name):.3f}" if base else "n/a" for m in ("overlap", "strict")]
        lines.append(f"| {name} | {gold(name)} | {rules_cells[0]} | {pick(ours, 'overlap', name):.3f} | {rules_cells[1]} | {pick(ours, 'strict', name):.3f} |")
    return lines + [""]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", required=True)
    parser.add_argument("--name", default="isnad-e5-small-ar")
    parser.add_argument("--gold", default=str(ROOT / "data" / "gold"))
    parser.add_argument("--out", default=str(ROOT / "model_card.md"))
    args = parser.parse_args()
    model = Path(args.model)
    extra = ood_section(model, ROOT / "artifacts" / "rules_eval_ood.json")
    ood = model / "eval_ood.json"
    results = eval_results(json.loads(ood.read_text(encoding="utf-8")), Contract.from_pretrained(model).families, split="ood_test",
                           dataset_name="Isnad out-of-domain test split") if ood.is_file() else []
    extra += section_from_json(ROOT / "docs" / "recipes.json", "Recipe search") + section_from_json(
        ROOT / "docs" / "yardstick.json", "Public yardstick: ANERcorp NER")
    (model / "README.md").write_text(render_model_card(model, Path(args.gold), args.name, extra, extra_results=results), encoding="utf-8")
    plot = model / "reliability.png"
    if plot.is_file():  # the repository's card points at a copy beside the docs
        (ROOT / "docs").mkdir(exist_ok=True)
        shutil.copyfile(plot, ROOT / "docs" / "reliability.png")
    card = render_model_card(model, Path(args.gold), args.name, extra, plot="docs/reliability.png", extra_results=results)
    Path(args.out).write_text(card, encoding="utf-8")
    print(f"wrote {args.out} and {model / 'README.md'}")


if __name__ == "__main__":
    main()
