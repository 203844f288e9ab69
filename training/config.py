"""Training configuration: one YAML file read into one dataclass; unknown keys are errors, so a
config never carries settings the code ignores.

Relative paths in a config (data files, output folder, a local base model) resolve against the folder
of the config file itself, so a config works from any working directory. Any other
`transformers.TrainingArguments` setting (bf16, fp16, lr_scheduler_type, eval_steps, max_grad_norm,
report_to, ...) goes under `trainer:` and is passed through as is; its names are checked against
TrainingArguments, so a typo is an error, not a silently ignored key.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from isnad_tagger.spans import IsnadDataError


@dataclass
class TrainConfig:
    model_name_or_path: str
    train_files: list[str]
    output_dir: str
    dev_file: str | None = None
    test_file: str | None = None
    max_length: int = 256
    stride: int = 64
    batch_size: int = 16
    eval_batch_size: int = 32
    learning_rate: float = 5e-5
    epochs: float = 3.0
    warmup_ratio: float = 0.1
    weight_decay: float = 0.01
    gradient_accumulation_steps: int = 1
    seed: int = 42
    save_strategy: str = "epoch"
    save_steps: int = 500
    save_total_limit: int = 2
    logging_steps: int = 50
    normalizer: str | None = None
    family_weights: dict[str, float] = field(default_factory=dict)
    o_tag_weight: float = 1.0
    # Extra training files annotated for some families only, e.g. {data/anercorp/train.jsonl: [ACTOR]}.
    partial_files: dict[str, list[str]] = field(default_factory=dict)
    max_steps: int = -1
    # Another label schema instead of Isnad's, e.g. {NER: [PERS, ORG, LOC, MISC]} for the ANERcorp yardstick.
    label_schema: dict[str, list[str]] = field(default_factory=dict)
    # Further transformers.TrainingArguments settings, passed through (see TRAINER_OWNED for the exceptions).
    trainer: dict[str, Any] = field(default_factory=dict)
    # Resumable checkpoints (optimizer state included) go here, so output_dir holds only the publishable
    # model; default: "<output_dir>-checkpoints" beside it.
    checkpoint_dir: str | None = None
    # Longest training record (characters) accepted at validation: a record is cut into windows held in
    # memory at once, so a whole book in one line would exhaust RAM minutes in. Split long documents
    # into paragraphs, or raise this on a machine with the memory for it.
    max_record_chars: int = 100_000
    # How the trained model's word tags become spans (recorded in config.json): "argmax" or "viterbi"
    # (valid BIO only; see isnad_tagger.decoding and docs/extra_data_trial.md for what it does on dev).
    decoding: str = "argmax"
    # Records of the training files to leave out, by id (e.g. documents from the out-of-domain test's
    # outlets); an id that is in none of the files is an error, so a typo cannot silently keep one.
    exclude_records: list[str] = field(default_factory=list)

    @property
    def checkpoints(self) -> str:
        return self.checkpoint_dir or f"{self.output_dir.rstrip('/')}-checkpoints"

    def contract(self):
        """The checkpoint contract this run trains for (isnad_tagger.contract): Isnad's families unless
        `label_schema` is set, and this config's window geometry and normalizer."""
        from isnad_tagger.contract import Contract
        from isnad_tagger.labels import FAMILIES, schema_from_mapping

        families = schema_from_mapping(self.label_schema) if self.label_schema else FAMILIES
        return Contract(families=families, max_length=self.max_length, stride=self.stride, normalizer=self.normalizer,
                        decoding=self.decoding)

    def resolve_paths(self, base: Path) -> "TrainConfig":
        """Data paths are relative to `base` (the config file's folder) unless absolute; the model
        path too when it names an existing local folder (otherwise it is a Hub id)."""

        def fix(path: str | None) -> str | None:
            if path is None or Path(path).is_absolute():
                return path
            return os.path.normpath(base / path)

        model = self.model_name_or_path
        # "org/name" is a Hub id; a path that starts with ./ or ../, or names an existing folder, is local.
        if model.startswith(("./", "../")) or (base / model).exists():
            model = os.path.normpath(base / model)
        return dataclasses.replace(
            self,
            model_name_or_path=model,
            train_files=[fix(p) for p in self.train_files],  # type: ignore[misc]
            partial_files={fix(p): families for p, families in self.partial_files.items()},  # type: ignore[misc]
            dev_file=fix(self.dev_file),
            test_file=fix(self.test_file),
            output_dir=fix(self.output_dir),  # type: ignore[arg-type]
            checkpoint_dir=fix(self.checkpoint_dir),
        )


# TrainingArguments that Isnad sets from its own settings (name -> the top-level key to use instead),
# or must fix for its data pipeline (-> None): a `trainer:` mapping may not set them.
TRAINER_OWNED: dict[str, str | None] = {
    "output_dir": "checkpoint_dir",
    "push_to_hub": "push_to_hub",
    "per_device_train_batch_size": "batch_size",
    "per_device_eval_batch_size": "eval_batch_size",
    "learning_rate": "learning_rate",
    "num_train_epochs": "epochs",
    "max_steps": "max_steps",
    "warmup_steps": "warmup_ratio",
    "warmup_ratio": "warmup_ratio",
    "weight_decay": "weight_decay",
    "gradient_accumulation_steps": "gradient_accumulation_steps",
    "seed": "seed",
    "data_seed": "seed",
    "save_strategy": "save_strategy",
    "save_steps": "save_steps",
    "save_total_limit": "save_total_limit",
    "logging_steps": "logging_steps",
    "remove_unused_columns": None,
    "use_cpu": None,
}


