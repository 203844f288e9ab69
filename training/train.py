"""Train an Isnad tagger from a YAML config (single process, torchrun or `accelerate launch`).

load config -> validate data -> init model -> Trainer.train (resumable) -> save checkpoint ->
span-level evaluation on dev/test -> metrics JSON and model card.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from isnad_tagger.contract import Contract
from isnad_tagger.data import read_records
from isnad_tagger.errors import MissingDependencyError
from isnad_tagger.spans import IsnadDataError
from isnad_tagger.labels import FAMILY_BY_NAME, Family
from isnad_tagger.training.checkpoints import last_complete_checkpoint
from isnad_tagger.training.config import TrainConfig, load_config

if TYPE_CHECKING:
    from isnad_tagger.training.stop_signal import StopOnSignal

TRAINING_INFO = "isnad_training.json"


def check_output_dir(path: Path) -> None:
    """Fail before any work when the output folder cannot be written."""
    from isnad_tagger.outputs import probe_folder

    try:
        probe_folder(path)
    except OSError as error:
        from isnad_tagger.errors import IsnadIOError

        raise IsnadIOError(error.errno, f"output folder {path} is not writable ({error.strerror}); nothing was trained") from None


def check_base_model(name_or_path: str) -> None:
    """A local base model (an absolute path once the config is read) must be a model folder; a Hub
    id is checked by transformers when it loads."""
    path = Path(name_or_path)
    if path.is_absolute() and not (path / "config.json").is_file():
        what = "has no config.json" if path.is_dir() else "does not exist"
        hint = " (run `make base` to build the offline base encoder)" if "artifacts" in path.parts else ""
        raise IsnadDataError(f"base model folder {path} {what}: set model_name_or_path to a model folder or a Hub id{hint}")


def load_split(paths: list[str], partial: dict[str, list[str]] | None = None, schema: dict[str, Family] = FAMILY_BY_NAME,
               max_record_chars: int | None = None, exclude: list[str] | None = None):
    """All records of the given files, validated up front (errors name file and line); records of
    partial files carry the families they supervise. With `max_record_chars` (training files) an empty
    file or an over-long record is an error too."""
    import datasets

    from isnad_tagger.data import load_dataset

    everything = list(schema)
    sources = [(p, everything) for p in paths] + list((partial or {}).items())
    parts = []
    for path, families in sources:
        unknown = [f for f in families if f not in schema]
        if unknown:
            raise IsnadDataError(f"partial_files: unknown families {unknown} for {path}")
        dataset = load_dataset(path, schema, max_record_chars=max_record_chars, require_records=max_record_chars is not None)
        parts.append(dataset.add_column("families", [list(families)] * len(dataset)))
    merged = datasets.concatenate_datasets(parts) if len(parts) > 1 else parts[0]
    if exclude:
        missing = sorted(set(exclude) - set(merged["id"]))
        if missing:
            raise IsnadDataError(f"exclude_records: {len(missing)} ids are in no training file, e.g. {missing[0]!r}")
        left_out = set(exclude)
        merged = merged.filter(lambda row: row["id"] not in left_out)
    return merged


def train(config: TrainConfig, resume: bool = False) -> dict:
    """Train, evaluate and save; returns the training info (empty on ranks other than 0). Raises
    TrainingStopped after a SIGTERM/SIGINT has been answered with a checkpoint."""
    from isnad_tagger.training.stop_signal import StopOnSignal, TrainingStopped

    # Signals are answered for the whole run: one that comes while data and model are set up stops the
    # training after its first step, with a checkpoint, instead of killing the process before any save.
    try:
        with StopOnSignal() as stop:
            info = _train(config, resume, stop)
    except TrainingStopped:
        _close_process_group()  # every rank stopped at the same step
        raise
    _close_process_group()
    return info


def _train(config: TrainConfig, resume: bool, stop: "StopOnSignal") -> dict:
    import torch
    from transformers import AutoTokenizer, TrainingArguments, set_seed

    from isnad_tagger.training.features import WindowCollator, featurize
    from isnad_tagger.training.fingerprint import describe_fingerprint, run_fingerprint
    from isnad_tagger.training.modeling import init_model
    from isnad_tagger.training.stop_signal import TrainingStopped, whole_run_loss
    from isnad_tagger.training.trainer import IsnadTrainer, word_level_metrics

    from isnad_tagger.normalize import get_normalizer

    # Everything that can be wrong with the setup fails here, before any data is read or any
    # folder is created: the base model, the normalizer's package, then the data, then the output.
    check_base_model(config.model_name_or_path)
    get_normalizer(config.normalizer)
    contract = config.contract()
    schema = contract.schema
    train_raw = load_split(config.train_files, config.partial_files, schema, max_record_chars=config.max_record_chars,
                           exclude=config.exclude_records)
    dev_raw = load_split([config.dev_file], schema=schema) if config.dev_file else None
    test_records = read_records(config.test_file, schema) if config.test_file else None
    dev_records = read_records(config.dev_file, schema) if config.dev_file else None
    output_dir = Path(config.output_dir)
    checkpoint_dir = Path(config.checkpoints)
    check_output_dir(output_dir)
    check_output_dir(checkpoint_dir)

    fingerprint = run_fingerprint(config)
    if int(os.environ.get("RANK", 0)) == 0:
        print(describe_fingerprint(fingerprint), file=sys.stderr)
    set_seed(config.seed)
    layout = contract.layout
    tokenizer = AutoTokenizer.from_pretrained(config.model_name_or_path, trust_remote_code=False)
    model = init_model(config.model_name_or_path, contract)
    options = dict(tokenizer=tokenizer, contract=contract)

    def windows(raw):
        """Records -> model windows (one record may give several; nothing is truncated)."""
        return raw.map(featurize, batched=True, remove_columns=["id", "text", "spans", "families"], fn_kwargs=options).remove_columns("record_id")

    train_set = windows(train_raw)
    dev_set = windows(dev_raw) if dev_raw is not None else None

    weights = [config.family_weights.get(b.family.name, 1.0) for b in layout.blocks] if config.family_weights else None
    defaults = dict(eval_strategy="epoch" if dev_set is not None else "no", report_to="none",
                    dataloader_num_workers=0, dataloader_pin_memory=torch.cuda.is_available())
    training_args = TrainingArguments(
        **{**defaults, **config.trainer},  # the config's `trainer:` settings win over these defaults
        output_dir=str(checkpoint_dir),
        per_device_train_batch_size=config.batch_size,
        per_device_eval_batch_size=config.eval_batch_size,
        learning_rate=config.learning_rate,
        num_train_epochs=config.epochs,
        max_steps=config.max_steps,
        warmup_steps=config.warmup_ratio,
        weight_decay=config.weight_decay,
        gradient_accumulation_steps=config.gradient_accumulation_steps,
        seed=config.seed,
        data_seed=config.seed,
        save_strategy=config.save_strategy,
        save_steps=config.save_steps,
        save_total_limit=config.save_total_limit,
        logging_steps=config.logging_steps,
        remove_unused_columns=False,
        # Without use_cpu, a torchrun launch on CPU runs N unsynchronised copies (no DDP).
        use_cpu=not torch.cuda.is_available(),
    )
    trainer = IsnadTrainer(
        model=model,
        args=training_args,
        train_dataset=train_set,
        eval_dataset=dev_set,
        data_collator=WindowCollator(tokenizer.pad_token_id or 0),
        compute_metrics=word_level_metrics(layout),
        layout=layout,
        family_weights=weights,
        o_tag_weight=config.o_tag_weight,
        callbacks=[stop],
    )
    last, resumed_at, earlier_log = None, 0, []
    if resume:
        checkpoint, skipped = last_complete_checkpoint(checkpoint_dir)
        for folder, reason in skipped:
            print(f"isnad-tagger train: skipping incomplete checkpoint {folder}: {reason}", file=sys.stderr)
        last = str(checkpoint) if checkpoint else None
        if last is None:
            print(f"isnad-tagger train: no complete checkpoint in {checkpoint_dir}; starting from scratch", file=sys.stderr)
        else:
            state = json.loads((checkpoint / "trainer_state.json").read_text(encoding="utf-8"))
            resumed_at, earlier_log = state.get("global_step", 0), state.get("log_history", [])
    started = time.time()
    result = trainer.train(resume_from_checkpoint=last)
    elapsed = time.time() - started
    stop.release()
    if stop.received is not None:
        import signal

        if trainer.state.global_step >= trainer.state.max_steps:  # came after the last step: nothing to resume
            signal.raise_signal(stop.received)
        saved, _ = last_complete_checkpoint(checkpoint_dir)
        raise TrainingStopped(stop.received, f"stopped by {signal.Signals(stop.received).name} at step {trainer.state.global_step} "
                              f"of {trainer.state.max_steps}; a complete checkpoint is in {saved}; run the same command "
                              "with --resume to continue from it")
    train_loss = whole_run_loss(result.training_loss, trainer.state.global_step, resumed_at, earlier_log)
    trainer.save_model(str(output_dir))
    info: dict = {}
    if trainer.is_world_process_zero():
        (output_dir / "training_args.bin").unlink(missing_ok=True)  # a pickle; the settings are in isnad_training.json
        tokenizer.save_pretrained(output_dir)
        info = {
            "world_size": training_args.world_size,
            "parallel_mode": training_args.parallel_mode.value,
            "resumed_from": last,
            "train_windows": len(train_set),
            "train_records": len(train_raw),
            "train_seconds": round(elapsed, 1),
            "train_loss": train_loss,  # over the whole run, also when it was resumed
            "train_loss_this_process": result.training_loss,  # the steps after resumed_step only
            "resumed_step": resumed_at,
            "inputs": fingerprint,
            "global_step": trainer.state.global_step,
            "device": _device_name(),
            "parameters": sum(p.numel() for p in model.parameters()),
            "config": {k: v for k, v in vars(config).items()},
            # the `trainer:` settings as TrainingArguments holds them (enums as their values)
            "trainer_settings": {k: getattr(getattr(training_args, k), "value", getattr(training_args, k)) for k in config.trainer},
            "versions": fingerprint["settings"]["versions"],
        }
        tagger = _tagger(model, tokenizer, contract)
        if dev_records:
            tagger, info["calibration"] = calibrate(tagger, dev_records, test_records or dev_records, output_dir)
            tagger.contract.to_config(model.config)
            model.config.save_pretrained(output_dir)
        info["eval"] = evaluate_splits(tagger, output_dir, dev_records, test_records)
        (output_dir / TRAINING_INFO).write_text(json.dumps(info, ensure_ascii=False, indent=2), encoding="utf-8")
        if test_records:
            from isnad_tagger.training.model_card import write_model_card

            write_model_card(output_dir, gold_dir=Path(config.test_file).parent, hub_model_id=config.trainer.get("hub_model_id"))
    return info


def _close_process_group() -> None:
    """Under torchrun, other ranks wait here while rank 0 evaluates, then the gloo group is torn down:
    a rank that exits with the group alive aborts ("terminate called without an active exception").
    Called once the trainer and its DDP wrapper are gone: destroying the group under a live DDP
    reducer sometimes hung a rank while it freed train()'s locals."""
    import gc

    import torch.distributed as dist

    if dist.is_available() and dist.is_initialized():
        gc.collect()  # the Trainer holds reference cycles (callbacks), so its DDP model is freed here
        dist.barrier()
        dist.destroy_process_group()


