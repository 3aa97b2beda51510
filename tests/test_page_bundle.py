"""The page's script as built: what a page that only opens runs, and what waits for a listener.

The entry (assets/app.js) fetches the page's own chunk after the first paint; Tone.js (which makes
an audio context as it loads) and the animated scene are chunks fetched later. These read the
built files and follow their imports, as the browser would.
"""

from __future__ import annotations

import re

STATIC_IMPORT = re.compile(r"""(?:^|[;}\s])import\s*(?:[\w$*{}\s,]+from\s*)?["'](\./[^"']+)["']""")
DYNAMIC_IMPORT = re.compile(r"""import\(\s*["'](\./[^"']+)["']\s*\)""")
TONE_BANNER = " * Tone.js "  # Tone.js logs this banner when it is evaluated


def static_closure(assets, start):
    """`start` (a path under assets/) and every file it imports statically, transitively."""
    seen, todo = set(), [start]
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        text = (assets / path).read_text(encoding="utf-8")
        base = path.rsplit("/", 1)[0] + "/" if "/" in path else ""
        todo.extend(normalise(base + rel) for rel in STATIC_IMPORT.findall(text))
    return seen


def normalise(path):
    parts = []
    for part in path.split("/"):
        if part == "..":
            parts.pop()
        elif part not in (".", ""):
            parts.append(part)
    return "/".join(parts)


def dynamic_imports(assets, path):
    base = path.rsplit("/", 1)[0] + "/" if "/" in path else ""
    return [normalise(base + rel) for rel in DYNAMIC_IMPORT.findall((assets / path).read_text(encoding="utf-8"))]


def test_the_entry_only_fetches_the_pages_chunk(built_site):
    assets = built_site / "assets"
    entry = static_closure(assets, "app.js")
    assert not any(TONE_BANNER in (assets / path).read_text(encoding="utf-8") for path in entry)
    (page,) = dynamic_imports(assets, "app.js")
    assert page.startswith("chunks/page-")


def test_a_page_that_only_opens_runs_no_tone_js(built_site):
    assets = built_site / "assets"
    (page,) = dynamic_imports(assets, "app.js")
    at_open = static_closure(assets, "app.js") | static_closure(assets, page)
    assert "app.js" in at_open and page in at_open
    assert not [path for path in at_open if TONE_BANNER in (assets / path).read_text(encoding="utf-8")]
    # Tone.js is there, one dynamic import away: fetched when a listener shows up. (The import may
    # sit in a chunk the page shares with report.html's script, which the page loads at open.)
    later = set().union(*(static_closure(assets, lazy) for path in at_open for lazy in dynamic_imports(assets, path)))
    assert [path for path in later if TONE_BANNER in (assets / path).read_text(encoding="utf-8")]
