"""The `isnad` command line: train, evaluate, predict, export-onnx, convert, validate."""

from __future__ import annotations

import argparse
import sys

from isnad.spans import IsnadDataError


def cmd_validate(args: argparse.Namespace) -> int:
    from isnad.data import validate_file

    failed = 0
    for path in args.files:
        errors = validate_file(path)
        for error in errors:
            print(error, file=sys.stderr)
        if errors:
            failed += 1
            print(f"{path}: {len(errors)} problem(s)", file=sys.stderr)
        else:
            print(f"{path}: ok")
    return 1 if failed else 0


def cmd_convert(args: argparse.Namespace) -> int:
    from isnad.data import convert

    count = convert(args.input, args.output)
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
        from isnad.rules import RuleTagger

        return RuleTagger()
    if not args.model:
        raise SystemExit("isnad: error: --model is required (or --rules for the rule baseline)")
    _quiet_libraries()
    from isnad.tagger import Tagger

    return Tagger.from_pretrained(args.model, backend=args.backend, quantized=args.quantized)


def cmd_train(args: argparse.Namespace) -> int:
    from isnad.training.train import main as train_main

    return train_main(["--config", args.config, *(["--resume"] if args.resume else []), *sum((["--set", s] for s in args.set), [])])


def cmd_evaluate(args: argparse.Namespace) -> int:
    from isnad.data import read_records
    from isnad.evaluation import format_table, score_spans, write_report
    from isnad.labels import FAMILIES, by_name
    from isnad.spans import Span

    predictor = load_predictor(args)
    # A model trained on another label schema (e.g. the ANERcorp yardstick) is scored in its own labels.
    families = predictor.layout.families if hasattr(predictor, "layout") else FAMILIES
    records = read_records(args.data, by_name(families))
    predicted = predictor.predict([r.text for r in records])
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

    predictor = load_predictor(args)
    if args.input is None:
        text = sys.stdin.read()
        print(json.dumps({"text": text, "spans": predictor.predict(text)}, ensure_ascii=False))
        return 0
    if args.output is None:
        raise SystemExit("isnad predict: error: --output is required with --input")
    from isnad.corpus_predict import predict_jsonl

    shard = _shard()
    output = Path(args.output)
    if shard[1] > 1:
        output = output.with_name(f"{output.name}.part{shard[0]}")
    import io

    # Every rank reads every line, so only rank 0 reports bad lines and sets the exit status; a
    # failing rank would make torchrun stop the others before rank 0 has merged the parts.
    errors = sys.stderr if shard[0] == 0 else io.StringIO()
    report = predict_jsonl(predictor.predict, Path(args.input), output, resume=args.resume, chunk_size=args.chunk_size,
                           progress=not args.no_progress and shard[0] == 0, shard=shard, errors=errors)
    if shard[1] > 1:
        _merge_shards(Path(args.output), shard)
    print(f"wrote {report.written} records to {output} ({report.skipped_done} already done, {len(report.bad_lines)} bad lines)", file=sys.stderr)
    return 1 if report.bad_lines and shard[0] == 0 else 0


def _shard() -> tuple[int, int]:
    """This process's (rank, world size) under torchrun / accelerate launch, else (0, 1)."""
    import os

    return int(os.environ.get("RANK", 0)), int(os.environ.get("WORLD_SIZE", 1))


def _merge_shards(output, shard: tuple[int, int]) -> None:
    """Rank 0 waits for every part, then interleaves them back into input order."""
    import time

    rank, world = shard
    parts = [output.with_name(f"{output.name}.part{k}") for k in range(world)]
    (output.with_name(f"{output.name}.part{rank}.done")).write_text("ok")
    if rank != 0:
        return
    while not all(p.with_name(p.name + ".done").exists() for p in parts):
        time.sleep(0.2)
    readers = [p.open(encoding="utf-8") for p in parts]
    with output.open("w", encoding="utf-8") as out:
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
        part.with_name(part.name + ".done").unlink()


def cmd_export(args: argparse.Namespace) -> int:
    _quiet_libraries()
    from isnad.onnx_export import export_onnx

    paths = export_onnx(args.model, args.output, quantize=not args.no_int8)
    for kind, path in paths.items():
        print(f"{kind}: {path}")
    return 0


def cmd_render(args: argparse.Namespace) -> int:
    from pathlib import Path

    from isnad.data import iter_jsonl_objects
    from isnad.render import render_html

    documents = []
    for number, obj in iter_jsonl_objects(args.input):
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
            raise SystemExit(f"isnad render: error: {args.input}:{number}: expected an object with a string 'text'")
        documents.append(obj)
    if args.model or args.rules:
        predictor = load_predictor(args)
        for doc, spans in zip(documents, predictor.predict([d["text"] for d in documents])):
            doc["spans"] = spans
    for number, doc in enumerate(documents, start=1):
        for span in doc.get("spans", []):
            if doc["text"][span["start"] : span["end"]] != span.get("text", doc["text"][span["start"] : span["end"]]):
                raise SystemExit(f"isnad render: error: record {number}: span text does not match its offsets")
    Path(args.output).write_text(render_html(documents, title=args.title), encoding="utf-8")
    print(f"wrote {len(documents)} documents to {args.output}")
    return 0


def _model_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", help="checkpoint folder or Hub id")
    p.add_argument("--rules", action="store_true", help="use the rule-based baseline instead of a model")
    p.add_argument("--backend", choices=("torch", "onnx"), default="torch")
    p.add_argument("--quantized", action="store_true", help="with --backend onnx: the int8 model")




def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="isnad", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("train", help="fine-tune a tagger from a YAML config")
    p.add_argument("--config", required=True)
    p.add_argument("--resume", action="store_true", help="continue from the last checkpoint")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("evaluate", help="strict and overlap P/R/F1 per family and type on a gold file")
    _model_options(p)
    p.add_argument("--data", required=True, help="gold span JSONL or markup file")
    p.add_argument("--output", help="write the scores as JSON here")
    p.set_defaults(func=cmd_evaluate)

    p = sub.add_parser("predict", help="tag JSONL lines {id, text} (or plain text on stdin)")
    _model_options(p)
    p.add_argument("--input", help="JSONL with id and text per line; omit to read plain text from stdin")
    p.add_argument("--output", help="JSONL out: the input lines with 'spans' added")
    p.add_argument("--resume", action="store_true", help="keep finished lines of --output and do the rest")
    p.add_argument("--chunk-size", type=int, default=64, help="records per predict() call")
    p.add_argument("--no-progress", action="store_true")
    p.set_defaults(func=cmd_predict)

    p = sub.add_parser("export-onnx", help="export a checkpoint to ONNX fp32 and int8")
    p.add_argument("--model", required=True)
    p.add_argument("--output", help="folder (default: <model>/onnx)")
    p.add_argument("--no-int8", action="store_true", help="skip the quantized model")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("render", help="right-to-left HTML page showing all four layers")
    _model_options(p)
    p.add_argument("input", help="JSONL with text (and spans, unless --model/--rules tags it)")
    p.add_argument("output", help="HTML file to write")
    p.add_argument("--title", default="Isnad")
    p.set_defaults(func=cmd_render)

    p = sub.add_parser("validate", help="check span JSONL / markup files against the data contract")
    p.add_argument("files", nargs="+")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("convert", help="markup (.txt) <-> span JSONL (.jsonl), by extension")
    p.add_argument("input")
    p.add_argument("output")
    p.set_defaults(func=cmd_convert)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except IsnadDataError as error:
        print(f"isnad {args.command}: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
