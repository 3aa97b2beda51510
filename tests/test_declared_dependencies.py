"""What the code imports is declared: every third-party Python module imported (at the top or inside a
function) maps to a distribution that pyproject.toml names, and every npm package the page's
JavaScript imports is in package.json's "dependencies" (a fresh `make site` installs only what is
declared; a package that happens to arrive as another one's dependency can leave with it).

- builder/ is what `build-site` runs: its imports must be in [project] dependencies.
- bench/, scripts/ and tests/ run with the test extra: [project] dependencies or an optional extra.
- web_src/ is what the page bundles: package.json "dependencies". bench/'s and tests/js/'s JavaScript
  may also use "devDependencies". builder/'s paths into node_modules/ are page files too.
tools/ is left out: one-off content makers, each stating in its docstring what to install by hand
(tools/render_instruments.py's tinysoundfont is installed with --no-deps).

Import names become distributions through importlib.metadata (PIL -> Pillow, yaml -> PyYAML): a
module that no installed distribution provides is reported as well.
"""

from __future__ import annotations

import ast
import importlib.metadata
import json
import re
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The repository's own modules: its top-level folders and tools/'s scripts (tests put tools/ on sys.path).
LOCAL = {p.stem for folder in (ROOT, ROOT / "tools") for p in folder.iterdir() if p.is_dir() or p.suffix == ".py"}
RUNTIME_PY = ["builder"]
TEST_PY = ["bench", "scripts", "tests"]
PAGE_JS = ["web_src"]
DEV_JS = ["bench", "tests/js"]

# import x / from x import y / export ... from 'x' / import('x'), each one's specifier.
JS_IMPORT = re.compile(r"""(?:\bimport|\bexport)\s*(?:[\w*{}\s,$]+?\s*from\s*)?\(?\s*['"]([^'"]+)['"]""")


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(requirement: str) -> str:
    return normalise(re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement).group(1))


