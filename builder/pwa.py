"""Stage 6: the installable web app that works offline (manifest, icons, favicon, service worker).

Runs last, on the finished site: writes `manifest.webmanifest` and its icons, `favicon.ico`, then
`sw.js`, the service worker (web_src/sw/sw.js) preceded by two constants:

- `VERSION`: a hash of every file of the site (and of the worker's own code), so each build that
  changes anything is a new worker with new caches, and an unchanged rebuild changes nothing;
- `PRECACHE`: the site's own file list, read from the output (paths relative to the site, so it
  works from any sub-path): everything except `media/`, `sw.js` itself, the build's marker file (a host need not serve dot-files, and one missing file
  fails the worker's whole install), the report's listening pieces' piano rolls (about 100 KB
  that the player never needs) and assets/debug.js (the tests' hooks; index.html never loads it);
- `MEDIA`: every file under `media/` (samples, drum one-shots, ambiences, quotes, about 1.9 MB),
  fetched into the worker's media cache at install, so that after one visit every choice plays
  offline, not only those that were played. One that fails to arrive does not fail the install:
  it is cached the first time it is played instead.
"""

from __future__ import annotations

import hashlib
import json
import struct
import zlib
from pathlib import Path

import numpy as np

from .errors import BuildError
from .output import MARKER

RUNTIME_PREFIX = "media/"
REPORT_AUDIO_PREFIX = "model/listening-"  # the report's pieces' pictures: not needed offline
SW_NAME = "sw.js"
TEST_ONLY = "assets/debug.js"  # the tests' hooks (web_src/js/debug/): never part of the player
FAVICON_NAME = "favicon.ico"
FAVICON_SIZES = (16, 32, 48)
MANIFEST_NAME = "manifest.webmanifest"
BACKGROUND = (0x21, 0x1A, 0x30)
MOON = (0xFF, 0xE2, 0xB4)
ICON_SVG = (
    "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 64 64'><rect width='64' height='64' rx='14' "
    "fill='#211a30'/><circle cx='30' cy='33' r='17' fill='#ffe2b4'/><circle cx='38' cy='27' r='15' "
    "fill='#211a30'/></svg>\n"
)


def write_pwa(out_dir: Path, site: dict, web_src: Path) -> dict:
    """Write the manifest, icons and service worker into `out_dir`; returns {version, precache}."""
    template = web_src / "sw" / "sw.js"
    if not template.exists():
        raise BuildError(f"{template}: missing (the service worker)")
    write_manifest(out_dir, site)
    precache = precache_list(out_dir)
    media = media_list(out_dir)
    version = build_version(out_dir, template.read_bytes())
    header = (
        "// Written by builder/pwa.py: this build's version and its files.\n"
        f"const VERSION = {json.dumps(version)};\n"
        f"const PRECACHE = {json.dumps(precache, indent=0)};\n"
        f"const MEDIA = {json.dumps(media, indent=0)};\n\n"
    )
    (out_dir / SW_NAME).write_text(header + template.read_text(encoding="utf-8"), encoding="utf-8")
    return {"version": version, "precache": precache, "media": media}


def precache_list(out_dir: Path) -> list[str]:
    """The site's files, relative and sorted, without media/ (runtime-cached), sw.js, the marker and debug.js."""
    files = []
    for path in sorted(out_dir.rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(out_dir).as_posix()
        if rel in (SW_NAME, MARKER, TEST_ONLY) or rel.startswith((RUNTIME_PREFIX, REPORT_AUDIO_PREFIX)):
            continue
        files.append(rel)
    return files


def media_list(out_dir: Path) -> list[str]:
    """Every file under media/, relative and sorted: what the player may play, kept for offline use."""
    root = out_dir / RUNTIME_PREFIX
    if not root.is_dir():
        return []
    return [p.relative_to(out_dir).as_posix() for p in sorted(root.rglob("*")) if p.is_file()]


def build_version(out_dir: Path, worker_code: bytes) -> str:
    """A hash of every file's path and bytes (sw.js excepted) and of the worker's code."""
    digest = hashlib.sha256(worker_code)
    for path in sorted(out_dir.rglob("*")):
        if path.is_file() and path.relative_to(out_dir).as_posix() != SW_NAME:
            digest.update(path.relative_to(out_dir).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]


def write_manifest(out_dir: Path, site: dict) -> None:
    icons = out_dir / "icons"
    icons.mkdir(parents=True, exist_ok=True)
    (icons / "icon.svg").write_text(ICON_SVG, encoding="utf-8")
    for size in (192, 512):
        (icons / f"icon-{size}.png").write_bytes(icon_png(size))
    # Browsers ask for favicon.ico on their own wherever a page links no icon (and some tools always do).
    (out_dir / FAVICON_NAME).write_bytes(favicon_ico(FAVICON_SIZES))
    title = site.get("title") or "Lofi Player"
    colour = "#" + bytes(BACKGROUND).hex()
    manifest = {
        "name": title,
        "short_name": title if len(title) <= 12 else title[:12].rstrip(),
        "description": site.get("description", ""),
        "id": "./",
        "start_url": "./",
        "scope": "./",
        "display": "standalone",
        "background_color": colour,
        "theme_color": colour,
        "icons": [
            {"src": "icons/icon-192.png", "sizes": "192x192", "type": "image/png"},
            {"src": "icons/icon-512.png", "sizes": "512x512", "type": "image/png", "purpose": "any maskable"},
            {"src": "icons/icon.svg", "sizes": "any", "type": "image/svg+xml"},
        ],
    }
    (out_dir / MANIFEST_NAME).write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def icon_png(size: int) -> bytes:
    """The page's favicon (a crescent moon on night blue) as a PNG, drawn with numpy."""
    y, x = np.mgrid[0:size, 0:size].astype(np.float64) * (64.0 / size)
    moon = ((x - 30) ** 2 + (y - 33) ** 2 <= 17**2) & ~((x - 38) ** 2 + (y - 27) ** 2 <= 15**2)
    image = np.empty((size, size, 3), dtype=np.uint8)
    image[...] = BACKGROUND
    image[moon] = MOON
    raw = b"".join(b"\0" + image[row].tobytes() for row in range(size))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def favicon_ico(sizes: tuple[int, ...]) -> bytes:
    """The favicon as an ICO file holding one PNG per size (the container is a 6-byte header and a
    16-byte directory entry per image; browsers, and Windows since Vista, read PNG entries)."""
    images = [icon_png(size) for size in sizes]
    header = struct.pack("<HHH", 0, 1, len(images))  # reserved, type 1 (icon), image count
    offset = len(header) + 16 * len(images)
    entries = b""
    for size, png in zip(sizes, images):
        side = size if size < 256 else 0  # 0 means 256 in an ICO entry
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png), offset)
        offset += len(png)
    return header + entries + b"".join(images)
