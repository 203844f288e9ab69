"""A self-contained right-to-left HTML page showing all four span layers at once.

Layers are drawn with different CSS channels so overlaps stay visible: SOURCE as a background tint,
ACTOR as a solid underline, STANCE as a box around the cue, UNCERTAINTY as a wavy overline (another
label schema takes the channels in order). Hovering any piece shows every span covering it with type
and score.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any, Sequence

from isnad_tagger.labels import FAMILIES, Family

# Four drawing channels, so spans of different families stay visible where they overlap. The CSS
# class of each channel (tint has none: it is a background colour).
CHANNEL_CLASS = {"tint": None, "underline": "act", "box": "stn", "overline": "unc"}
CHANNELS = tuple(CHANNEL_CLASS)
ISNAD_CHANNELS = {"SOURCE": "tint", "ACTOR": "underline", "STANCE": "box", "UNCERTAINTY": "overline"}

COLORS = {
    "SOURCE": {"named": "#ffd8a8", "anonymous": "#d0bfff", "institution": "#a5d8ff", "media": "#b2f2bb", "document": "#ffec99", "unspecified": "#dee2e6"},
    "ACTOR": {None: "#212529"},
    "STANCE": {"affirm": "#2b8a3e", "report": "#1864ab", "deny": "#c92a2a", "warn": "#e67700", "allege": "#862e9c"},
    "UNCERTAINTY": {"hedge": "#e8590c", "evidential": "#0b7285", "unverified": "#5f3dc4"},
}
# For the types of any other label schema (e.g. NER's PERS/ORG/LOC/MISC), in type order.
TINTS = ("#ffd8a8", "#a5d8ff", "#b2f2bb", "#d0bfff", "#ffec99", "#fcc2d7", "#c3fae8", "#dee2e6")
STRONG = ("#1864ab", "#c92a2a", "#2b8a3e", "#862e9c", "#e67700", "#0b7285", "#5f3dc4", "#212529")


@dataclass(frozen=True)
class Style:
    channel: str
    color: str


def styles_for(families: Sequence[Family] = FAMILIES) -> dict[tuple[str, str | None], Style]:
    """(label, type) -> how it is drawn: Isnad's families keep their channels and colours; other
    families take the channels in order and a palette colour per type."""
    styles: dict[tuple[str, str | None], Style] = {}
    for index, family in enumerate(families):
        channel = ISNAD_CHANNELS.get(family.name) or CHANNELS[index % len(CHANNELS)]
        palette = TINTS if channel == "tint" else STRONG
        for k, kind in enumerate(family.types or (None,)):
            color = COLORS.get(family.name, {}).get(kind) or palette[k % len(palette)]
            styles[(family.name, kind)] = Style(channel, color)
    return styles


CSS = """
body{font-family:'Noto Naskh Arabic','DejaVu Sans',sans-serif;margin:24px;background:#fff;color:#212529}
h1{font-size:20px} .doc{font-size:22px;line-height:2.6;margin:18px 0;padding:12px 16px;border:1px solid #e9ecef;border-radius:6px}
.doc-id{font-size:12px;color:#868e96;direction:ltr;text-align:left}
.seg{padding:2px 0} .act{border-bottom:3px solid var(--act,#212529)}
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


def _segment_html(piece: str, active: list[dict[str, Any]], styles: dict[tuple[str, str | None], Style]) -> str:
    if not active:
        return html.escape(piece)
    classes, css, tips = ["seg"], [], []
    for span in sorted(active, key=lambda s: s["label"]):
        label, kind = span["label"], span.get("type")
        score = span.get("score")
        tips.append(f"{label}{':' + kind if kind else ''}" + (f" {score:.2f}" if isinstance(score, (int, float)) else ""))
        style = styles.get((label, kind))
        if style is None:
            raise ValueError(f"span {label}:{kind} is not in the label schema being rendered")
        if style.channel == "tint":
            css.append(f"background:{style.color}")
        else:
            name = CHANNEL_CLASS[style.channel]
            classes.append(name)
            css.append(f"--{name}:{style.color}")
    data = " ".join(f"{s['label']}:{s.get('type') or ''}" for s in active)
    return (f'<span class="{" ".join(classes)}" style="{";".join(css)}" title="{html.escape(" | ".join(tips))}" '
            f'data-spans="{html.escape(data)}">{html.escape(piece)}</span>')


def _legend(styles: dict[tuple[str, str | None], Style]) -> str:
    chips = []
    for (label, kind), style in styles.items():
        name = f"{label}:{kind}" if kind else label
        if style.channel == "tint":
            chips.append(f'<span class="chip" style="background:{style.color}">{html.escape(name)}</span>')
        else:
            cls = CHANNEL_CLASS[style.channel]
            chips.append(f'<span class="chip {cls}" style="--{cls}:{style.color}">{html.escape(name)}</span>')
    return '<div class="legend" dir="ltr">' + "".join(chips) + "</div>"


def render_html(documents: Sequence[dict[str, Any]], title: str = "Isnad", families: Sequence[Family] = FAMILIES) -> str:
    """documents: dicts with `text`, `spans` (span dicts of the given label schema) and optional `id`;
    returns one HTML page."""
    styles = styles_for(families)
    body = []
    for doc in documents:
        text = doc["text"]
        pieces = "".join(_segment_html(text[a:b], active, styles) for a, b, active in _segments(text, doc.get("spans", [])))
        pieces = pieces.replace("\n", "<br>")
        doc_id = f'<div class="doc-id">{html.escape(str(doc["id"]))}</div>' if "id" in doc else ""
        body.append(f'<div class="doc">{doc_id}<div dir="rtl">{pieces}</div></div>')
    return (f'<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f"<style>{CSS}</style></head><body><h1>{html.escape(title)}</h1>{_legend(styles)}{''.join(body)}</body></html>")
