"""The checkpoint contract: everything a trained model needs to be read back exactly as it was trained.

Training builds one `Contract`, writes it into `config.json` (the head labels in `id2label`, the rest
under `config.isnad`), and every reader — Tagger, ONNX export, model card, markup, render, the CLI —
takes it from there instead of reading loose keys. It is versioned: a checkpoint written by a newer
Isnad is refused with a clear message rather than read half-right.

Version history of `config.isnad`:
- 1: {schema_version: "1", max_length, normalizer, temperatures?, families?}; no stride recorded
  (such checkpoints were windowed with stride 64 at inference, which is kept for them).
- 2: adds `stride`; `schema_version` is an int.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from isnad_tagger.labels import FAMILIES, Family, by_name, schema_from_mapping, schema_to_mapping
from isnad_tagger.layout import HeadLayout
from isnad_tagger.spans import IsnadDataError

CONTRACT_VERSION = 2
CONFIG_KEY = "isnad"
# What version-1 checkpoints were windowed with at inference (they did not record their stride).
V1_STRIDE = 64
DEFAULT_MAX_LENGTH = 256
DEFAULT_STRIDE = 64


@dataclass(frozen=True)
class Contract:
    """Label families, window geometry, text normalizer and score temperatures of one checkpoint."""

    families: tuple[Family, ...] = FAMILIES
    max_length: int = DEFAULT_MAX_LENGTH
    stride: int = DEFAULT_STRIDE
    normalizer: str | None = None
    temperatures: Mapping[str, float] = field(default_factory=dict)
    # How word tags become spans (isnad_tagger.decoding): per-word argmax, or constrained Viterbi.
    decoding: str = "argmax"
    version: int = CONTRACT_VERSION

    def __post_init__(self) -> None:
        if not self.families:
            raise ValueError("a contract needs at least one label family")
        if self.max_length < 8:
            raise ValueError(f"max_length must be at least 8, got {self.max_length}")
        if not 0 <= self.stride < self.max_length:
            raise ValueError(f"stride must be in [0, max_length), got {self.stride} for max_length {self.max_length}")
        from isnad_tagger.decoding import DECODINGS

        if self.decoding not in DECODINGS:
            raise ValueError(f"decoding must be one of {', '.join(DECODINGS)}, got {self.decoding!r}")
        unknown = sorted(set(self.temperatures) - {f.name for f in self.families})
        if unknown:
            raise ValueError(f"temperatures for unknown families: {', '.join(unknown)}")
        # A private plain copy (picklable, for datasets.map): the caller's dict is never shared.
        object.__setattr__(self, "temperatures", {k: float(v) for k, v in self.temperatures.items()})

    # ---- derived views ---------------------------------------------------------------------------

    @property
    def layout(self) -> HeadLayout:
        return HeadLayout.from_families(self.families)

    @property
    def schema(self) -> dict[str, Family]:
        """name -> family, what validation takes."""
        return by_name(self.families)

    @property
    def is_isnad_schema(self) -> bool:
        return self.families == FAMILIES

    def with_temperatures(self, temperatures: Mapping[str, float]) -> "Contract":
        """A new contract with calibrated scores (the old one is left as it was)."""
        return dataclasses.replace(self, temperatures=dict(temperatures))

    # ---- config.json ---------------------------------------------------------------------------

    def settings(self) -> dict[str, Any]:
        """The `config.isnad` block."""
        out: dict[str, Any] = {
            "schema_version": self.version,
            "max_length": self.max_length,
            "stride": self.stride,
            "normalizer": self.normalizer,
        }
        if self.temperatures:
            out["temperatures"] = dict(self.temperatures)
        if self.decoding != "argmax":  # absent means argmax, so older readers see the keys they know
            out["decoding"] = self.decoding
        if not self.is_isnad_schema:
            out["families"] = schema_to_mapping(self.families)
        return out

    def to_config(self, config: Any) -> None:
        """Write the head labels and the settings into a transformers config (in place)."""
        labels = self.layout.labels()
        config.id2label = dict(enumerate(labels))
        config.label2id = {label: i for i, label in enumerate(labels)}
        config.num_labels = len(labels)
        setattr(config, CONFIG_KEY, self.settings())

    @classmethod
    def from_config(cls, config: Any) -> "Contract":
        """Read and check the contract of a transformers config; errors say what is wrong."""
        settings = getattr(config, CONFIG_KEY, None)
        if settings is None:
            settings = {}
        if not isinstance(settings, Mapping):
            raise IsnadDataError(f"config.json field {CONFIG_KEY!r} must be an object, got {type(settings).__name__}")
        version = _version(settings.get("schema_version", 1))
        if version > CONTRACT_VERSION:
            raise IsnadDataError(
                f"the checkpoint was written with Isnad checkpoint schema version {version}, newer than this "
                f"isnad-tagger supports ({CONTRACT_VERSION}); upgrade the isnad-tagger package to load it"
            )
        families_mapping = settings.get("families")
        try:
            families = schema_from_mapping(families_mapping) if families_mapping else FAMILIES
        except ValueError as error:
            raise IsnadDataError(f"config.json {CONFIG_KEY}.families: {error}") from None
        layout = HeadLayout.from_config(config, by_name(families))
        limit = int(getattr(config, "max_position_embeddings", 512) or 512)
        max_length = min(int(settings.get("max_length") or limit), limit)
        # A recorded stride is what training used; a version-1 checkpoint was windowed with 64, capped
        # at half the window, as the Tagger of that version did.
        stride = int(settings["stride"]) if settings.get("stride") is not None else min(V1_STRIDE, max_length // 2)
        try:
            return cls(
                families=layout.families,
                max_length=max_length,
                stride=stride,
                normalizer=settings.get("normalizer"),
                temperatures=dict(settings.get("temperatures") or {}),
                decoding=settings.get("decoding") or "argmax",
                version=CONTRACT_VERSION,
            )
        except ValueError as error:
            raise IsnadDataError(f"config.json {CONFIG_KEY}: {error}") from None

    @classmethod
    def from_pretrained(cls, model_dir: str | Path) -> "Contract":
        """The contract of a local checkpoint folder (its config.json)."""
        config_path = Path(model_dir) / "config.json"
        if not config_path.is_file():
            raise IsnadDataError(f"{model_dir} has no config.json: not a model checkpoint folder")
        from transformers import AutoConfig

        try:
            config = AutoConfig.from_pretrained(str(model_dir), trust_remote_code=False)
        except (OSError, ValueError) as error:
            raise IsnadDataError(f"{config_path} cannot be read: {error}") from None
        return cls.from_config(config)


def _version(raw: Any) -> int:
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise IsnadDataError(f"config.json {CONFIG_KEY}.schema_version must be a whole number, got {raw!r}") from None


def load_schema(source: str | Path) -> tuple[Family, ...]:
    """The label families named by a CLI `--schema` value: a checkpoint folder (its contract), a
    training config with `label_schema`, or a YAML/JSON file mapping family names to type lists."""
    path = Path(source)
    if path.is_dir():
        return Contract.from_pretrained(path).families
    if not path.is_file():
        raise IsnadDataError(f"schema {source!r} not found: pass a checkpoint folder or a YAML/JSON schema file")
    import yaml

    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError) as error:
        raise IsnadDataError(f"cannot be read as YAML/JSON: {error}", path=str(path)) from None
    if isinstance(raw, Mapping) and "label_schema" in raw:
        raw = raw["label_schema"]
    try:
        return schema_from_mapping(raw)
    except ValueError as error:
        raise IsnadDataError(str(error), path=str(path)) from None
