"""builder/pwa.py: the web app manifest, icons and the service worker with its precache list."""

from __future__ import annotations

import json
import re

from builder.pwa import build_version, icon_png, media_list, precache_list, write_pwa
from builder.site import PROJECT_ROOT

WEB_SRC = PROJECT_ROOT / "web_src"
SITE = {"title": "Tiny Lofi", "description": "A test"}


def fake_site(root):
    for path, text in {
        "index.html": "<!doctype html>",
        "assets/app.js": "console.log(1)",
        "assets/debug.js": "globalThis.lofiProbe = {}",
        "model/model.json": "{}",
        "songs/index.json": "[]",
        "media.json": "{}",
        "media/drums/bd.ogg": "not really audio",
    }.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)
    return root


def read_worker(root):
    text = (root / "sw.js").read_text()
    version = json.loads(re.search(r"const VERSION = (.*);", text).group(1))
    precache = json.loads(re.search(r"const PRECACHE = (\[.*?\]);", text, re.S).group(1))
    return text, version, precache


def read_media(root):
    return json.loads(re.search(r"const MEDIA = (\[.*?\]);", (root / "sw.js").read_text(), re.S).group(1))


def test_the_worker_keeps_every_media_file_for_offline_use(tmp_path):
    root = fake_site(tmp_path)
    (root / "media" / "instruments" / "epiano").mkdir(parents=True)
    (root / "media" / "instruments" / "epiano" / "Ds4.ogg").write_text("not really audio")
    result = write_pwa(root, SITE, WEB_SRC)
    media = read_media(root)
    assert media == result["media"] == ["media/drums/bd.ogg", "media/instruments/epiano/Ds4.ogg"]
    assert "keepMedia()" in (root / "sw.js").read_text()  # fetched at install, not only as played
    assert media_list(tmp_path / "nowhere") == []


def test_the_worker_precaches_exactly_the_sites_files_except_media(tmp_path):
    root = fake_site(tmp_path)
    result = write_pwa(root, SITE, WEB_SRC)
    text, version, precache = read_worker(root)
    assert version == result["version"] and precache == result["precache"]
    files = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    assert precache == [f for f in files if f not in ("sw.js", "assets/debug.js") and not f.startswith("media/")]
    assert {
        "index.html",
        "assets/app.js",
        "model/model.json",
        "songs/index.json",
        "media.json",
        "manifest.webmanifest",
        "icons/icon-192.png",
    } <= set(precache)
    # Relative only: the site lives under a sub-path.
    assert not [p for p in precache if p.startswith(("/", "http"))]
    assert "addEventListener('fetch'" in text and "skip-waiting" in text


def test_the_version_follows_the_content(tmp_path):
    one = fake_site(tmp_path / "one")
    two = fake_site(tmp_path / "two")
    v1 = write_pwa(one, SITE, WEB_SRC)["version"]
    assert write_pwa(two, SITE, WEB_SRC)["version"] == v1  # same files, same version
    assert write_pwa(one, SITE, WEB_SRC)["version"] == v1  # sw.js itself does not count
    (two / "media" / "drums" / "bd.ogg").write_text("a new sample")
    assert write_pwa(two, SITE, WEB_SRC)["version"] != v1  # a runtime-cached file counts too
    assert build_version(one, b"other worker code") != v1


def test_the_manifest_is_relative_and_its_icons_are_pngs(tmp_path):
    root = fake_site(tmp_path)
    write_pwa(root, {"title": "A very long player title", "description": ""}, WEB_SRC)
    manifest = json.loads((root / "manifest.webmanifest").read_text())
    assert manifest["start_url"] == manifest["scope"] == "./"
    assert manifest["name"] == "A very long player title" and len(manifest["short_name"]) <= 12
    for icon in manifest["icons"]:
        assert (root / icon["src"]).is_file()
    png = icon_png(192)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and png[16:24] == (192).to_bytes(4, "big") * 2


def test_the_built_site_has_the_worker_and_links_the_manifest(built_site):
    _, version, precache = read_worker(built_site)
    assert len(version) == 16
    assert "index.html" in precache and "model/generation.json" in precache
    assert precache == precache_list(built_site)
    media = read_media(built_site)
    assert media == media_list(built_site) and not set(media) & set(precache)
    assert all((built_site / path).is_file() for path in media)
    html = (built_site / "index.html").read_text()
    assert '<link rel="manifest" href="manifest.webmanifest">' in html