def declared_python() -> tuple[set[str], set[str]]:
    """(runtime, runtime + every optional extra), as normalised distribution names."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = {requirement_name(r) for r in project.get("dependencies", [])}
    extras = {requirement_name(r) for group in project.get("optional-dependencies", {}).values() for r in group}
    return runtime, runtime | extras


def imported_modules(source: str, path: Path) -> set[str]:
    """The top-level names of the absolute imports in `source`, anywhere in the file."""
    names = set()
    for node in ast.walk(ast.parse(source, str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def undeclared_python(files: list[Path], declared: set[str]) -> list[str]:
    """'path: module (distribution)' for each third-party import whose distribution is not declared."""
    providers = importlib.metadata.packages_distributions()
    problems = []
    for path in files:
        siblings = {p.stem for p in path.parent.iterdir() if p.suffix == ".py" or p.is_dir()}
        for module in sorted(imported_modules(path.read_text(), path)):
            if module in sys.stdlib_module_names or module in LOCAL or module in siblings or module == "__future__":
                continue
            distributions = {normalise(d) for d in providers.get(module, [])}
            if not distributions:
                problems.append(f"{path}: {module} (no installed distribution provides it)")
            elif not distributions & declared:
                problems.append(f"{path}: {module} ({', '.join(sorted(distributions))})")
    return problems


def package_of(specifier: str) -> str | None:
    """The npm package a bare specifier names ('@scope/name/dist/x' -> '@scope/name'); None for
    relative paths, URLs and node: built-ins."""
    if specifier.startswith((".", "/", "node:", "http:", "https:", "data:")):
        return None
    parts = specifier.split("/")
    return "/".join(parts[:2]) if specifier.startswith("@") else parts[0]


def undeclared_js(files: list[Path], declared: set[str]) -> list[str]:
    problems = []
    for path in files:
        for specifier in JS_IMPORT.findall(path.read_text()):
            package = package_of(specifier)
            if package and package not in declared:
                problems.append(f"{path}: {specifier} ({package})")
    return problems


def python_files(folders):
    return sorted(p for folder in folders for p in (ROOT / folder).rglob("*.py"))


def js_files(folders):
    return sorted(p for folder in folders for ext in ("*.js", "*.mjs") for p in (ROOT / folder).rglob(ext))


def declared_npm() -> tuple[set[str], set[str]]:
    manifest = json.loads((ROOT / "package.json").read_text())
    runtime = set(manifest.get("dependencies", {}))
    return runtime, runtime | set(manifest.get("devDependencies", {}))


def test_builder_imports_only_runtime_dependencies():
    runtime, _ = declared_python()
    assert undeclared_python(python_files(RUNTIME_PY), runtime) == []


def test_benchmarks_scripts_and_tests_import_only_declared_packages():
    _, everything = declared_python()
    assert undeclared_python(python_files(TEST_PY), everything) == []


def test_the_page_imports_only_package_json_dependencies():
    runtime, _ = declared_npm()
    assert undeclared_js(js_files(PAGE_JS), runtime) == []


def test_benchmark_and_test_javascript_import_only_declared_packages():
    _, everything = declared_npm()
    assert undeclared_js(js_files(DEV_JS), everything) == []


def test_builder_copies_only_declared_packages_from_node_modules():
    runtime, _ = declared_npm()
    named = set()
    for path in python_files(RUNTIME_PY):
        named.update(package_of(m) for m in re.findall(r"node_modules/((?:@[\w.-]+/)?[\w.-]+)", path.read_text()))
    assert named and named <= runtime, named - runtime


def test_matplotlib_is_declared_for_the_build_and_pillow_for_the_tests():
    runtime, everything = declared_python()
    assert "matplotlib" in runtime  # builder/evaluate.py and builder/listening.py draw the report's figures
    assert "pillow" in everything


# The checks themselves catch what they are for.


@pytest.fixture
def undeclared_installed():
    """An importable module whose distribution pyproject.toml does not name (pytest's own
    dependencies are always installed: iniconfig, pluggy, packaging...)."""
    _, everything = declared_python()
    for module, dists in sorted(importlib.metadata.packages_distributions().items()):
        if module.isidentifier() and not module.startswith("_") and not {normalise(d) for d in dists} & everything:
            return module
    pytest.fail("every installed distribution is declared")


def test_an_undeclared_python_import_is_caught(tmp_path, undeclared_installed):
    runtime, everything = declared_python()
    script = tmp_path / "script.py"
    script.write_text(f"import json\n\n\ndef draw():\n    from {undeclared_installed}.x import y\n")
    assert [p.split(": ")[1].split(" ")[0] for p in undeclared_python([script], everything)] == [undeclared_installed]
    script.write_text("import matplotlib.pyplot\nimport no_such_module_anywhere\n")
    assert [p.split(": ")[1] for p in undeclared_python([script], runtime)] == [
        "no_such_module_anywhere (no installed distribution provides it)"
    ]
    # Declared only as a test extra: fine for tests, not for the build.
    script.write_text("import pytest\n")
    assert undeclared_python([script], everything) == []
    assert len(undeclared_python([script], runtime)) == 1


def test_an_undeclared_npm_import_is_caught(tmp_path):
    runtime, everything = declared_npm()
    page = tmp_path / "page.js"
    page.write_text(
        "import { a } from './local.js';\nimport fs from 'node:fs';\n"
        "import { dispose } from '@tensorflow/tfjs-core';\n"
        "import seedrandom from 'seedrandom';\nexport { b } from 'long/src/x.js';\nconst m = await import('eslint');\n"
    )
    assert [p.split(": ", 1)[1] for p in undeclared_js([page], runtime)] == [
        "seedrandom (seedrandom)",
        "long/src/x.js (long)",
        "eslint (eslint)",
    ]
    assert [p.split(": ", 1)[1] for p in undeclared_js([page], everything)] == [
        "seedrandom (seedrandom)",
        "long/src/x.js (long)",
    ]
