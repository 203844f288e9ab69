"""Build the tiny offline encoder (random 2-layer BERT + a tokenizer trained on the given texts).

Stand-in base model for the quick main job and for tests; a real base comes from
scripts/build_base_encoder.py.
"""

from __future__ import annotations

import argparse

from isnad_tagger.data import read_records
from isnad_tagger.training.tiny_model import build_tiny_encoder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", required=True, help="output folder")
    parser.add_argument("--texts", nargs="*", default=[], help="span JSONL / markup files whose texts train the tokenizer")
    parser.add_argument("--kind", choices=("wordpiece", "unigram"), default="wordpiece")
    parser.add_argument("--hidden-size", type=int, default=64)
    args = parser.parse_args()
    texts = [record.text for path in args.texts for record in read_records(path)]
    path = build_tiny_encoder(args.out, args.kind, texts, hidden_size=args.hidden_size)
    print(f"tiny {args.kind} encoder from {len(texts)} texts -> {path}")


if __name__ == "__main__":
    main()
