"""The `isnad-tagger` command line: train, evaluate, predict, export-onnx, render, convert, validate, push, init-config."""

from __future__ import annotations

import argparse
import functools
import sys

from isnad_tagger.errors import EXIT_BAD_LINES, EXIT_OK, MissingDependencyError
from isnad_tagger.spans import IsnadDataError


def schema_option(args: argparse.Namespace):
    """name -> family of the label schema a command works in: `--schema` (a checkpoint folder, a
    training config with label_schema, or a schema file), else Isnad's."""
    from isnad_tagger.labels import FAMILY_BY_NAME, by_name

    if getattr(args, "schema", None):
        from isnad_tagger.contract import load_schema

        return by_name(load_schema(args.schema))
    return FAMILY_BY_NAME


def cmd_validate(args: argparse.Namespace) -> int:
    from isnad_tagger.data import validate_file

    schema = schema_option(args)
    failed = 0
    for path in args.files:
        errors = validate_file(path, schema)
        for error in errors:
            print(error, file=sys.stderr)
        if errors:
            failed += 1
            print(f"{path}: {len(errors)} problem(s)", file=sys.stderr)
        else:
            print(f"{path}: ok")
    return EXIT_BAD_LINES if failed else EXIT_OK


def cmd_convert(args: argparse.Namespace) -> int:
    from isnad_tagger.data import convert

    count = convert(args.input, args.output, schema_option(args))
    print(f"wrote {count} records to {args.output}")
    return 0


def _quiet_libraries() -> None:
    import os

    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    from transformers.utils import logging

    logging.set_verbosity_error()
    logging.disable_progress_bar()


def load_predictor(args: argparse.Namespace):
    """The model (or the rule baseline) behind predict/evaluate, as texts -> list of span lists."""
    if getattr(args, "rules", False):
        from isnad_tagger.rules import RuleTagger

        return RuleTagger()
    if not args.model:
        raise IsnadDataError("--model is required (or --rules for the rule baseline)")
    _quiet_libraries()
    from isnad_tagger.tagger import Tagger

    return Tagger.from_pretrained(args.model, backend=args.backend, quantized=args.quantized, device=_device(args),
                                  threads=args.threads, revision=args.revision, verify_hashes=not args.no_verify_hashes)


def _device(args: argparse.Namespace) -> str | None:
    """--device, else under torchrun / accelerate launch each rank's own GPU (LOCAL_RANK) when there are GPUs."""
    import os

    if args.device:
        return args.device
    if int(os.environ.get("WORLD_SIZE", 1)) > 1 and "LOCAL_RANK" in os.environ:
        import importlib.util

        if importlib.util.find_spec("torch") is not None:
            import torch

            if torch.cuda.is_available():
                return f"cuda:{int(os.environ['LOCAL_RANK']) % torch.cuda.device_count()}"
    return None


def predict_all(predictor, texts: list[str], desc: str, progress: bool = True, chunk: int = 64) -> list[list[dict]]:
    """predictor.predict over many texts, with a progress bar of texts done."""
    from tqdm import tqdm

    out: list[list[dict]] = []
    with tqdm(total=len(texts), desc=desc, unit=" texts", disable=not progress, file=sys.stderr) as bar:
        for start in range(0, len(texts), chunk):
            part = texts[start : start + chunk]
            out.extend(predictor.predict(part))
            bar.update(len(part))
    return out


def cmd_train(args: argparse.Namespace) -> int:
    from isnad_tagger.training.train import run

    return run(args.config, args.set, args.resume)


