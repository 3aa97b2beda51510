"""`build-site`: content/ in, a static site out."""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import threading
import traceback
from pathlib import Path

from .errors import BuildError
from .output import MARKER, OutputRefused, check_output

# Set (to anything but "" or "0") to see the traceback of an unexpected error, with the line asking
# to report it; without it every failure is one line.
DEBUG_ENV = "LOFI_PLAYER_DEBUG"

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
    try:
        return _run(args)
    except KeyboardInterrupt:  # also a stop that came while the build was unwinding from another
        _ignore_further_stops()
        print(f"Build interrupted; {_short(args.out)} was left as it was.", file=sys.stderr)
        return 130
    except BuildError as error:
        return _failed(error.problems, args.out)
    except OSError as error:  # a full disk, a file-size limit, a name too long: the system's words
        return _failed([_os_problem(error)], args.out)
    except RecursionError:
        return _failed(["something in the content is nested too deeply to read"], args.out)
    except Exception as error:  # a bug: say so in one line, and how to see more
        if os.environ.get(DEBUG_ENV, "") not in ("", "0"):
            traceback.print_exc()
        name = type(error).__name__
        print(
            f"error: unexpected {name}: {str(error)[:300]}. This is a bug in build-site: please report it "
            f"(set {DEBUG_ENV}=1 to see the traceback); {_short(args.out)} was left as it was.",
            file=sys.stderr,
        )
        return 1


def _run(args: argparse.Namespace) -> int:
    # Imported here, not at the top: Ctrl-C while TensorFlow or numpy load is then an interrupted
    # build (one line), not a traceback.
    from .build import BuildOptions, build
    from .site import PROJECT_ROOT

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
    except Stopped as stop:
        _ignore_further_stops()
        print(f"Build stopped by {stop.name}; {_short(args.out)} was left as it was.", file=sys.stderr)
        return 128 + stop.signum
    return 0


def _ignore_further_stops() -> None:
    """The build has stopped and the process is about to exit: a second Ctrl-C (people press it
    twice) must not interrupt the last line with a traceback."""
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, signal.SIG_IGN)


def _failed(problems: list, out: str) -> int:
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    print(f"Build failed: {len(problems)} problem(s); {_short(out)} was left as it was.", file=sys.stderr)
    return 1


def _os_problem(error: OSError) -> str:
    where = error.filename if error.filename is not None else "build-site"
    return f"{_short(str(where))}: {error.strerror or error}"


def _short(text: str, limit: int = 200) -> str:
    """A path as long as 5,000 characters is still named, in a line one can read."""
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} characters)"


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
