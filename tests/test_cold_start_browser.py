"""A cold start: when Play is the first input on a fresh page, the AI track's first note waits for
one sample an octave of its instruments (C3 to C6), not the whole middle of the keyboard; the
other samples are fetched once that note has sounded, and the sampler plays from them after.
The copy guard's hashes wait too: the worker fetches them when a composition first needs them.
(The time and bytes to the first note are bench/page_weight.py's: speed lives in benchmarks.)"""

from __future__ import annotations

import contextlib
import json
import re
import shutil
from pathlib import Path

import pytest

from builder.copyguard import build_guard, guard_file_bytes, longest_copied_run
from builder.export import GUARD_FILE

from .browser import open_lofi, wait_for
from .conftest import served

pytestmark = pytest.mark.browser

SAMPLE = re.compile(r"/media/instruments/(\w+)/(\w+)\.ogg$")

PLAY_FIRST_JS = """async () => {
  window.__playAt = performance.now();
  await window.lofi.play({song: 'ai'});
}"""

SAMPLES_JS = """() => {
  const note = window.lofi.state().solo?.firstNote;
  return {
    triggerAt: note ? window.__playAt + note.triggerMs : null,
    samples: performance.getEntriesByType('resource').filter((e) => e.name.includes('/media/instruments/'))
      .map((e) => [e.name, e.startTime]),
  };
}"""


def test_the_first_ai_note_waits_for_one_sample_an_octave_and_the_rest_follow(browser, media_site_url):
    context = browser.new_context(service_workers="block")  # every fetch is the page's own, in its timeline
    try:
        page, watch = open_lofi(context, media_site_url, settings=False)
        page.evaluate(PLAY_FIRST_JS)  # no sign of a listener before: Play is the first input
        wait_for(page, "window.lofi.state().solo?.firstNote?.triggerMs !== undefined", timeout=60000)
        first = page.evaluate(SAMPLES_JS)
        before = {SAMPLE.search(url).groups() for url, start in first["samples"] if start <= first["triggerAt"]}
        assert before and {note for _, note in before} <= {"C3", "C4", "C5", "C6"}, before
        # The other samples of the middle of the keyboard come after the first note (in order, from
        # C3 up: wait for those of the fourth octave).
        middle = f"({SAMPLES_JS})().samples.some(([url, start]) => /(Ds4|Fs4|A4)\\.ogg$/.test(url) && start > {first['triggerAt']})"
        wait_for(page, middle, timeout=30000)
        later = page.evaluate(SAMPLES_JS)
        after = {SAMPLE.search(url).groups() for url, start in later["samples"] if start > first["triggerAt"]}
        assert {note for _, note in after} & {"Ds4", "Fs4", "A4"}, after
        page.wait_for_timeout(500)  # the samples added to the playing sampler
        assert page.evaluate("() => window.lofi.state().playing") is True
        assert not watch.errors, watch.errors
        page.evaluate("() => window.lofi.stop()")
    finally:
        context.close()


def guarded_sites(media_site: Path, root: Path) -> tuple[Path, Path]:
    """Two copies of the lead-sheet test site (a random-weights model): one whose generation.json
    names copyguard.u32, as the build writes it, one with the same guard written inline."""
    from .test_compose_browser import write_leadsheet_model

    lazy, inline = root / "lazy", root / "inline"
    shutil.copytree(media_site, lazy)
    write_leadsheet_model(lazy / "model", root)
    shutil.copytree(lazy, inline)
    return lazy, inline


def write_guard(site: Path, guard: dict, *, inline: bool) -> None:
    path = site / "model" / "generation.json"
    generation = json.loads(path.read_text())
    generation["copyGuard"] = guard if inline else {"n": guard["n"], "url": GUARD_FILE, "count": len(guard["hashes"])}
    path.write_text(json.dumps(generation, indent=1) + "\n")
    (site / "model" / GUARD_FILE).write_bytes(guard_file_bytes(guard["hashes"]))


COMPOSE_JS = "(options) => window.lofi.compose({seed: 3, temperature: 0, bars: 8, ...options})"


def test_the_copy_guard_comes_when_first_needed_and_the_music_is_unchanged(browser, media_site, tmp_path):
    """generation.json (read with the page) only names copyguard.u32; the worker fetches it once a
    composition has written enough to need it, and the piece is the same as with the guard inline
    from the start. The guard is made of the unguarded piece's own runs (n = 4), so that it bites."""
    lazy, inline = guarded_sites(media_site, tmp_path)
    requests = []
    contexts = []

    def fresh_page(url):  # a fresh context each time: no HTTP cache of the files rewritten between
        context = browser.new_context(service_workers="block")
        contexts.append(context)
        context.on("request", lambda request: requests.append(request.url))
        return open_lofi(context, url, settings=False)

    try:
        with contextlib.ExitStack() as stack:
            lazy_url = stack.enter_context(contextlib.contextmanager(served)(lazy))
            inline_url = stack.enter_context(contextlib.contextmanager(served)(inline))
            page, _ = fresh_page(inline_url)
            free = page.evaluate(COMPOSE_JS, {"copyGuard": False})["tokens"]
            guard = build_guard([free], n=4)
            write_guard(inline, guard, inline=True)
            write_guard(lazy, guard, inline=False)
            page, _ = fresh_page(inline_url)
            expected = page.evaluate(COMPOSE_JS, {})["tokens"]
            assert expected != free and longest_copied_run(expected, [free]) <= 3

            page, watch = fresh_page(lazy_url)
            requests.clear()
            page.evaluate("() => window.lofi.loadModel()")
            assert not [url for url in requests if url.endswith("/copyguard.u32")], "fetched before it was needed"
            assert page.evaluate(COMPOSE_JS, {})["tokens"] == expected
            assert [url for url in requests if url.endswith("/model/copyguard.u32")]
            assert not watch.errors, watch.errors
    finally:
        for context in contexts:
            context.close()


def test_the_page_fetches_the_model_once_and_hands_it_to_the_worker(browser, built_site_url):
    """model.json, its shards and the wasm binary are fetched by the page as it starts the worker
    (ai/model_files.js), each once: the worker, given them, fetches none again, and runs on wasm."""
    context = browser.new_context(service_workers="block")
    requests = []
    context.on("request", lambda request: requests.append(request.url))
    try:
        page, watch = open_lofi(context, built_site_url, settings=False)
        page.evaluate("() => window.lofi.loadModel()")
        assert page.evaluate("() => window.lofi.state().backend") == "wasm"
        files = [url for url in requests if url.endswith((".bin", "/model/model.json", ".wasm"))]
        assert len(files) == len(set(files)) and {url.rsplit(".", 1)[1] for url in files} == {"bin", "json", "wasm"}, (
            files
        )
        assert not watch.errors, watch.errors
    finally:
        context.close()
