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


def python_results(run_python, cases: list[dict]) -> list:
    """The Python half of a parity test: `run_python(case)` for each case as JSON reads it back
    (tuples become lists, as in JSON from node), or {"error": true} where it raises."""
    results = []
    for case in cases:
        try:
            value = run_python(case)
        except Exception:
            value = {"error": True}
        results.append(json.loads(json.dumps(value)))
    return results