def _tagger(model, tokenizer, contract: Contract):
    from isnad_tagger.backends import TorchBackend
    from isnad_tagger.tagger import Tagger

    return Tagger(TorchBackend(model, device=None if _cuda() else "cpu"), tokenizer, contract)


def calibrate(tagger, dev_records, held_out, output_dir: Path):
    """Fit per-family temperatures on dev; returns the tagger under the calibrated contract and the
    span ECE before/after on held-out data (with a reliability plot in output_dir)."""
    from isnad_tagger.decoding import decode_words
    from isnad_tagger.training.calibrate import fit_temperatures, plot_reliability, span_reliability

    temperatures = fit_temperatures(tagger, dev_records)
    encoded, word_logits = tagger.word_logits([r.text for r in held_out])
    gold = [r.spans for r in held_out]
    results = {}
    for name, temps in (("before", {}), ("after", temperatures)):
        predicted = [decode_words(e.words, l, tagger.layout, temps, tagger.contract.decoding) for e, l in zip(encoded, word_logits)]
        results[name] = span_reliability(predicted, gold)
    try:
        plot_reliability(results["before"], results["after"], output_dir / "reliability.png")
    except ImportError:
        print("isnad-tagger train: matplotlib is not installed; skipping the reliability plot", file=sys.stderr)
    print(f"calibration: temperatures {temperatures}; span ECE {results['before']['ece']:.3f} -> {results['after']['ece']:.3f}")
    calibrated = tagger.with_contract(tagger.contract.with_temperatures(temperatures))
    return calibrated, {"temperatures": temperatures, "ece_before": results["before"], "ece_after": results["after"]}


