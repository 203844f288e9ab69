"""Public yardstick: train configs/anercorp-ner.yaml (ANERcorp, CAMeL Lab split) with the Isnad
pipeline and write docs/yardstick.json (a markdown table that the model card includes).

Converts ANERcorp first when data/anercorp-ner/ is missing (--anercorp names its ANERCorp.txt, which
this repository does not ship: research-only), and reuses a finished run.
Run from the repository root:  python scripts/yardstick.py --anercorp PATH/TO/ANERCorp.txt
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "configs" / "anercorp-ner.yaml"
# The reference the project was asked to stand next to; different runs and splits of ANERcorp give
# figures a few points apart, so read the comparison as placement, not a ranking.
PUBLISHED = "AraBERT v0.2 (aubmindlab/bert-base-arabertv02, 136M parameters): about 84 F1 as published"


def run(command: list[str]) -> None:
    print("--", " ".join(command), flush=True)
    subprocess.run(command, check=True, cwd=ROOT)


def repository_relative(value):
    """Paths inside the repository as relative paths: a committed file names no machine's folders."""
    if isinstance(value, str) and value.startswith(str(ROOT) + "/"):
        return value[len(str(ROOT)) + 1 :]
    if isinstance(value, list):
        return [repository_relative(v) for v in value]
    if isinstance(value, dict):
        return {repository_relative(k): repository_relative(v) for k, v in value.items()}
    return value


def table(report: dict, info: dict) -> list[str]:
    strict, overlap = report["strict"]["NER"], report["overlap"]["NER"]
    types = [k for k in strict if k != "all"]
    lines = ["| entity type | gold | P | R | F1 (exact span and type) | F1 (overlap) |", "|---|---:|---:|---:|---:|---:|"]
    for kind in types:
        s, o = strict[kind], overlap[kind]
        lines.append(f"| {kind} | {s['gold']} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} | {o['f1']:.3f} |")
    micro = report["strict"]["micro"]
    macro = sum(strict[k]["f1"] for k in types) / len(types)
    lines.append(f"| micro | {micro['gold']} | {micro['precision']:.3f} | {micro['recall']:.3f} | **{micro['f1']:.3f}** | {report['overlap']['micro']['f1']:.3f} |")
    lines.append(f"| macro (mean of types) | | | | {macro:.3f} | |")
    config = info["config"]
    lines += [
        "",
        f"Same pipeline as the Isnad model (offline trimmed multilingual-e5-small, {info['parameters'] / 1e6:.0f}M parameters; "
        f"pre-token alignment; windows), with `label_schema: {{NER: [PERS, ORG, LOC, MISC]}}`: "
        f"{info['train_records']} train sentences, {report['strict']['micro']['gold']} test entities, "
        f"{config['epochs']:g} epochs at lr {config['learning_rate']:g}, batch {config['batch_size']}, "
        f"{info['train_seconds'] / 60:.0f} min on {info.get('device', 'CPU')}. Fixed recipe, no tuning on test.",
        f"Reference: {PUBLISHED}. Split: CAMeL Lab rules rebuilt from the original file "
        "(`python scripts/convert_anercorp.py --ner`).",
        "Produced by `python scripts/yardstick.py`.",
    ]
    return lines


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--anercorp", help="ANERCorp.txt, needed once to build data/anercorp-ner/")
    args = parser.parse_args()
    data = ROOT / "data" / "anercorp-ner"
    if not (data / "train.jsonl").is_file():
        if not args.anercorp:
            raise SystemExit("data/anercorp-ner/ is missing: pass --anercorp PATH/TO/ANERCorp.txt to build it")
        run([sys.executable, "scripts/convert_anercorp.py", "--ner", "--input", args.anercorp])
    output = ROOT / "runs" / "anercorp-ner"
    if not (output / "isnad_training.json").is_file():
        run([sys.executable, "-m", "isnad_tagger.cli", "train", "--config", str(CONFIG)])
    report = json.loads((output / "eval_test.json").read_text(encoding="utf-8"))
    info = json.loads((output / "isnad_training.json").read_text(encoding="utf-8"))
    lines = table(report, info)
    print("\n".join(lines))
    summary = {"micro_f1": report["strict"]["micro"]["f1"], "published_reference": PUBLISHED, "config": repository_relative(info["config"])}
    out = ROOT / "docs" / "yardstick.json"
    out.write_text(json.dumps({**summary, "markdown": lines}, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
