"""The site a script drives: --site as it is, or content/ built into a scratch folder, served from a
sub-path as GitHub Pages serves it (builder.serve)."""

from __future__ import annotations

import contextlib
import sys
import tempfile
from pathlib import Path

from builder.build import BuildOptions, build
from builder.serve import serve_in_background
from builder.site import PROJECT_ROOT


@contextlib.contextmanager
def served_site(site: Path | None, prefix: str):
    """Yields the URL of `site` (built from content/ first when None); stops serving after."""
    with tempfile.TemporaryDirectory(prefix=prefix) as scratch:
        if site is None:
            site = Path(scratch) / "dist"
            print("Building the site from content/ ...", file=sys.stderr, flush=True)
            build(BuildOptions(content=PROJECT_ROOT / "content", out=site, quiet=True))
        if not (site / "index.html").is_file():
            raise SystemExit(f"--site {site}: no index.html (build it with `make site`)")
        server, url = serve_in_background(site, "/lofi-player/")
        try:
            yield url
        finally:
            server.shutdown()
