"""Atomic output: the site is written beside its target and swapped in only when complete.

As in Lektor, a failed build never leaves half a site: the previous dist/ stays as it was.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from pathlib import Path


@contextlib.contextmanager
def staging_dir(target: Path):
    """Yield an empty folder beside `target`; on success it replaces `target`, on error it is removed."""
    target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=target.parent))
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    replace(staging, target)


def replace(new: Path, target: Path) -> None:
    """Swap `new` into place with renames (atomic on one filesystem), then delete the old copy."""
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
        old.rmdir()
        target.rename(old)
    new.rename(target)
    target.chmod(0o755)  # mkdtemp makes 0700 folders; a web server must be able to read the site
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
