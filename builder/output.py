"""The output folder: checked before the build, written beside its target, swapped in only when complete.

As in Lektor, a failed build never leaves half a site: the previous output stays as it was. Because
a build replaces its output folder whole, it must only ever replace a folder that a build wrote:
every folder the build writes carries the marker file MARKER, and an existing folder is replaced only
if it is empty, carries the marker, or is a site built before the marker existed (see
`looks_like_unmarked_build`). Anything else (the project, the content, the current folder or one
above it, a file, a symbolic link, someone's own folder) is refused with one line naming the path.

Staging copies are named `.NAME.new-PID-XXXX` and `.NAME.old-PID-XXXX` beside the target; one left by
a build that was killed (kill -9, a power cut) is removed by the next successful build, but only if it
carries the marker (or is empty) and the process that made it is gone.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import tempfile
from pathlib import Path

from .errors import BuildError

MARKER = ".lofi-player-build"
MARKER_TEXT = (
    "Written by build-site (Lofi Player). The next build replaces this whole folder: keep nothing of your own in it.\n"
)

# What builds made before the marker existed wrote at the top of their output. Frozen on purpose:
# it describes those old folders, and every newer build carries the marker instead.
UNMARKED_BUILD_NAMES = frozenset(
    {
        "index.html",
        "report.html",
        "site.json",
        "songs",
        "model",
        "media",
        "media.json",
        "assets",
        "icons",
        "manifest.webmanifest",
        "sw.js",
    }
)
UNMARKED_BUILD_NEEDS = ("index.html", "model/generation.json", "assets/app.js")

# Ctrl-C or SIGTERM between the two renames of a swap would leave no output folder at all.
_HELD_SIGNALS = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}


class OutputRefused(BuildError):
    """The output path is one the build must not replace; nothing has been touched."""

    def __init__(self, given: str | Path, why: str):
        shown = str(given) if str(given) else "''"
        if len(shown) > 200:  # a name too long to use is still named, in a line one can read
            shown = f"{shown[:200]}... ({len(shown)} characters)"
        super().__init__(f"--out {shown}: {why}")


def check_output(given: str | Path, *, content: Path, web_src: Path, project: Path) -> Path:
    """The absolute folder to write for `--out given`, or OutputRefused saying why it must not be replaced."""
    try:
        return _check_output(given, content=content, web_src=web_src, project=project)
    except OSError as error:  # a name too long for the system, a folder that cannot be read...
        raise OutputRefused(given, f"cannot be used ({error.strerror or error})") from None


def _check_output(given: str | Path, *, content: Path, web_src: Path, project: Path) -> Path:
    if not str(given).strip():
        raise OutputRefused(given, "the path is empty (an unset shell variable?)")
    path = Path(given)
    if path.is_symlink():
        raise OutputRefused(given, f"is a symbolic link (to {os.readlink(path)}); give a real folder")
    target = path.resolve()
    for ancestor in target.parents:  # `--out notes.txt/site` must not end in a traceback
        if ancestor.exists():
            if not ancestor.is_dir():
                raise OutputRefused(given, f"{ancestor} is a file, not a folder")
            break
    folders = [  # (name, folder, whether inside it is refused too)
        ("the project folder", project, False),  # dist/ lives inside it
        ("the content folder", content, True),
        ("the page sources folder", web_src, True),
        ("the current folder", Path.cwd(), False),
    ]
    for name, folder, not_inside in folders:
        folder = folder.resolve()
        if target == folder:
            raise OutputRefused(given, f"is {name}")
        if folder.is_relative_to(target):
            raise OutputRefused(given, f"contains {name} ({folder})")
        if not_inside and target.is_relative_to(folder):
            raise OutputRefused(given, f"is inside {name} ({folder})")
    why = why_not_replaceable(target)
    if why:
        raise OutputRefused(given, why)
    return target


def why_not_replaceable(target: Path) -> str | None:
    """Why an existing `target` must not be replaced by a build, or None when it may (or is absent)."""
    if target.is_symlink():
        return f"is a symbolic link (to {os.readlink(target)}); give a real folder"
    if not target.exists():
        return None
    if not target.is_dir():
        return "is a file, not a folder"
    try:
        if not any(target.iterdir()) or made_by_build(target) or looks_like_unmarked_build(target):
            return None
    except OSError as error:
        return f"cannot be read ({error.strerror})"
    return (
        f"is a folder that build-site did not write (it has no {MARKER} file); "
        "choose another folder, or empty or remove this one yourself"
    )


def made_by_build(folder: Path) -> bool:
    marker = folder / MARKER
    try:
        if marker.is_symlink() or not marker.is_file():
            return False
        with marker.open(encoding="utf-8", errors="replace") as file:
            return file.read(len(MARKER_TEXT)) == MARKER_TEXT
    except OSError:
        return False


def looks_like_unmarked_build(folder: Path) -> bool:
    """A site built before the marker existed: our files at the top, and nothing else there."""
    names = {entry.name for entry in folder.iterdir()}
    return names <= UNMARKED_BUILD_NAMES and all((folder / need).is_file() for need in UNMARKED_BUILD_NEEDS)


def mark(folder: Path) -> None:
    (folder / MARKER).write_text(MARKER_TEXT, encoding="utf-8")


@contextlib.contextmanager
def staging_dir(target: Path):
    """Yield an empty, marked folder beside `target`; on success it replaces `target`, on error it is removed.

    `target` is checked again here and just before the swap: it may have changed while the site was built.
    """
    why = why_not_replaceable(Path(target))
    if why:
        raise OutputRefused(target, why)
    target = Path(target).resolve()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-{os.getpid()}-", dir=target.parent))
    except OSError as error:
        raise OutputRefused(target, f"cannot create a folder beside it ({error.strerror})") from None
    try:
        mark(staging)  # first, so that a copy left by a killed build is recognisably ours
        yield staging
        why = why_not_replaceable(target)
        if why:
            raise OutputRefused(target, why)
        try:
            replace(staging, target)
        except OSError as error:
            raise OutputRefused(target, f"cannot replace it ({error.strerror})") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    remove_leftovers(target)


def replace(new: Path, target: Path) -> None:
    """Swap `new` into place with renames (atomic on one filesystem), then delete the old copy."""
    old = None
    with signals_held():
        if target.exists():
            if any(target.iterdir()) and not made_by_build(target):
                mark(target)  # a pre-marker build: its renamed copy must be recognisably ours
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-{os.getpid()}-", dir=target.parent))
            old.rmdir()
            target.rename(old)
        try:
            new.rename(target)
        except BaseException:
            if old is not None:
                old.rename(target)
            raise
    target.chmod(0o755)  # mkdtemp makes 0700 folders; a web server must be able to read the site
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def remove_leftovers(target: Path) -> None:
    """Remove the staging copies that killed builds left beside `target`: ours, and only once their build is gone."""
    pattern = re.compile(rf"\.{re.escape(target.name)}\.(?:new|old)-(\d+)-\w+")
    for path in target.parent.iterdir():
        found = pattern.fullmatch(path.name)
        if not found or path.is_symlink() or not path.is_dir() or _running(int(found.group(1))):
            continue
        if made_by_build(path):
            shutil.rmtree(path, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                path.rmdir()  # only if empty: killed between creating it and marking it


def _running(pid: int) -> bool:
    """Whether process `pid` exists (a build writing beside the same target right now)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):
        return False
    except PermissionError:
        return True
    return True


@contextlib.contextmanager
def signals_held():
    """Hold Ctrl-C and termination signals until the block is done; they are delivered after it."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