def cmd_evaluate(args: argparse.Namespace) -> int:
    from isnad_tagger.data import read_records
    from isnad_tagger.evaluation import format_table, score_spans, write_report
    from isnad_tagger.labels import FAMILIES, by_name
    from isnad_tagger.spans import Span

    if args.output:
        from isnad_tagger.outputs import check_distinct, check_writable

        check_distinct(args.data, args.output)  # before the model loads
        check_writable(args.output)
    predictor = load_predictor(args)
    # A model trained on another label schema (e.g. the ANERcorp yardstick) is scored in its own labels.
    families = predictor.contract.families if hasattr(predictor, "contract") else FAMILIES
    records = read_records(args.data, by_name(families))
    predicted = predict_all(predictor, [r.text for r in records], "isnad-tagger evaluate", progress=not args.no_progress)
    spans = [[Span(s["start"], s["end"], s["label"], s["type"]) for s in doc] for doc in predicted]
    report = score_spans([r.spans for r in records], spans, families)
    print(format_table(report))
    if args.output:
        write_report(report, args.output, {"data": args.data, "model": "rules" if args.rules else args.model, "records": len(records)})
        print(f"wrote {args.output}")
    return 0


def cmd_predict(args: argparse.Namespace) -> int:
    import json
    from pathlib import Path

    from isnad_tagger.outputs import STDIO, check_distinct, check_writable, partial_path

    if args.input is None or args.lines:
        if args.input is not None:
            raise IsnadDataError("--lines reads plain text from stdin; drop --input (JSONL files need no --lines)")
        text = read_stdin_text()  # before the model loads: bad bytes fail fast
        predictor = load_predictor(args)
        texts = text.splitlines() if args.lines else [text]
        for number, (text, spans) in enumerate(zip(texts, predictor.predict(texts)), start=1):
            print(json.dumps({"id": number, "text": text, "spans": spans} if args.lines else {"text": text, "spans": spans}, ensure_ascii=False))
        return 0
    if args.output is None:
        raise IsnadDataError("--output is required with --input (a file, or - for stdout)")
    if args.input != STDIO and not Path(args.input).is_file():
        raise IsnadDataError("input file not found" if not Path(args.input).exists() else "input is not a file", path=args.input)
    check_distinct(args.input, args.output)  # before the model loads and before anything is written
    if args.output != STDIO:
        check_writable(partial_path(args.output))
    predictor = load_predictor(args)
    from isnad_tagger.corpus_predict import predict_jsonl

    state = _process_state()
    shard = (state.process_index, state.num_processes) if state else (0, 1)
    output = Path(args.output)
    if shard[1] > 1:
        if args.output == STDIO:
            raise IsnadDataError("several processes write parts of one output file: --output - (stdout) needs one process")
        output = _part(output, shard[0])
    import io

    # Every rank reads every line, so only rank 0 reports bad lines and sets the exit status; a
    # failing rank would make torchrun stop the others before rank 0 has merged the parts.
    errors = sys.stderr if shard[0] == 0 else io.StringIO()
    report = predict_jsonl(predictor.predict, Path(args.input), output, resume=args.resume, chunk_size=args.chunk_size,
                           progress=not args.no_progress and shard[0] == 0, shard=shard, errors=errors)
    if state is not None:
        state.wait_for_everyone()  # every rank has closed its part: nothing is merged while one still writes
        if state.is_main_process:
            _merge_parts(Path(args.output), shard[1])
        state.wait_for_everyone()
    where = "stdout" if args.output == STDIO else output
    print(f"wrote {report.written} records to {where} ({report.skipped_done} already done, {len(report.bad_lines)} bad lines)", file=sys.stderr)
    return EXIT_BAD_LINES if report.bad_lines and shard[0] == 0 else EXIT_OK


def read_stdin_text() -> str:
    """All of stdin as UTF-8; bytes that are not UTF-8 are an error naming their offset (never copied
    into the output as they are)."""
    data = sys.stdin.buffer.read()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise IsnadDataError(f"stdin: invalid UTF-8 at byte {error.start} (line {line}): {data[error.start:error.end]!r}") from None


def _process_state():
    """accelerate's PartialState under torchrun / accelerate launch (several processes), else None."""
    import os

    if int(os.environ.get("WORLD_SIZE", 1)) <= 1:
        return None
    import torch
    from accelerate import PartialState

    # cpu=True on a machine without CUDA: otherwise accelerate sees no device to distribute over and
    # each rank runs alone, as if it were the only process.
    return PartialState(cpu=not torch.cuda.is_available())