def check_trainer_settings(path: Path, settings: Any) -> dict[str, Any]:
    """The `trainer:` mapping: every key a TrainingArguments field that Isnad does not own."""
    if not isinstance(settings, dict):
        raise ValueError(f"{path}: setting 'trainer' must be a mapping of TrainingArguments settings, got {settings!r}")
    from transformers import TrainingArguments

    known = {f.name for f in dataclasses.fields(TrainingArguments) if f.init}
    for key in settings:
        if key in TRAINER_OWNED:
            instead = TRAINER_OWNED[key]
            hint = f"set the top-level '{instead}' instead" if instead else "Isnad's data pipeline needs its own value"
            if instead == "push_to_hub":  # the Trainer would upload its checkpoints; publish the finished folder
                hint = "publish the finished model folder with `isnad-tagger push --model OUTPUT_DIR --repo ID` (hub_model_id names the repo in the card)"
            raise ValueError(f"{path}: trainer.{key} cannot be set here: {hint}")
        if key not in known:
            close = difflib.get_close_matches(key, known, n=3)
            raise ValueError(f"{path}: trainer.{key} is not a transformers TrainingArguments setting"
                             + (f" (did you mean {', '.join(close)}?)" if close else ""))
    return dict(settings)


def _coerce(value: str) -> Any:
    return yaml.safe_load(value)


def _typed(path: Path, key: str, value: Any) -> Any:
    """YAML reads `1e-3` as a string (1.1 rules): coerce numbers to the field's type, or say which key is wrong."""
    expected = typing.get_type_hints(TrainConfig)[key]
    for kind in (int, float):
        if expected is kind and not isinstance(value, bool):
            try:
                number = kind(value)
            except (TypeError, ValueError):
                raise ValueError(f"{path}: setting {key!r} must be a number, got {value!r}") from None
            if kind is int and number != float(value):
                raise ValueError(f"{path}: setting {key!r} must be a whole number, got {value!r}")
            return number
    return value


def load_config(path: str | Path, overrides: list[str] = (), base: Path | None = None) -> TrainConfig:
    """Read a YAML config; `overrides` are "key=value" strings (value parsed as YAML). Every problem
    is an IsnadDataError (a ValueError) naming the file and the setting."""
    try:
        return _load_config(Path(path), list(overrides), base)
    except IsnadDataError:
        raise
    except ValueError as error:
        raise IsnadDataError(str(error)) from None


def _load_config(path: Path, overrides: list[str], base: Path | None) -> TrainConfig:
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise ValueError(f"config file {path} not found") from None
    except yaml.YAMLError as error:
        raise ValueError(f"{path}: invalid YAML: {error}") from None
    if not isinstance(raw, dict):
        raise ValueError(f"{path}: expected a mapping of settings at the top level")
    hints = typing.get_type_hints(TrainConfig)
    for item in overrides:
        key, sep, value = item.partition("=")
        if not sep:
            raise ValueError(f"override {item!r} must look like key=value")
        key = key.strip()
        if key.startswith("trainer."):  # --set trainer.bf16=true
            raw.setdefault("trainer", {})
            if not isinstance(raw["trainer"], dict):
                raise ValueError(f"{path}: setting 'trainer' must be a mapping")
            raw["trainer"][key.split(".", 1)[1]] = _coerce(value)
            continue
        # String settings keep the text as typed: YAML would turn `save_strategy=no` into False.
        raw[key] = value if hints.get(key) in (str, str | None) and value != "null" else _coerce(value)
    known = {f.name for f in dataclasses.fields(TrainConfig)}
    unknown = sorted(set(raw) - known)
    if unknown:
        from transformers import TrainingArguments

        passthrough = [k for k in unknown if k in {f.name for f in dataclasses.fields(TrainingArguments)}]
        hint = (f"; {', '.join(passthrough)} {'is a' if len(passthrough) == 1 else 'are'} Trainer setting(s): put them under "
                f"'trainer:' (e.g. --set trainer.{passthrough[0]}=...)") if passthrough else ""
        raise ValueError(f"{path}: unknown setting(s) {', '.join(unknown)}{hint}; known: {', '.join(sorted(known))}")
    if "trainer" in raw:
        raw["trainer"] = check_trainer_settings(path, raw["trainer"])
    missing = [f.name for f in dataclasses.fields(TrainConfig) if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING and f.name not in raw]  # type: ignore[misc]
    if missing:
        raise ValueError(f"{path}: missing required setting(s) {', '.join(missing)}")
    if isinstance(raw.get("train_files"), str):
        raw["train_files"] = [raw["train_files"]]
    if raw.get("label_schema"):
        from isnad_tagger.labels import schema_from_mapping

        try:
            schema_from_mapping(raw["label_schema"])
        except ValueError as error:
            raise ValueError(f"{path}: setting 'label_schema': {error}") from None
    config = TrainConfig(**{key: _typed(path, key, value) for key, value in raw.items()})
    try:
        config.contract()  # window geometry and schema checked before any data is read
    except ValueError as error:
        raise ValueError(f"{path}: {error}") from None
    return config.resolve_paths(base if base is not None else path.resolve().parent)
