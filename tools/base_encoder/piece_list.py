"""The committed list of kept piece ids (kept_pieces.txt.gz): the vocabulary cut needs a corpus only
to CHOOSE the pieces, so the choice is stored here and the default build reads nothing else.

Format (gzip, fixed mtime so the same choice gives the same bytes): UTF-8 text; `# ` lines are
comments, `#= key: <json>` lines the header (how the list was made), then one line per kept id, as
the gap from the previous kept id (the first from -1): ascending ids in a fraction of the bytes.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Sequence

FORMAT = 1
DEFAULT_PATH = Path(__file__).with_name("kept_pieces.txt.gz")
REPO = Path(__file__).resolve().parents[2]
COMMENT = """\
# Ids (in the full multilingual-e5-small tokenizer.json) that the trimmed base encoder keeps.
# Made and checked by: python scripts/build_base_encoder.py --choose-pieces / --check-pieces --corpora DIR
# Header: `#= key: json`. Body: one line per kept id, the gap from the previous kept id (first from -1).
"""


def display(path: Path) -> str:
    """`path` relative to the repository when inside it (for READMEs and messages)."""
    try:
        return str(Path(path).resolve().relative_to(REPO))
    except ValueError:
        return str(path)


def render(keep_ids: Sequence[int], header: dict) -> bytes:
    """The file's bytes for ascending `keep_ids` and `header` (deterministic)."""
    ids = [int(i) for i in keep_ids]
    if ids != sorted(set(ids)) or (ids and ids[0] < 0):
        raise ValueError("kept ids must be ascending, unique and non-negative")
    lines = [COMMENT.rstrip("\n")]
    lines += [f"#= {key}: {json.dumps(value, ensure_ascii=False, sort_keys=True)}" for key, value in header.items()]
    lines += [str(b - a) for a, b in zip([-1] + ids, ids)]
    return gzip.compress(("\n".join(lines) + "\n").encode("utf-8"), compresslevel=9, mtime=0)


def parse(data: bytes) -> tuple[list[int], dict]:
    """(kept ids, header) from the file's bytes."""
    header: dict = {}
    ids: list[int] = []
    last = -1
    for n, line in enumerate(gzip.decompress(data).decode("utf-8").splitlines(), 1):
        if line.startswith("#= "):
            key, sep, value = line[3:].partition(": ")
            if not sep:
                raise ValueError(f"line {n}: header line without ': '")
            header[key] = json.loads(value)
        elif line.startswith("#") or not line.strip():
            continue
        else:
            gap = int(line)
            if gap <= 0:
                raise ValueError(f"line {n}: gap {gap} (ids must be ascending)")
            last += gap
            ids.append(last)
    if header.get("format") != FORMAT:
        raise ValueError(f"piece list format {header.get('format')!r}, expected {FORMAT}")
    if header.get("kept") != len(ids):
        raise ValueError(f"piece list holds {len(ids)} ids, its header says {header.get('kept')}")
    return ids, header


def read(path: Path = DEFAULT_PATH) -> tuple[list[int], dict]:
    return parse(Path(path).read_bytes())


def write(path: Path, keep_ids: Sequence[int], header: dict) -> int:
    """Write the list; returns its size in bytes."""
    data = render(keep_ids, header)
    Path(path).write_bytes(data)
    return len(data)
