"""The `isnad` command line: train, evaluate, predict, export-onnx, convert, validate."""

from __future__ import annotations

import argparse
import sys
from typing import Callable

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


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="isnad", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

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
