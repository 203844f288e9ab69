"""The main job's data preparation runs from a copy of the repository with nothing beside it: no
corpus folder, no development files, only what `git ls-files` ships."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def bare_copy(tmp_path_factory) -> Path:
    try:
        listing = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    copy = tmp_path_factory.mktemp("alone") / "isnad"
    for name in filter(None, listing.decode("utf-8").split("\0")):
        source = ROOT / name
        if source.is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / name)
    assert sorted(p.name for p in copy.parent.iterdir()) == ["isnad"]  # nothing beside the copy
    return copy


def test_silver_data_is_made_from_committed_paragraphs_only(bare_copy):
    out = bare_copy / "artifacts" / "silver-3000.jsonl"
    result = subprocess.run([sys.executable, "scripts/make_silver.py", "--paragraphs", "data/unlabelled/silver-paragraphs.jsonl",
                             "--out", str(out)], cwd=bare_copy, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 3000 and sum(1 for r in rows if r["spans"]) > 1500
    assert {r["meta"]["corpus"] for r in rows} == {"saudinewsnet", "antcorpus"}  # redistributable corpora only
    assert all(r["meta"]["license"] and r["meta"]["origin"] and r["meta"]["doc_id"] for r in rows)


def test_configs_of_the_main_job_point_inside_the_copy(bare_copy):
    from isnad_tagger.training.config import load_config

    for name in ("default-silver.yaml", "default.yaml"):
        config = load_config(bare_copy / "configs" / name)
        for path in [config.output_dir, config.model_name_or_path, *config.train_files, config.dev_file]:
            assert Path(path).resolve().is_relative_to(bare_copy.resolve()), (name, path)
