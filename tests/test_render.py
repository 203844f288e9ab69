"""The HTML page: structure checked directly, pixels checked in a real headless Chromium."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from isnad_tagger.data import read_records
from isnad_tagger.render import COLORS, render_html

from conftest import MADE_UP


def documents():
    return [{"id": r.id, "text": r.text, "spans": [s.to_dict(r.text) for s in r.spans]} for r in read_records(MADE_UP)]


def test_page_is_rtl_self_contained_and_shows_every_layer():
    page = render_html(documents())
    assert page.startswith("<!DOCTYPE html>") and 'dir="rtl"' in page and "<script" not in page and "http" not in page
    for label in ("SOURCE:anonymous", "ACTOR", "STANCE:deny", "UNCERTAINTY:unverified"):
        assert label in page
    assert 'title="ACTOR 1.00 | SOURCE:anonymous 1.00"' not in page  # gold spans carry no score
    assert "مصدر مسؤول في «" in page.replace("&laquo;", "«")


def test_overlapping_layers_share_a_segment():
    text = "قال الوزير خالد"
    spans = [{"start": 4, "end": 15, "label": "SOURCE", "type": "named", "score": 0.9}, {"start": 4, "end": 15, "label": "ACTOR", "type": None, "score": 0.8}]
    page = render_html([{"text": text, "spans": spans}])
    assert 'title="ACTOR 0.80 | SOURCE:named 0.90"' in page and "background:#ffd8a8" in page and 'class="seg act"' in page


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)")
def test_screenshot_in_headless_chromium(tmp_path):
    from PIL import Image

    page = tmp_path / "page.html"
    page.write_text(render_html(documents(), title="Isnad"), encoding="utf-8")
    shot = tmp_path / "page.png"
    subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1000,900",
         f"--screenshot={shot}", page.as_uri()],
        capture_output=True, timeout=120, check=True,
    )
    image = Image.open(shot).convert("RGB")
    width, height = image.size
    pixels = image.load()

    def where(hex_color):
        target = tuple(int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
        return [(x, y) for x in range(0, width, 2) for y in range(190, height, 2) if pixels[x, y] == target]

    anonymous = where(COLORS["SOURCE"]["anonymous"])
    assert len(anonymous) > 200  # the anonymous-source tint is drawn in the documents
    report_box = where(COLORS["STANCE"]["report"])
    assert report_box and max(x for x, _ in report_box) > width * 0.8  # first cue sits at the right: RTL
    assert where(COLORS["UNCERTAINTY"]["unverified"])  # the wavy line is visible
