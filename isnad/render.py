"""A self-contained right-to-left HTML page showing all four span layers at once.

Layers are drawn with different CSS channels so overlaps stay visible: SOURCE as a background tint,
ACTOR as a solid underline, STANCE as a box around the cue, UNCERTAINTY as a wavy overline. Hovering
any piece shows every span covering it with type and score.
"""

from __future__ import annotations

import html
from typing import Any, Sequence

LEGEND = [
    ("SOURCE", "source: background tint by type", "src"),
    ("ACTOR", "actor: solid underline", "act"),
    ("STANCE", "stance cue: box by type", "stn"),
    ("UNCERTAINTY", "uncertainty: wavy line above", "unc"),
]

COLORS = {
    "SOURCE": {"named": "#ffd8a8", "anonymous": "#d0bfff", "institution": "#a5d8ff", "media": "#b2f2bb", "document": "#ffec99", "unspecified": "#dee2e6"},
    "STANCE": {"affirm": "#2b8a3e", "report": "#1864ab", "deny": "#c92a2a", "warn": "#e67700", "allege": "#862e9c"},
    "UNCERTAINTY": {"hedge": "#e8590c", "evidential": "#0b7285", "unverified": "#5f3dc4"},
}

CSS = """
body{font-family:'Noto Naskh Arabic','DejaVu Sans',sans-serif;margin:24px;background:#fff;color:#212529}
h1{font-size:20px} .doc{font-size:22px;line-height:2.6;margin:18px 0;padding:12px 16px;border:1px solid #e9ecef;border-radius:6px}
.doc-id{font-size:12px;color:#868e96;direction:ltr;text-align:left}
.seg{padding:2px 0} .act{border-bottom:3px solid #212529}
.stn{outline:2px solid var(--stn);outline-offset:1px;border-radius:3px;font-weight:bold}
.unc{text-decoration:overline wavy var(--unc);text-decoration-thickness:2px}
.legend{display:flex;flex-wrap:wrap;gap:10px;font-size:14px;padding:10px;border:1px solid #dee2e6;border-radius:6px;background:#f8f9fa}
.chip{padding:2px 8px;border-radius:4px;white-space:nowrap}
"""


def _segments(text: str, spans: Sequence[dict[str, Any]]) -> list[tuple[int, int, list[dict[str, Any]]]]:
    cuts = sorted({0, len(text), *(s["start"] for s in spans), *(s["end"] for s in spans)})
    out = []
    for start, end in zip(cuts, cuts[1:]):
        active = [s for s in spans if s["start"] <= start and end <= s["end"]]
        out.append((start, end, active))
    return out


def _segment_html(piece: str, active: list[dict[str, Any]]) -> str:
    if not active:
        return html.escape(piece)
    classes, styles, tips = ["seg"], [], []
    for span in sorted(active, key=lambda s: s["label"]):
        label, kind = span["label"], span.get("type")
        score = span.get("score")
        tips.append(f"{label}{':' + kind if kind else ''}" + (f" {score:.2f}" if isinstance(score, (int, float)) else ""))
        if label == "SOURCE":
            styles.append(f"background:{COLORS['SOURCE'][kind]}")
        elif label == "ACTOR":
            classes.append("act")
        elif label == "STANCE":
            classes.append("stn")
            styles.append(f"--stn:{COLORS['STANCE'][kind]}")
        elif label == "UNCERTAINTY":
            classes.append("unc")
            styles.append(f"--unc:{COLORS['UNCERTAINTY'][kind]}")
    data = " ".join(f"{s['label']}:{s.get('type') or ''}" for s in active)
    return (f'<span class="{" ".join(classes)}" style="{";".join(styles)}" title="{html.escape(" | ".join(tips))}" '
            f'data-spans="{html.escape(data)}">{html.escape(piece)}</span>')


def _legend() -> str:
    chips = []
    for kind, color in COLORS["SOURCE"].items():
        chips.append(f'<span class="chip" style="background:{color}">SOURCE:{kind}</span>')
    chips.append('<span class="chip act">ACTOR</span>')
    for kind, color in COLORS["STANCE"].items():
        chips.append(f'<span class="chip stn" style="--stn:{color}">STANCE:{kind}</span>')
    for kind, color in COLORS["UNCERTAINTY"].items():
        chips.append(f'<span class="chip unc" style="--unc:{color}">UNCERTAINTY:{kind}</span>')
    return '<div class="legend" dir="ltr">' + "".join(chips) + "</div>"


def render_html(documents: Sequence[dict[str, Any]], title: str = "Isnad") -> str:
    """documents: dicts with `text`, `spans` (span dicts) and optional `id`; returns one HTML page."""
    body = []
    for doc in documents:
        text = doc["text"]
        pieces = "".join(_segment_html(text[a:b], active) for a, b, active in _segments(text, doc.get("spans", [])))
        pieces = pieces.replace("\n", "<br>")
        doc_id = f'<div class="doc-id">{html.escape(str(doc["id"]))}</div>' if "id" in doc else ""
        body.append(f'<div class="doc">{doc_id}<div dir="rtl">{pieces}</div></div>')
    return (f'<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f"<style>{CSS}</style></head><body><h1>{html.escape(title)}</h1>{_legend()}{''.join(body)}</body></html>")
