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
    _stops.clear()
    out = "dist"  # named in the lines below until the arguments are read
    try:
        # The handlers first: a Ctrl-C from here on, while the build's modules load too, is one line.
        with _stopped_by(signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            args = parse_args(argv)
            out = args.out
            return _run(args)
    except KeyboardInterrupt:
        return _stopped(out)
    except BuildError as error:
        return _failed(error.problems, out)
    except OSError as error:  # a full disk, a file-size limit, a name too long: the system's words
        return _failed([_os_problem(error)], out)
    except RecursionError:
        return _failed(["something in the content is nested too deeply to read"], out)
    except Exception as error:
        if _stops:  # a stop inside a C extension's import comes out as another error (numpy: ImportError)
            return _stopped(out)
        # A bug: say so in one line, and how to see more.
        if os.environ.get(DEBUG_ENV, "") not in ("", "0"):
            traceback.print_exc()
        name = type(error).__name__
        print(
            f"error: unexpected {name}: {str(error)[:300]}. This is a bug in build-site: please report it "
            f"(set {DEBUG_ENV}=1 to see the traceback); {_short(out)} was left as it was.",
            file=sys.stderr,
        )
        return 1


def _stopped(out: str) -> int:
    # The process exits next. Under load, the worker pool's exit hook has been seen to fail while
    # the interpreter shuts down ("Exception ignored in: <module 'threading'>" and a traceback
    # under the line below): nothing is left to clean up by then, so such errors are not printed.
    sys.unraisablehook = lambda _unraisable: None
    signum = _stops[0] if _stops else signal.SIGINT
    if signum == signal.SIGINT:
        print(f"Build interrupted; {_short(out)} was left as it was.", file=sys.stderr)
    else:
        print(f"Build stopped by {signal.Signals(signum).name}; {_short(out)} was left as it was.", file=sys.stderr)
    return 128 + signum


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
    build(options)
    return 0


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


# The signals that asked this build to stop, in the order they came.
_stops: list[int] = []


@contextlib.contextmanager
def _stopped_by(*signums: int):
    """Turn these signals into KeyboardInterrupt (Stopped for all but SIGINT), so that they unwind the
    build (and its staging folder) like Ctrl-C. Only the first counts: a second Ctrl-C (people press it
    twice) while the build winds down is ignored, never a traceback over its last line."""
    if threading.current_thread() is not threading.main_thread():  # only the main thread may set handlers
        yield
        return

    def stop(signum, frame):
        if _stops:
            return
        _stops.append(signum)
        for each in signums:  # ignored by the system itself: even while the interpreter shuts down
            signal.signal(each, signal.SIG_IGN)
        raise KeyboardInterrupt if signum == signal.SIGINT else Stopped(signum)

    previous = {signum: signal.signal(signum, stop) for signum in signums}
    try:
        yield
    finally:
        if not _stops:  # after a stop the process is about to exit: more signals stay ignored
            for signum, handler in previous.items():
                signal.signal(signum, handler)


if __name__ == "__main__":
    sys.exit(main())
