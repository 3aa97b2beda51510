"""The site's favicon.ico: a real ICO file of the page's icon, written by the build, served, precached."""

from __future__ import annotations

import json
import re
import struct
import urllib.request

from builder.pwa import FAVICON_SIZES, favicon_ico, icon_png


def ico_images(data: bytes) -> list[tuple[int, bytes]]:
    """(side, image bytes) for every entry of an ICO file, read by its own layout."""
    reserved, kind, count = struct.unpack_from("<HHH", data, 0)
    assert (reserved, kind) == (0, 1), "not an icon file"
    images = []
    for index in range(count):
        width, height, _, _, _, _, length, offset = struct.unpack_from("<BBBBHHII", data, 6 + 16 * index)
        assert width == height
        assert offset + length <= len(data)
        images.append((width or 256, data[offset : offset + length]))
    return images


def test_the_ico_holds_the_icon_as_a_png_per_size():
    data = favicon_ico((16, 32, 48))
    images = ico_images(data)
    assert [side for side, _ in images] == [16, 32, 48]
    for side, png in images:
        assert png == icon_png(side)
        assert png[16:24] == side.to_bytes(4, "big") * 2  # the PNG's own width and height
    # The entries tile the file after the directory: no gap, no overlap, nothing after.
    assert 6 + 16 * 3 + sum(len(png) for _, png in images) == len(data)


def test_the_built_site_serves_its_favicon_and_precaches_it(built_site, built_site_url):
    data = (built_site / "favicon.ico").read_bytes()
    assert [side for side, _ in ico_images(data)] == list(FAVICON_SIZES)
    with urllib.request.urlopen(built_site_url + "favicon.ico") as response:
        assert response.status == 200
        assert response.headers["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")
        assert response.read() == data
    worker = (built_site / "sw.js").read_text()
    precache = json.loads(re.search(r"const PRECACHE = (\[.*?\]);", worker, re.S).group(1))
    assert "favicon.ico" in precache
