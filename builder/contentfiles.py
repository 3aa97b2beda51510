"""Reading content files safely: only regular files (or links to them within their folder) are ever opened.

Opening a named pipe blocks until something writes to it, so a FIFO called `x.toml` would hang the
build forever; a folder, a broken link or an unreadable file would end it in a traceback. Each is
instead a problem naming the file.
"""

from __future__ import annotations

import os
import stat
import tomllib
from pathlib import Path

from .errors import ContentError, Problem
from .safepath import OutsideFolder, inside


def not_regular(path: Path) -> str | None:
    """Why `path` cannot be read as a content file, in words; None for a regular file or a link to one."""
    try:
        mode = path.stat().st_mode  # follows links: a link to a regular file is fine
    except FileNotFoundError:
        return "a broken symbolic link (its target does not exist)" if path.is_symlink() else "no such file"
    except OSError as error:
        return f"cannot be read ({error.strerror or error})"
    if stat.S_ISREG(mode):
        return None
    kinds = [
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a named pipe"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a device"),
        (stat.S_ISBLK, "a device"),
    ]
    kind = next((name for test, name in kinds if test(mode)), "a special file")
    return f"{kind}, not a regular file"


def leads_outside(folder: Path, path: Path) -> str | None:
    """Why `path` (a link) must not be read as part of `folder`, or None: what a build copies is
    published, so a link may not bring in a file from outside its own folder."""
    try:
        inside(folder, path.name)
    except OutsideFolder:
        return f"a symbolic link leading outside {folder} (to {path.resolve()}); only files in that folder are read"
    return None


def exists(path: Path) -> bool:
    """True for anything at `path`, a broken link included (Path.exists() says False for those)."""
    return os.path.lexists(path)


def regular_files(folder: Path, suffixes: tuple[str, ...], problems: list[Problem]) -> list[Path]:
    """The regular files in `folder` whose suffix (any case) is one of `suffixes`, sorted by name;
    anything else with such a name (a folder, a pipe, a broken link, a link leading out of `folder`)
    is recorded in `problems`."""
    if not folder.is_dir():
        return []
    files = []
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() not in suffixes:
            continue
        why = not_regular(path) or leads_outside(folder, path)
        if why:
            problems.append(Problem(path, why))
        else:
            files.append(path)
    return files


def read_toml(path: Path) -> dict:
    """A content TOML file's table; ContentError naming the file if it is not a readable, valid one."""
    why = not_regular(path)
    if why:
        raise ContentError(Problem(path, why))
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ContentError(Problem(path, f"not valid TOML: {error}")) from None
    except RecursionError:  # tomllib reads nested arrays and tables recursively
        raise ContentError(Problem(path, "not readable: arrays or tables nested too deeply")) from None
    except OSError as error:
        raise ContentError(Problem(path, f"cannot be read ({error.strerror or error})")) from None
