"""The repository stands alone: no tracked file outside data/ points at the development folder beside
the clone or at an absolute path of a build machine, so the README's commands work on a bare clone."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The development folder beside the clone, however it is spelt, and the build machines' work root.
FORBIDDEN = re.compile(r"\.\./shared\b|[\"']shared[\"']\s*/\s*[\"']data[\"']|/work/(shared|main)\b")


def tracked_files() -> list[Path]:
    try:
        listing = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    return [ROOT / name for name in listing.decode("utf-8").split("\0") if name and not name.startswith("data/")]


def test_no_tracked_file_names_the_development_folder_or_a_machine_path():
    # The folder that holds this clone, as an absolute path (not as the tail of a relative one).
    here = re.compile(r"(?<![\w.-])" + re.escape(str(ROOT.parent).rstrip("/") + "/")) if str(ROOT.parent) != "/" else None
    offenders = []
    for path in tracked_files():
        if not path.is_file() or path.resolve() == Path(__file__).resolve():  # this file spells the patterns
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # binary files (images) hold no paths
        for number, line in enumerate(text.splitlines(), start=1):
            if FORBIDDEN.search(line) or (here is not None and here.search(line)):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:120]}")
    assert not offenders, "tracked files point outside the repository:\n" + "\n".join(offenders)
