"""A cold start: when Play is the first input on a fresh page, the AI track's first note waits for
one sample an octave of its instruments (C3 to C6), not the whole middle of the keyboard; the
other samples are fetched once that note has sounded, and the sampler plays from them after.
(The time and bytes to the first note are bench/page_weight.py's: speed lives in benchmarks.)"""

from __future__ import annotations

import re

import pytest

from .browser import open_lofi, wait_for

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
        # The other samples of the middle of the keyboard come after the first note.
        wait_for(page, f"({SAMPLES_JS})().samples.length > {len(first['samples'])}", timeout=30000)
        later = page.evaluate(SAMPLES_JS)
        after = {SAMPLE.search(url).groups() for url, start in later["samples"] if start > first["triggerAt"]}
        assert {note for _, note in after} & {"Ds4", "Fs4", "A4"}, after
        page.wait_for_timeout(500)  # the samples added to the playing sampler
        assert page.evaluate("() => window.lofi.state().playing") is True
        assert not watch.errors, watch.errors
        page.evaluate("() => window.lofi.stop()")
    finally:
        context.close()
