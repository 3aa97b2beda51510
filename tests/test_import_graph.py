"""No import cycles: between the builder's modules, between the page's files and between its folders.

A cycle ties modules into one that cannot be read, tested or changed alone, and a folder cycle
means the layers (music under ai under audio ...) have stopped being layers. Imports inside
functions count too: a lazy import hides a cycle, it does not remove it.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILDER = ROOT / "builder"
PAGE = ROOT / "web_src" / "js"

# Static `import ... from './x.js'`, `export ... from './x.js'`, bare `import './x.js'` and dynamic
# `import('./x.js')`; only relative specifiers name the page's own files.
_JS_IMPORT = re.compile(
    r"""(?:\b(?:import|export)\b[^;'"`]*?\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"](\.{1,2}/[^'"]+)['"]""",
    re.S,
)
_JS_COMMENT = re.compile(r"/\*.*?\*/|(?<![:'\"\\])//[^\n]*", re.S)


def python_graph(package: Path = BUILDER) -> dict[str, set[str]]:
    """{module: the package's modules it imports}, from every import statement, nested ones too."""
    modules = {path.stem for path in package.glob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for path in package.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            targets = []
            if isinstance(node, ast.ImportFrom):
                if node.level == 1 and node.module:  # from .corpus import x
                    targets.append(node.module.split(".")[0])
                elif node.level == 1:  # from . import theory
                    targets += [alias.name for alias in node.names]
                elif node.level == 0 and node.module and node.module.split(".")[0] == package.name:
                    parts = node.module.split(".")
                    targets += [parts[1]] if len(parts) > 1 else [alias.name for alias in node.names]
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    parts = alias.name.split(".")
                    if parts[0] == package.name and len(parts) > 1:
                        targets.append(parts[1])
            graph[path.stem] |= {t for t in targets if t in modules and t != path.stem}
    return graph


def js_imports(text: str) -> list[str]:
    return _JS_IMPORT.findall(_JS_COMMENT.sub("", text))


def js_graph(root: Path = PAGE) -> dict[str, set[str]]:
    """{file: the files it imports}, paths relative to `root` with forward slashes."""
    files = sorted(root.rglob("*.js"))
    graph: dict[str, set[str]] = {}
    for path in files:
        name = path.relative_to(root).as_posix()
        graph[name] = set()
        for spec in js_imports(path.read_text()):
            target = (path.parent / spec).resolve()
            if target.is_file() and target.is_relative_to(root):
                graph[name].add(target.relative_to(root).as_posix())
    return graph


def folder_of(name: str) -> str:
    """A file's top folder under web_src/js ('ai/lstm.js' -> 'ai'); a file at the top (main.js, the
    entry, beside urls.js, a helper every layer may use) stands for itself."""
    return name.split("/", 1)[0]


def folder_graph(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    folders: dict[str, set[str]] = {}
    for name, targets in graph.items():
        here = folder_of(name)
        folders.setdefault(here, set())
        folders[here] |= {folder_of(t) for t in targets if folder_of(t) != here}
    return folders


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One closed path (a -> b -> a) through every group of nodes that reach each other, sorted."""
    return sorted(_closed_path(graph, group) for group in tangles(graph))


def tangles(graph: dict[str, set[str]]) -> list[set[str]]:
    """Every strongly connected group of more than one node: the nodes that import each other,
    directly or around a cycle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def visit(node: str) -> None:  # Tarjan's algorithm; the graphs are small, recursion is fine
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(group)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(groups, key=min)


def _closed_path(graph: dict[str, set[str]], group: set[str]) -> list[str]:
    """The shortest path from the group's first node back to itself, inside the group."""
    start = min(group)
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for target in sorted(graph.get(node, ()) & group):
            if target == start:
                return paths[node] + [start]
            if target not in paths:
                paths[target] = paths[node] + [target]
                queue.append(target)
    raise AssertionError(f"{sorted(group)} is not a cycle")


def described(found: list[list[str]]) -> str:
    return "; ".join(" -> ".join(path) for path in found)


def folder_edges(graph: dict[str, set[str]]) -> str:
    """Each edge between folders that import each other, with the file imports that make it."""
    lines = []
    for members in tangles(folder_graph(graph)):
        for source in sorted(members):
            for target in sorted(members - {source}):
                imports = sorted(
                    f"{name} -> {t}"
                    for name, targets in graph.items()
                    for t in targets
                    if folder_of(name) == source and folder_of(t) == target
                )
                if imports:
                    lines.append((len(imports), f"{source} -> {target} ({len(imports)}): {', '.join(imports)}"))
    # The fewest imports first: in a two-way pair, the direction that goes against the layers is
    # usually the one with one or two imports.
    return "\n".join(line for _, line in sorted(lines))


# ---- the checker itself ---------------------------------------------------------------------------


def test_the_cycle_finder_finds_each_cycle_and_nothing_else():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"f"}, "f": {"e"}, "g": {"d"}}
    assert cycles(graph) == [["a", "b", "c", "a"], ["e", "f", "e"]]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_python_imports_are_read_from_every_form_nested_ones_included(tmp_path):
    package = tmp_path / "builder"
    package.mkdir()
    (package / "a.py").write_text("from . import b\nimport os\n")
    (package / "b.py").write_text("def f():\n    from .c import x\n    return x\n")
    (package / "c.py").write_text("from builder.d import y\nimport builder.a\n")
    (package / "d.py").write_text("from builder import a\nfrom .missing import z\n")
    assert python_graph(package) == {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": {"a"}}
    assert cycles(python_graph(package)) == [["a", "b", "c", "a"]]


def test_js_imports_are_read_from_every_form_and_comments_are_skipped(tmp_path):
    (tmp_path / "music").mkdir()
    (tmp_path / "ai").mkdir()
    (tmp_path / "ai" / "lstm.js").write_text(
        "import { a,\n  b } from '../music/theory.js';\n"
        "export { c } from './sampling.js';\n"
        "import './side.js';\n"
        "// import { x } from './commented.js';\n"
        "/* import { y } from './blocked.js'; */\n"
        "const url = 'https://example.com/a.js'; // a string, not an import\n"
        "async function later() { return import('../music/pitch.js'); }\n"
        "import * as tf from '@tensorflow/tfjs-core';\n"
    )
    for name in ("ai/sampling.js", "ai/side.js", "ai/commented.js", "ai/blocked.js", "music/pitch.js"):
        (tmp_path / name).write_text("")
    (tmp_path / "music" / "theory.js").write_text("import { lstm } from '../ai/lstm.js';\n")
    graph = js_graph(tmp_path)
    assert graph["ai/lstm.js"] == {"music/theory.js", "ai/sampling.js", "ai/side.js", "music/pitch.js"}
    assert cycles(graph) == [["ai/lstm.js", "music/theory.js", "ai/lstm.js"]]
    assert cycles(folder_graph(graph)) == [["ai", "music", "ai"]]


# ---- the project ----------------------------------------------------------------------------------


def test_the_builders_modules_import_each_other_without_cycles():
    graph = python_graph()
    assert len(graph) > 20 and graph["build"]  # the real package was read
    found = cycles(graph)
    assert not found, f"import cycles in builder/: {described(found)}"


def test_the_pages_files_import_each_other_without_cycles():
    graph = js_graph()
    assert len(graph) > 50 and graph["main.js"]
    found = cycles(graph)
    assert not found, f"import cycles between web_src/js files: {described(found)}"


def test_the_pages_folders_import_each_other_without_cycles():
    graph = js_graph()
    folders = folder_graph(graph)
    assert {"music", "ai", "audio", "ui"} <= set(folders)
    found = cycles(folders)
    assert not found, f"import cycles between web_src/js folders: {described(found)}\n{folder_edges(graph)}"
