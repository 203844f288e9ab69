"""The training configs shipped inside the package (configs/ installs as isnad_tagger.configs), so a
user of an installed package starts from the same recipe the repository trains with."""

from __future__ import annotations

import importlib.resources
import re
from pathlib import Path

from isnad_tagger.spans import IsnadDataError

PATH_KEYS = ("model_name_or_path", "train_files", "dev_file", "test_file", "output_dir")


def available() -> list[str]:
    folder = importlib.resources.files("isnad_tagger.configs")
    return sorted(entry.name[: -len(".yaml")] for entry in folder.iterdir() if entry.name.endswith(".yaml"))


def packaged_text(name: str) -> str:
    names = available()
    if name not in names:
        raise IsnadDataError(f"no packaged config {name!r}; choose one of: {', '.join(names)}")
    return importlib.resources.files("isnad_tagger.configs").joinpath(f"{name}.yaml").read_text(encoding="utf-8")


def relocate(text: str) -> str:
    """The repository's configs sit in configs/ and reach data as ../data/...; a copy written elsewhere
    names the same files relative to its own folder (data/..., artifacts/...)."""
    pattern = re.compile(rf"^((?:{'|'.join(PATH_KEYS)}):.*)$", re.MULTILINE)
    return pattern.sub(lambda m: m.group(1).replace("../", ""), text)


def write_config(name: str, output: str | Path) -> tuple[Path, list[str]]:
    """Write packaged config `name` to output (never over an existing file); returns the path and the
    data files it names, for the user to provide."""
    import yaml

    path = Path(output)
    if path.exists():
        raise IsnadDataError("exists; choose another file (init-config never overwrites)", path=str(path))
    text = relocate(packaged_text(name))
    header = f"# Written by `isnad-tagger init-config {name}`: paths are relative to this file's folder.\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(header + text, encoding="utf-8")
    settings = yaml.safe_load(text)
    data = [*settings.get("train_files", []), *(settings.get(k) for k in ("dev_file", "test_file") if settings.get(k))]
    return path, data
