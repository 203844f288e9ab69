"""Build the rule tagger's packaged gazetteer (isnad_tagger/rules/lexicons/gazetteer.tsv) from ANERGazet. Run once
when the filters or the hand outlet list change; the library only reads the TSV.

    python tools/build_gazetteer.py ANERGazet_DIR [--out isnad_tagger/rules/lexicons/gazetteer.tsv]

ANERGazet_DIR holds PersGazetteer.txt, OrgGazetteer.txt and LocGazetteer.txt (Benajiba et al. 2007,
research-only). The word lists the filters use stay with the lexicon (isnad_tagger.rules.lexicon).
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the checkout importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from isnad_tagger.rules.lexicon import (  # noqa: E402
    _ARABIC_WORD,
    _COMMON,
    _MEDIA_SKIP,
    _STOPLIKE,
    GAZETTEER_LICENSE,
    HAND_OUTLETS,
    normalize,
)

DEFAULT_OUT = Path(__file__).resolve().parents[1] / "isnad" / "rules" / "lexicons" / "gazetteer.tsv"


def build_gazetteer_tsv(anergazet_dir: str | Path, out: str | Path) -> int:
    """Write gazetteer.tsv from ANERGazet {Pers,Org,Loc}Gazetteer.txt plus the hand outlets.

    Filters: non-Arabic-letter lines, entries shorter than 3 letters, entries starting with وال
    (a clitic glued to a name), common words (_STOPLIKE), sports clubs and car makes that are one
    word (mostly city names) in the Org list, and Loc entries shorter than 4 letters.
    """
    root = Path(anergazet_dir)
    seen: set[tuple[str, str]] = set()
    rows: list[list[str]] = []

    def emit(entry: str, typ: str, standalone: str, source: str, license_: str) -> None:
        entry = " ".join(entry.split())
        key = (normalize(entry), typ)
        if not entry or key in seen:
            return
        seen.add(key)
        rows.append([entry, "ACTOR", typ, standalone, source, license_])

    def clean(line: str) -> str | None:
        line = " ".join(line.split())
        if not line or not all(_ARABIC_WORD.fullmatch(part) for part in line.split()):
            return None
        if len(normalize(line).replace(" ", "")) < 3 and normalize(line) not in _COMMON:
            return None
        if normalize(line).startswith("وال"):
            return None
        return line

    stop = {normalize(w) for w in _STOPLIKE}
    for line in (root / "PersGazetteer.txt").read_text(encoding="utf-8").splitlines():
        entry = clean(line)
        if entry and " " not in entry and normalize(entry) not in stop:
            emit(entry, "person_token", "yes", "ANERGazet", GAZETTEER_LICENSE)
    org_lines = (root / "OrgGazetteer.txt").read_text(encoding="utf-8").splitlines()
    media_end = next((i for i, line in enumerate(org_lines) if line.strip() == "-"), len(org_lines))
    for i, line in enumerate(org_lines):
        entry = clean(line)
        if not entry:
            continue
        if i < media_end and normalize(entry) in {normalize(w) for w in _MEDIA_SKIP}:
            continue
        if i < media_end:  # the first block of OrgGazetteer lists newspapers, agencies, channels
            standalone = "yes" if normalize(entry).startswith("وكاله") or normalize(entry) in {normalize("رويترز"), normalize("ايلاف"), normalize("بي بي سي")} else "head"
            emit(entry, "media", standalone, "ANERGazet", GAZETTEER_LICENSE)
        elif " " in entry:  # multi-word club names (ريال مدريد); one-word ones are mostly cities
            emit(entry, "org", "yes", "ANERGazet", GAZETTEER_LICENSE)
    for standalone, names in HAND_OUTLETS.items():
        for name in names:
            key = (normalize(name), "media")
            if key in seen:  # the hand list decides standalone for outlets it names
                rows[:] = [r for r in rows if (normalize(r[0]), r[2]) != key]
                seen.discard(key)
            emit(name, "media", standalone, "hand", "")
    for line in (root / "LocGazetteer.txt").read_text(encoding="utf-8").splitlines():
        entry = clean(line)
        if entry and normalize(entry) not in stop and len(normalize(entry)) >= 4:
            emit(entry, "location", "cue", "ANERGazet", GAZETTEER_LICENSE)
    out = Path(out)
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_NONE)
        writer.writerow(["entry", "label", "type", "standalone", "source", "license"])
        writer.writerows(rows)
    return len(rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("anergazet", type=Path, help="folder with {Pers,Org,Loc}Gazetteer.txt")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="TSV to write (default: the packaged one)")
    args = parser.parse_args(argv)
    print(build_gazetteer_tsv(args.anergazet, args.out))


if __name__ == "__main__":
    main()
