"""Names found in data are not paths: a file name read from content/ or the model cache must stay in its folder.

Whatever the build copies ends up published on the web, so a name such as `../site.toml` in a JSON file,
an absolute path, or a symbolic link pointing out of its folder must never let an outside file in.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path, PurePosixPath


class OutsideFolder(ValueError):
    """A name that does not stay inside its folder, or does not name a regular file there; says why in words."""


def inside(folder: Path, name: object) -> Path:
    """`folder / name` when `name` is a plain relative name whose target (links followed) lies in `folder`."""
    if not isinstance(name, str) or not name or "\0" in name or "\\" in name:
        raise OutsideFolder(f"{name!r} is not a plain file name")
    pure = PurePosixPath(name)
    if pure.is_absolute() or ".." in pure.parts:
        raise OutsideFolder(f"'{name}' points outside {folder}")
    path = folder / pure
    try:
        resolved = path.resolve()
        home = folder.resolve()
    except (OSError, RuntimeError) as error:  # RuntimeError: a loop of links
        raise OutsideFolder(f"'{name}' cannot be resolved ({error})") from None
    if not resolved.is_relative_to(home):
        raise OutsideFolder(f"'{name}' leads outside {folder} (to {resolved})")
    return path


def regular_file_inside(folder: Path, name: object) -> Path:
    """Like `inside`, and the name must be an existing regular file (not a folder, a pipe, a broken link)."""
    path = inside(folder, name)
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise OutsideFolder(f"'{name}' is missing") from None
    except OSError as error:
        raise OutsideFolder(f"'{name}' cannot be read ({error.strerror or error})") from None
    if not stat.S_ISREG(mode):
        raise OutsideFolder(f"'{name}' is not a regular file")
    return path
