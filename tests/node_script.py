"""Runs a JavaScript module script under Node on JSON data: the page's half of a parity test."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
NODE = shutil.which("node") or "node"


def run_node(script: str, data, folder: Path):
    """`script`'s JSON output; it gets the path of `data` (written as JSON in `folder`) and the
    project root as its arguments, and runs from the project root."""
    path = folder / "cases.json"
    path.write_text(json.dumps(data))
    result = subprocess.run(
        [NODE, "--input-type=module", "-e", script, str(path), str(REPO)],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)