def evaluate_splits(tagger, output_dir: Path, dev_records, test_records) -> dict:
    """Span-level strict/overlap scores of the trained model, written as eval_<split>.json."""
    from isnad_tagger.evaluation import evaluate_predictions, format_table, write_report

    scores = {}
    for split, records in (("dev", dev_records), ("test", test_records)):
        if not records:
            continue
        report = evaluate_predictions(records, tagger.predict_spans, tagger.layout.families)
        write_report(report, str(output_dir / f"eval_{split}.json"), {"split": split, "records": len(records)})
        print(f"\n== {split} ({len(records)} records) ==\n{format_table(report)}")
        scores[split] = {mode: report[mode]["micro"]["f1"] for mode in report}
    return scores


def _device_name() -> str:
    import torch

    if _cuda():
        return f"{torch.cuda.device_count()} x {torch.cuda.get_device_name(0)}"
    return f"CPU, {torch.get_num_threads()} threads"


def _cuda() -> bool:
    import torch

    return torch.cuda.is_available()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description="Train an Isnad tagger from a YAML config.")
    parser.add_argument("--config", required=True, help="YAML file (see configs/)")
    parser.add_argument("--resume", action="store_true", help="continue from the last checkpoint in output_dir")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="override a config setting")
    return parser


def run(config_path: str | Path, overrides: list[str] = (), resume: bool = False) -> int:
    """Load a config and train: the body of both `isnad-tagger train` and this script; 2 on a bad config."""
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    from isnad_tagger.errors import EXIT_IO, EXIT_USAGE, describe_os_error
    from isnad_tagger.training.stop_signal import TrainingStopped

    try:
        config = load_config(config_path, list(overrides))
        train(config, resume=resume)
    except (IsnadDataError, MissingDependencyError) as error:
        print(f"isnad-tagger train: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except TrainingStopped as stopped:
        print(f"isnad-tagger train: {stopped}", file=sys.stderr)
        return stopped.exit_code
    except OSError as error:
        print(f"isnad-tagger train: I/O error: {describe_os_error(error)}; the last complete checkpoint stays "
              "resumable (--resume)", file=sys.stderr)
        return EXIT_IO
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return run(args.config, args.set, args.resume)


if __name__ == "__main__":
    sys.exit(main())