def _part(output, rank: int):
    return output.with_name(f"{output.name}.part{rank}")


def _merge_parts(output, world: int) -> None:
    """Interleave the ranks' parts back into input order (rank k holds records k, k+n, ...)."""
    from isnad_tagger.outputs import replace_when_done

    parts = [_part(output, k) for k in range(world)]
    readers = [p.open(encoding="utf-8") for p in parts]
    with replace_when_done(output) as out:
        k = 0
        while True:
            line = readers[k % world].readline()
            if not line:
                break
            out.write(line)
            k += 1
    for reader, part in zip(readers, parts):
        reader.close()
        part.unlink()


def cmd_export(args: argparse.Namespace) -> int:
    _quiet_libraries()
    from isnad_tagger.onnx_export import export_onnx

    calibration = None
    if args.calibration:
        from isnad_tagger.data import read_records

        calibration = [r.text for r in read_records(args.calibration)][: args.calibration_size]
    paths = export_onnx(args.model, args.output, quantize=not args.no_int8, progress=not args.no_progress, int8=args.int8,
                        calibration_texts=calibration)
    for kind, path in paths.items():
        print(f"{kind}: {path}")
    return 0


def cmd_render(args: argparse.Namespace) -> int:
    from isnad_tagger.data import iter_jsonl_objects, parse_record
    from isnad_tagger.labels import by_name
    from isnad_tagger.outputs import check_distinct, check_writable, replace_when_done
    from isnad_tagger.render import render_html
    from isnad_tagger.spans import span_problems

    check_distinct(args.input, args.output)  # the page never replaces the data it shows
    check_writable(args.output)
    documents = []
    for number, obj in iter_jsonl_objects(args.input):
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
            raise IsnadDataError("expected an object with a string 'text'", path=args.input, line=number)
        documents.append((number, obj))
    predictor = load_predictor(args) if args.model or args.rules else None
    schema = by_name(predictor.contract.families) if hasattr(predictor, "contract") else schema_option(args)
    if predictor is not None:
        for (_, doc), spans in zip(documents, predict_all(predictor, [d["text"] for _, d in documents], "isnad-tagger render", not args.no_progress)):
            doc["spans"] = spans
    for number, doc in documents:
        # Spans from a file are checked against the schema first: a wrong type or offset is named, not a crash.
        try:
            record = parse_record({"id": str(doc.get("id", number)), "text": doc["text"], "spans": doc.get("spans", [])})
        except IsnadDataError as error:
            raise IsnadDataError(error.reason, path=args.input, line=number) from None
        problems = span_problems(record.text, record.spans, schema)
        if problems:
            raise IsnadDataError(f"record {record.id!r}: {problems[0]}", path=args.input, line=number)
    with replace_when_done(args.output) as page:
        page.write(render_html([d for _, d in documents], title=args.title, families=tuple(schema.values())))
    print(f"wrote {len(documents)} documents to {args.output}")
    return 0


def _model_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", help="checkpoint folder or Hub id")
    p.add_argument("--revision", help="with a Hub id: branch, tag or commit to load")
    p.add_argument("--rules", action="store_true", help="use the rule-based baseline instead of a model")
    p.add_argument("--backend", choices=("torch", "onnx"), default="torch")
    p.add_argument("--quantized", action="store_true", help="with --backend onnx: the int8 model")
    p.add_argument("--device", help="cpu, cuda or cuda:N (default: a GPU when torch sees one; under torchrun each "
                   "rank takes the GPU of its LOCAL_RANK); the ONNX backend needs onnxruntime-gpu for cuda")
    p.add_argument("--threads", type=int, help="with --backend onnx: intra-op threads (default: ONNX Runtime's choice)")
    p.add_argument("--no-verify-hashes", action="store_true", help="with --backend onnx: load a graph whose sha256 differs "
                   "from the one its export recorded (a file you built yourself)")


