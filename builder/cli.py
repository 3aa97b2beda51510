"""`build-site`: content/ in, a static site out."""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
import threading
from pathlib import Path

from .build import BuildOptions, build
from .errors import BuildError
from .output import MARKER, OutputRefused, check_output
from .site import PROJECT_ROOT

OUT_HELP = (
    "output folder (default: dist/), replaced whole when the build succeeds. Every build marks its "
    f"output with a {MARKER} file; an existing folder is replaced only if it is empty, has that file, "
    "or is a site built before the marker existed (index.html, model/generation.json and assets/app.js, "
    "and nothing at its top but what a build writes). Refused: an empty path, a symbolic link, a file, "
    "the current folder or one above it, the project folder or one above it, the content folder or web_src "
    "(or inside or above them)"
)


class Stopped(KeyboardInterrupt):
    """A termination signal, handled like Ctrl-C: the staging folder goes, the output stays as it was."""

    def __init__(self, signum: int):
        self.signum = signum
        self.name = signal.Signals(signum).name
        super().__init__(self.name)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="build-site",
        description="Build the Lofi Player static site from a content folder.",
    )
    parser.add_argument("--content", type=Path, default=Path("content"), help="content folder (default: content/)")
    # A str, not a Path: Path("") is ".", and an empty --out (an unset variable) must be refused as such.
    parser.add_argument("--out", default="dist", metavar="DIR", help=OUT_HELP)
    parser.add_argument("--config", type=Path, default=None, help="site settings in TOML (default: CONTENT/site.toml)")
    training = parser.add_mutually_exclusive_group()
    training.add_argument("--retrain", action="store_true", help="train the model even if the cached one matches")
    training.add_argument(
        "--no-train",
        action="store_true",
        help="never train: fail, in one line, if the cached model is out of date or does not verify",
    )
    parser.add_argument("--quiet", action="store_true", help="print errors only")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.config is not None and not args.config.is_file():
        print(f"error: {args.config}: no such config file", file=sys.stderr)
        return 2
    if not args.content.is_dir():
        print(f"error: {args.content}: no such content folder", file=sys.stderr)
        return 2
    options = BuildOptions(
        content=args.content,
        out=Path(args.out),
        config=args.config,
        retrain=args.retrain,
        no_train=args.no_train,
        quiet=args.quiet,
    )
    try:
        # Before anything slow: a refused --out costs nothing and touches nothing (build() checks again).
        check_output(args.out, content=args.content, web_src=options.web_src, project=PROJECT_ROOT)
    except OutputRefused as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    try:
        with _stopped_by(signal.SIGTERM, signal.SIGHUP):
            build(options)
    except BuildError as error:
        for problem in error.problems:
            print(f"error: {problem}", file=sys.stderr)
        print(f"Build failed: {len(error.problems)} problem(s); {args.out} was left as it was.", file=sys.stderr)
        return 1
    except Stopped as stop:
        print(f"Build stopped by {stop.name}; {args.out} was left as it was.", file=sys.stderr)
        return 128 + stop.signum
    except KeyboardInterrupt:
        print(f"Build interrupted; {args.out} was left as it was.", file=sys.stderr)
        return 130
    return 0


@contextlib.contextmanager
def _stopped_by(*signums: int):
    """Turn these signals into Stopped, so that they unwind the build (and its staging folder) like Ctrl-C."""
    if threading.current_thread() is not threading.main_thread():  # only the main thread may set handlers
        yield
        return

    def stop(signum, frame):
        raise Stopped(signum)

    previous = {signum: signal.signal(signum, stop) for signum in signums}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


if __name__ == "__main__":
    sys.exit(main())
