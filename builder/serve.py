"""Preview the built site locally, from a sub-path as GitHub Pages serves a project site.

    python -m builder.serve                 # http://127.0.0.1:8000/lofi-player/
    python -m builder.serve --base / --port 9000 --dir dist

The browser tests use the same server, so what they test is what a preview shows.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import threading
from pathlib import Path


class SubPathHandler(http.server.SimpleHTTPRequestHandler):
    """Serves `directory` at `base`; anything outside `base` is a 404, as on GitHub Pages."""

    base = "/"

    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript",
        ".wasm": "application/wasm",
        ".json": "application/json",
        ".webmanifest": "application/manifest+json",
    }

    def translate_path(self, path: str) -> str:
        if not path.startswith(self.base):
            return str(Path(self.directory) / "__outside_base__")
        return super().translate_path("/" + path[len(self.base) :])

    def log_message(self, format, *args):  # noqa: A002 - the stdlib's signature
        if getattr(self.server, "verbose", False):
            super().log_message(format, *args)


def make_server(directory: Path, base: str = "/lofi-player/", port: int = 0, verbose: bool = False):
    """A threaded HTTP server on 127.0.0.1 (port 0 picks a free one); call serve_forever() on it."""
    if not base.endswith("/"):
        base += "/"
    handler = type("Handler", (SubPathHandler,), {"base": base})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(handler, directory=str(directory)))
    server.verbose = verbose
    return server


def serve_in_background(directory: Path, base: str = "/lofi-player/"):
    """Start a server on a free port in a daemon thread; returns (server, url)."""
    server = make_server(directory, base)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address[:2]
    return server, f"http://{host}:{port}{base if base.endswith('/') else base + '/'}"


def main() -> None:
    parser = argparse.ArgumentParser(description="Preview the built site.")
    parser.add_argument("--dir", type=Path, default=Path("dist"))
    parser.add_argument("--base", default="/lofi-player/", help="sub-path, like /REPO/ on GitHub Pages")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    server = make_server(args.dir, args.base, args.port, verbose=True)
    print(f"Serving {args.dir} at http://127.0.0.1:{server.server_address[1]}{args.base}  (Ctrl-C stops)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
