"""Write model_card.md (and the checkpoint's README.md) from a training run's evaluation files."""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

from isnad.training.model_card import render_model_card

ROOT = Path(__file__).resolve().parent.parent


def section_from_json(path: Path, title: str) -> list[str]:
    """Optional extra tables (recipe search, public yardstick) written by other scripts as markdown."""
    if not path.is_file():
        return []
    data = json.loads(path.read_text(encoding="utf-8"))
    return [f"## {title}", *data["markdown"], ""]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", required=True)
    parser.add_argument("--name", default="isnad-e5-small-ar")
    parser.add_argument("--gold", default=str(ROOT / "data" / "gold"))
    parser.add_argument("--out", default=str(ROOT / "model_card.md"))
    args = parser.parse_args()
    model = Path(args.model)
    extra = section_from_json(ROOT / "docs" / "recipes.json", "Recipe search") + section_from_json(
        ROOT / "docs" / "yardstick.json", "Public yardstick: ANERcorp NER")
    (model / "README.md").write_text(render_model_card(model, Path(args.gold), args.name, extra), encoding="utf-8")
    plot = model / "reliability.png"
    if plot.is_file():  # the repository's card points at a copy beside the docs
        (ROOT / "docs").mkdir(exist_ok=True)
        shutil.copyfile(plot, ROOT / "docs" / "reliability.png")
    card = render_model_card(model, Path(args.gold), args.name, extra, plot="docs/reliability.png")
    Path(args.out).write_text(card, encoding="utf-8")
    print(f"wrote {args.out} and {model / 'README.md'}")


if __name__ == "__main__":
    main()
