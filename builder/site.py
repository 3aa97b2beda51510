"""Stage 5: the page. Jinja2 renders the HTML; esbuild bundles the page's JavaScript from npm packages.

Everything the page loads is written into the site itself (no CDN), and every URL is relative, so the
site works from a sub-path such as https://USER.github.io/REPO/.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import jinja2

from .config import GENERATION_SETTINGS
from .errors import BuildError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
WASM_DIR = Path("node_modules/@tensorflow/tfjs-backend-wasm/dist")
# The one TF.js wasm binary the worker loads (web_src/js/ai/backend.js, WASM_BINARY): the SIMD build.
# The threaded build needs a cross-origin isolated page, which a static host does not serve, and a
# browser without wasm SIMD runs the cpu backend instead, so neither other binary is shipped (the
# service worker would otherwise precache all three).
WASM_BINARY = "tfjs-backend-wasm-simd.wasm"


def render_page(web_src: Path, out_dir: Path, site: dict, songs: list[dict], meta: dict | None = None) -> None:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(web_src / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,  # a misspelt variable fails the build instead of vanishing
        keep_trailing_newline=True,
    )
    song_list = [{"id": s["id"], "title": s["title"]} for s in songs]
    # The AI form's first values and ranges are the generator's (generation_settings.json).
    pages = {"index.html": {"site": site, "songs": song_list, "generation": GENERATION_SETTINGS}}
    if meta is not None and (web_src / "templates" / "report.html").exists():
        pages["report.html"] = {"site": site, "meta": meta}
    for name, variables in pages.items():
        try:
            html = environment.get_template(name).render(**variables)
        except jinja2.TemplateSyntaxError as error:
            raise BuildError(f"{error.filename}: line {error.lineno}: {error.message}") from None
        except jinja2.TemplateError as error:
            raise BuildError(f"{web_src / 'templates' / name}: {error}") from None
        (out_dir / name).write_text(html, encoding="utf-8")


def write_data(out_dir: Path, site: dict, songs: list[dict]) -> None:
    songs_dir = out_dir / "songs"
    songs_dir.mkdir(parents=True, exist_ok=True)
    index = [{"id": s["id"], "title": s["title"], "url": f"songs/{s['id']}.json"} for s in songs]
    _write_json(songs_dir / "index.json", index)
    for song in songs:
        _write_json(songs_dir / f"{song['id']}.json", song)
    _write_json(out_dir / "site.json", {"title": site["title"], "description": site["description"]})


def bundle_assets(web_src: Path, out_dir: Path, node_root: Path = PROJECT_ROOT) -> None:
    """Bundle the page's JavaScript with esbuild and copy the CSS and TF.js's wasm binaries.

    Two bundles: web_src/js/main.js -> assets/app.js (an ES module: only the entry; what it imports
    dynamically is split into assets/chunks/: the page's script after the first paint, Tone.js at
    the first sign of a listener, the animated scene at the first note) and web_src/js/ai/worker.js -> assets/worker.js (a classic worker script: the LSTM
    stepper on tfjs-core with the wasm backend, off the main thread). report.html's script,
    web_src/js/report.js -> assets/report.js, is built with app.js so that the two share their chunks
    (the player, its instruments, Tone.js): the report plays its pieces with the page's own code and
    adds only its entry to what the site holds. A third, assets/debug.js from
    web_src/js/debug/debug.js, holds the hooks only tests use; index.html never loads it.
    """
    assets = out_dir / "assets"
    assets.mkdir(parents=True, exist_ok=True)
    esbuild = node_root / "node_modules" / ".bin" / "esbuild"
    if not esbuild.exists():
        raise BuildError(f"{esbuild}: not found; install the JavaScript packages with `npm ci`")
    common = ["--bundle", "--minify", "--legal-comments=none", "--log-level=warning"]
    # (entries as {output name: source under web_src/js/}, options)
    bundles = [
        (
            {"app": "main.js", "report": "report.js"},
            [
                "--format=esm",
                "--splitting",
                f"--outdir={assets}",
                "--entry-names=[name]",
                "--chunk-names=chunks/[name]-[hash]",
            ],
        ),
        ({"worker": "ai/worker.js"}, ["--format=iife", f"--outfile={assets / 'worker.js'}"]),
        ({"debug": "debug/debug.js"}, ["--format=iife", f"--outfile={assets / 'debug.js'}"]),
    ]
    for entries, options in bundles:
        sources = [web_src / "js" / source for source in entries.values()]
        # esbuild's out=in names an entry's output; a single --outfile entry takes none.
        named = [f"{name}={path}" for name, path in zip(entries, sources)] if len(entries) > 1 else sources
        command = [str(esbuild), *map(str, named), *common, *options]
        result = subprocess.run(command, cwd=node_root, capture_output=True, text=True)
        if result.returncode != 0:
            raise BuildError(f"{', '.join(map(str, sources))}: esbuild failed:\n{result.stderr.strip()}")
    for css in sorted((web_src / "css").glob("*.css")):
        shutil.copyfile(css, assets / css.name)
    wasm_dir = assets / "tfjs-wasm"
    wasm_dir.mkdir(exist_ok=True)
    shutil.copyfile(node_root / WASM_DIR / WASM_BINARY, wasm_dir / WASM_BINARY)


def _write_json(path: Path, data) -> None:
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False, allow_nan=False) + "\n", encoding="utf-8")