def cmd_push(args: argparse.Namespace) -> int:
    from pathlib import Path

    from isnad_tagger.hub import published_files, push_folder

    folder = Path(args.model)
    if not folder.is_dir():
        raise IsnadDataError("model folder not found", path=args.model)
    files = published_files(folder)
    if args.dry_run:
        print("\n".join(files))
        print(f"{len(files)} files would be uploaded to {args.repo}", file=sys.stderr)
        return 0
    result = push_folder(folder, args.repo, token=args.token, private=args.private or None, revision=args.revision,
                         commit_message=args.message, create_pr=args.create_pr)
    print(f"uploaded {len(files)} files to {args.repo}: {getattr(result, 'commit_url', result)}")
    return 0


def cmd_init_config(args: argparse.Namespace) -> int:
    from isnad_tagger.training.packaged_configs import write_config

    path, data_files = write_config(args.name, args.output)
    print(f"wrote {path}; its data files (relative to the config's folder): {', '.join(data_files) or 'none'}")
    return 0


def _schema_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--schema", metavar="PATH", help="another label schema: a checkpoint folder, a training config with "
                   "label_schema, or a YAML/JSON file {FAMILY: [types]} (default: the Isnad schema)")


def build_parser() -> argparse.ArgumentParser:
    from isnad_tagger import __version__

    parser = argparse.ArgumentParser(prog="isnad-tagger", description=__doc__)
    parser.add_argument("--version", action="version", version=f"isnad-tagger {__version__}")
    parser.add_argument("--debug", action="store_true", help="show the Python traceback of a failure (exit codes: README)")
    sub = parser.add_subparsers(dest="command", required=True)
    debug = argparse.ArgumentParser(add_help=False)  # `isnad-tagger predict --debug ...` works too
    debug.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    sub.add_parser = functools.partial(sub.add_parser, parents=[debug])  # type: ignore[method-assign]

    p = sub.add_parser("train", help="fine-tune a tagger from a YAML config")
    p.add_argument("--config", required=True)
    p.add_argument("--resume", action="store_true", help="continue from the last checkpoint")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("evaluate", help="strict and overlap P/R/F1 per family and type on a gold file")
    _model_options(p)
    p.add_argument("--data", required=True, help="gold span JSONL or markup file")
    p.add_argument("--output", help="write the scores as JSON here")
    p.add_argument("--no-progress", action="store_true")
    p.set_defaults(func=cmd_evaluate)

    p = sub.add_parser("predict", help="tag JSONL lines {id, text} (or plain text on stdin)")
    _model_options(p)
    p.add_argument("--input", help="JSONL with id and text per line (- for stdin); omit to tag plain text from stdin")
    p.add_argument("--output", help="JSONL out: the input lines with 'spans' added (- for stdout); written to "
                   "OUTPUT.partial and renamed when complete")
    p.add_argument("--lines", action="store_true", help="plain text on stdin, one record per line (id = line number)")
    p.add_argument("--resume", action="store_true", help="keep finished lines of --output and do the rest")
    p.add_argument("--chunk-size", type=int, default=64, help="records per predict() call")
    p.add_argument("--no-progress", action="store_true")
    p.set_defaults(func=cmd_predict)

    p = sub.add_parser("export-onnx", help="export a checkpoint to ONNX fp32 and int8")
    p.add_argument("--model", required=True)
    p.add_argument("--output", help="folder (default: <model>/onnx)")
    p.add_argument("--no-int8", action="store_true", help="skip the quantized model")
    p.add_argument("--int8", choices=("dynamic", "static"), default="dynamic",
                   help="static: activation scales calibrated on --calibration texts, the same spans alone or in any batch")
    p.add_argument("--calibration", metavar="FILE", help="with --int8 static: span JSONL or markup of real news paragraphs (not test data)")
    p.add_argument("--calibration-size", type=int, default=200, help="paragraphs of --calibration to use")
    p.add_argument("--no-progress", action="store_true")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("render", help="right-to-left HTML page showing all four layers")
    _model_options(p)
    _schema_option(p)
    p.add_argument("input", help="JSONL with text (and spans, unless --model/--rules tags it)")
    p.add_argument("output", help="HTML file to write")
    p.add_argument("--title", default="Isnad")
    p.add_argument("--no-progress", action="store_true")
    p.set_defaults(func=cmd_render)

    p = sub.add_parser("push", help="upload a model folder (weights, config, tokenizer, card, onnx/) to the Hugging Face Hub",
                       description="Upload the publishable files of a model folder to a Hub model repository in one commit "
                       "(created if missing): *.safetensors, config.json, tokenizer files, README.md (the model card), "
                       "reliability.png, eval_*.json, isnad_training.json and onnx/. Never uploaded: checkpoint-*/, *.bin, "
                       "*.pt, pickles. Authenticate with `hf auth login` or --token / HF_TOKEN.")
    p.add_argument("--model", required=True, help="model folder written by `isnad-tagger train` or Tagger.save_pretrained")
    p.add_argument("--repo", required=True, help="Hub repository id, e.g. my-org/isnad-e5-small-ar")
    p.add_argument("--token", help="Hub token (default: the logged-in token or HF_TOKEN)")
    p.add_argument("--private", action="store_true", help="create the repository as private")
    p.add_argument("--revision", help="branch to upload to (default: main)")
    p.add_argument("--message", help="commit message")
    p.add_argument("--create-pr", action="store_true", help="open a pull request instead of committing to the branch")
    p.add_argument("--dry-run", action="store_true", help="list the files that would be uploaded and stop")
    p.set_defaults(func=cmd_push)

    p = sub.add_parser("init-config", help="write one of the packaged training configs to edit (e.g. default, arabertv02)")
    p.add_argument("name", help="config name (configs/NAME.yaml of the package)")
    p.add_argument("--output", required=True, help="YAML file to write (never overwritten)")
    p.set_defaults(func=cmd_init_config)

    p = sub.add_parser("validate", help="check span JSONL / markup files against the data contract")
    p.add_argument("files", nargs="+")
    _schema_option(p)
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("convert", help="markup (.txt) <-> span JSONL (.jsonl), by extension")
    p.add_argument("input")
    p.add_argument("output")
    _schema_option(p)
    p.set_defaults(func=cmd_convert)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; every failure becomes one line on stderr and an exit code from the README's table
    (isnad_tagger.errors), with the traceback only under --debug."""
    import os

    # transformers' import-time advisories (e.g. "PyTorch was not found" on the light ONNX install) are noise here.
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except BaseException as error:  # noqa: BLE001 - mapped to an exit code below, re-raised under --debug
        if getattr(args, "debug", False) or isinstance(error, SystemExit):
            raise
        code, message = exit_code_for(error)
        print(f"isnad-tagger {args.command}: {message}", file=sys.stderr)
        if isinstance(error, BrokenPipeError):
            _silence_stdout()
        return code


def exit_code_for(error: BaseException) -> tuple[int, str]:
    """(exit code, one-line message) for an exception that ended a command."""
    from isnad_tagger import errors

    if isinstance(error, errors.ModelLoadError):
        return errors.EXIT_MODEL, f"error: {error}"
    if isinstance(error, (IsnadDataError, MissingDependencyError)):
        return errors.EXIT_USAGE, f"error: {error}"
    if isinstance(error, KeyboardInterrupt):
        import signal

        return errors.EXIT_SIGNAL_BASE + signal.SIGINT, "interrupted; files written so far are kept (predict: rerun with --resume)"
    if isinstance(error, OSError):
        return errors.EXIT_IO, f"I/O error: {errors.describe_os_error(error)}"
    return errors.EXIT_BUG, (f"internal error: {type(error).__name__}: {errors.first_line(error)} "
                             "(a bug: rerun with --debug for the traceback and report it)")


def _silence_stdout() -> None:
    """A reader that closed the pipe (`| head`): point stdout at /dev/null so the exit flush cannot fail again."""
    import os

    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError):
        pass


if __name__ == "__main__":
    sys.exit(main())
