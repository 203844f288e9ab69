"""Compare the main job's rebuilt inputs with the reference build whose figures the README reports.

The base encoder and the silver file are rebuilt on every machine (from pinned wheels and committed
paragraphs). When their bytes match tools/reference_inputs.json, a difference in results comes from the
training run itself (threads, CPU kernels; README "Reproducibility"); when they do not, this says so
first, naming the file.
"""

from __future__ import annotations

import json
from pathlib import Path

REFERENCE = Path(__file__).with_name("reference_inputs.json")
REPO = REFERENCE.parent.parent


def compare(path: Path) -> str:
    """One line: identical to the reference build, different (both hashes), or not referenced."""
    from isnad_tagger.files import sha256_file

    path = Path(path).resolve()
    try:
        key = path.relative_to(REPO).as_posix()
    except ValueError:
        key = path.as_posix()
    reference = json.loads(REFERENCE.read_text(encoding="utf-8"))["files"].get(key)
    actual = sha256_file(path)
    if reference is None:
        return f"{key}: sha256 {actual[:12]}... (no reference hash recorded for this file)"
    if actual == reference:
        return f"{key}: identical to the reference build (sha256 {actual[:12]}...)"
    return (f"WARNING {key}: sha256 {actual[:12]}... differs from the reference build's {reference[:12]}...: "
            "results will not match the README's bit for bit")
