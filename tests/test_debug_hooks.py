"""The hooks only tests use live in assets/debug.js, which the page never loads: the bundle every
listener downloads (assets/app.js) holds none of them."""

from __future__ import annotations

# Names that only the debug entry (web_src/js/debug/debug.js) may define.
DEBUG_HOOKS = ("audioStats", "outputRms", "benchmarkSeedMethod")


def test_the_product_bundle_holds_no_debug_hooks(built_site):
    app = (built_site / "assets" / "app.js").read_text(encoding="utf-8")
    chunks = [p.read_text(encoding="utf-8") for p in sorted((built_site / "assets" / "chunks").glob("*.js"))]
    for name in DEBUG_HOOKS:
        assert name not in app, f"assets/app.js defines the test hook {name}"
        assert not any(name in chunk for chunk in chunks), f"a chunk of assets/app.js defines the test hook {name}"


def test_the_debug_entry_is_built_and_not_loaded_by_the_page(built_site):
    debug = (built_site / "assets" / "debug.js").read_text(encoding="utf-8")
    assert "audioStats" in debug and "lofiProbe" in debug
    assert "debug.js" not in (built_site / "index.html").read_text(encoding="utf-8")
