"""scripts/screenshots.py on the tiny site: it presses the page's own Play on the AI track, waits for
the first note and saves the first screen of each device at its size."""

from __future__ import annotations

import struct

import pytest

from scripts.screenshots import DEVICES, take

pytestmark = pytest.mark.browser


def png_size(path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_the_screenshots_show_the_page_playing(browser, built_site_url, tmp_path):
    for name, device in DEVICES.items():
        line = take(browser, built_site_url, name, tmp_path, ambience=None)
        viewport, scale = device["viewport"], device["device_scale_factor"]
        assert png_size(tmp_path / f"{name}.png") == (viewport["width"] * scale, viewport["height"] * scale)
        assert line.startswith(str(tmp_path / f"{name}.png")) and "playing" in line.lower(), line
