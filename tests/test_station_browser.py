"""The station in headless Chromium: Play's endless run of AI tunes with form.

The site is the tiny test content with the real media (drums, samples) and a tiny random-weights
lead-sheet model (test_compose_browser.write_leadsheet_model): what the page does with whatever a
lead-sheet model writes is tested, not what this one has learned. Tunes are played at a fast tempo
(bpm: every tune at that tempo) so that one ends within a test.
"""

from __future__ import annotations

import pytest

from .browser import open_lofi, wait_for
from .conftest import served
from .test_compose_browser import leadsheet_site  # noqa: F401 (a fixture: the tiny lead-sheet site)

pytestmark = pytest.mark.browser

TICKS_PER_BAR = 4 * 192


@pytest.fixture(scope="module")
def site(leadsheet_site):  # noqa: F811 (the fixture imported above)
    yield from served(leadsheet_site)


@pytest.fixture
def open_page(browser, site):
    contexts = []

    def opener(context=None):
        context = context or browser.new_context(service_workers="block")
        contexts.append(context)
        return open_lofi(context, site)

    yield opener
    for context in contexts:
        context.close()


def station(page, options: dict) -> dict:
    return page.evaluate("(o) => window.lofi.station(o)", options)


def music_of(timeline, tune: int) -> list[dict]:
    return [e for e in timeline if e["layer"] == "music" and e.get("tune") == tune]


def test_the_plan_is_the_same_for_the_same_seed_and_its_tunes_have_form(open_page):
    page, watch = open_page()
    plan = station(page, {"seed": 11, "minutes": 4})
    assert plan == station(page, {"seed": 11, "minutes": 4})
    assert plan["seed"] == 11
    assert sum(t["bars"] * 4 * 60 / t["bpm"] for t in plan["tunes"]) >= 4 * 60
    other = station(page, {"seed": 12, "minutes": 1})
    assert other["tunes"][0]["melody"] != plan["tunes"][0]["melody"]
    for tune in plan["tunes"]:
        seconds = tune["bars"] * 4 * 60 / tune["bpm"]
        assert 90 <= seconds <= 240, seconds
        names = [s["name"] for s in tune["sections"]]
        assert names[0] == "intro" and names[-1] == "outro" and "B" in names, names
        bars = {s["name"]: s for s in tune["sections"]}

        def steps(section):
            return range(section["bar"] * 16, (section["bar"] + section["bars"]) * 16)

        def melody_in(section, melody=tune["melody"]):
            return [(n["step"] - section["bar"] * 16, n["midi"]) for n in melody if n["step"] in steps(section)]

        assert melody_in(bars["intro"]) == [], "the intro is chords alone"
        assert [c for c in tune["chords"] if c["step"] in steps(bars["intro"])], "the intro has chords"
        a = melody_in(bars["A"])
        assert a, "A has a melody"
        if "A'" in bars:
            varied = melody_in(bars["A'"])
            motif = [n for n in a if n[0] < 32]
            assert [n for n in varied if n[0] < 32] == motif, "A' opens with A's first two bars"
            assert varied != a, "and goes on its own way"
        returns = [s for s in tune["sections"] if s["name"] == "A"]
        assert len(returns) >= 1
        if len(returns) == 2:
            second = [
                (n["step"] - returns[1]["bar"] * 16, n["midi"])
                for n in tune["melody"]
                if n["step"] in steps(returns[1])
            ]
            assert second == a, "A returns"
        outro = bars["outro"]
        last = [n for n in tune["melody"] if n["step"] >= outro["bar"] * 16]
        tonic = {"C": 0, "C#": 1, "D": 2, "Eb": 3, "E": 4, "F": 5, "F#": 6, "G": 7, "Ab": 8, "A": 9, "Bb": 10, "B": 11}[
            tune["key"].split()[0]
        ]
        assert [n["midi"] % 12 for n in last] == [tonic], "the tune ends on its tonic"
        assert all(h["step"] < bars["A"]["bar"] * 16 or h["step"] < outro["bar"] * 16 for h in tune["drumHits"])
        assert not [h for h in tune["drumHits"] if h["step"] in steps(bars["intro"]) or h["step"] >= outro["bar"] * 16]
    for before, after in zip(plan["tunes"], plan["tunes"][1:]):
        assert abs(before["bpm"] - after["bpm"]) <= 10
        assert after["index"] == before["index"] + 1
    assert not watch.errors


def test_your_chords_stay_in_every_tune_and_b_moves_them_up_a_fourth(open_page):
    page, watch = open_page()
    plan = station(page, {"seed": 4, "minutes": 3, "progression": "Dm7 G7 Cmaj7 Am7"})
    for tune in plan["tunes"]:
        assert tune["key"] == "C major"
        a = next(s for s in tune["sections"] if s["name"] == "A")
        b = next(s for s in tune["sections"] if s["name"] == "B")

        def first(section, chords=tune["chords"]):
            return [c["symbol"] for c in chords if section["bar"] * 16 <= c["step"] < (section["bar"] + 4) * 16]

        assert first(a) == ["Dm7", "G7", "Cmaj7", "Am7"]
        assert first(b) == ["Gm7", "C7", "Fmaj7", "Dm7"]
    assert not watch.errors


def test_a_mood_sets_the_mode_the_tempo_range_and_the_drums(open_page):
    page, watch = open_page()
    mood = page.evaluate("() => window.lofi.mood('Rainy and late, a little tired')")
    plan = station(page, {"seed": 6, "minutes": 6, "mood": "Rainy and late, a little tired"})
    assert len(plan["tunes"]) >= 2
    assert all(t["mode"] == "minor" for t in plan["tunes"])
    assert all(abs(t["bpm"] - mood["bpm"]) <= 6 and t["bpm"] >= 60 for t in plan["tunes"])
    assert plan["tunes"][0]["drums"] == mood["drums"] == "half-time"
    sleepy = station(page, {"seed": 6, "minutes": 3, "mood": "Time to sleep"})
    assert all(t["drums"] is None and t["drumHits"] == [] for t in sleepy["tunes"])
    assert not watch.errors


def test_play_starts_the_station_and_the_next_tune_follows_on_the_bar_line(open_page):
    page, watch = open_page()
    page.evaluate("() => window.lofi.play({song: 'station', station: {seed: 3}, bpm: 240})")
    wait_for(page, "window.lofi.state().tune !== null", timeout=20000)
    now = page.evaluate("() => window.lofi.state().tune")
    assert now["station"] == 3 and now["index"] == 0 and now["section"] == "intro"
    wait_for(page, "window.lofi.state().tune?.index === 1 && window.lofi.state().tune.bar >= 1", timeout=120000)
    timeline = page.evaluate("() => window.lofi.timeline()")
    history = page.evaluate("() => window.lofi.history()")
    assert [h["index"] for h in history] == [0, 1]
    assert all(h["station"] == 3 for h in history)
    first, second = music_of(timeline, 0), music_of(timeline, 1)
    end = history[0]["bars"] * TICKS_PER_BAR
    assert first and second
    assert max(e["ticks"] for e in first) < end <= min(e["ticks"] for e in second)
    assert min(e["ticks"] for e in second) == end, "the next tune starts on the bar line where the first ends"
    # What played is the plan: the same seed's tunes as lofi.station() writes them.
    plan = station(page, {"seed": 3, "minutes": 1})
    planned = sorted((n["step"], n["midi"]) for n in plan["tunes"][0]["melody"])
    heard_melody = sorted({(e["step"], e["notes"][0]) for e in first if e["part"] == 0})
    assert [s for s, _ in heard_melody] == [s for s, _ in planned]
    assert plan["tunes"][0]["key"] == history[0]["key"] and plan["tunes"][0]["bpm"] == history[0]["bpm"]
    drums = [e for e in timeline if e["layer"] == "drums" and e.get("tune") == 0]
    assert drums and min(e["ticks"] for e in drums) >= 4 * TICKS_PER_BAR, "no drums in the intro"
    assert not watch.errors


def test_skip_plays_the_next_tune_from_the_next_bar(open_page):
    page, watch = open_page()
    page.evaluate("() => window.lofi.play({song: 'station', station: {seed: 8}, bpm: 120})")
    wait_for(page, "window.lofi.state().bar >= 1.2", timeout=20000)
    index = page.evaluate("() => window.lofi.skip()")
    assert index == 1
    wait_for(page, "window.lofi.state().tune?.index === 1 && window.lofi.state().bar >= 4", timeout=30000)
    timeline = page.evaluate("() => window.lofi.timeline()")
    second = music_of(timeline, 1)
    start = min(e["ticks"] for e in second)
    assert start % TICKS_PER_BAR == 0 and start <= 3 * TICKS_PER_BAR
    assert not [e for e in music_of(timeline, 0) if e["ticks"] >= start], "the first tune stops where the next begins"
    assert page.evaluate("() => window.lofi.state().tune.section") == "intro"
    assert [h["index"] for h in page.evaluate("() => window.lofi.history()")] == [0, 1]
    share = page.evaluate("() => window.lofi.shareState()")
    assert share["song"] == "station" and share["station"] == {"seed": 8, "start": 1}
    # Without a tempo of the listener's, the tunes play at their own, from the next bar.
    assert page.evaluate("() => window.lofi.state().bpm") == 120
    page.evaluate("() => window.lofi.setTempo(null)")
    own = page.evaluate("() => window.lofi.state().tune.bpm")
    wait_for(page, f"window.lofi.state().bpm === {own}", timeout=15000)
    page.evaluate("() => window.lofi.skip()")
    wait_for(page, "window.lofi.state().tune?.index === 2", timeout=30000)
    wait_for(page, "window.lofi.state().bpm === window.lofi.state().tune.bpm", timeout=5000)
    page.evaluate("() => window.lofi.stop()")
    assert page.evaluate("() => window.lofi.state().tune") is None
    assert page.evaluate("() => window.lofi.skip()") is None
    assert not watch.errors


def test_a_kept_tune_is_remembered_plays_again_identically_and_exports_whole(open_page, browser):
    context = browser.new_context(service_workers="block")
    page, watch = open_page(context)
    page.evaluate("() => window.lofi.play({song: 'station', station: {seed: 21}, bpm: 240})")
    wait_for(page, "window.lofi.state().bar >= 6", timeout=30000)
    first = [e for e in music_of(page.evaluate("() => window.lofi.timeline()"), 0) if e["ticks"] < 5 * TICKS_PER_BAR]
    entry = page.evaluate("() => window.lofi.history()[0]")
    page.evaluate("(e) => window.lofi.keepTune(e)", entry)
    page.evaluate("() => window.lofi.stop()")
    page.close()

    again, watch_again = open_page(context)  # the same device: localStorage survives
    kept = again.evaluate("() => window.lofi.keptTunes()")
    assert [(k["station"], k["index"]) for k in kept] == [(21, 0)]
    again.evaluate(
        "(k) => window.lofi.play({song: 'station', bpm: 240, station: {seed: k.station, start: k.index, ...k.options}})",
        kept[0],
    )
    wait_for(again, "window.lofi.state().bar >= 6", timeout=30000)
    replay = [e for e in music_of(again.evaluate("() => window.lofi.timeline()"), 0) if e["ticks"] < 5 * TICKS_PER_BAR]
    assert [(e["ticks"], e["part"], e["notes"]) for e in replay] == [(e["ticks"], e["part"], e["notes"]) for e in first]
    again.evaluate("() => window.lofi.stop()")

    midi = again.evaluate("(k) => window.lofi.exportMidi({tune: k})", kept[0])
    song = again.evaluate("(bytes) => window.lofi.readMidi(bytes)", midi["bytes"])
    assert midi["bars"] == kept[0]["bars"] and midi["filename"].endswith(".mid")
    last_end = max(n["ticks"] + n["durationTicks"] for track in song["tracks"] for n in track["notes"])
    assert kept[0]["bars"] - 1 <= last_end / (4 * song["ppq"]) <= kept[0]["bars"], "the MIDI file lasts the whole tune"
    drums = [t for t in song["tracks"] if t["name"] == "drums"]
    assert drums and drums[0]["notes"] and {n["midi"] for n in drums[0]["notes"]} <= {36, 38, 42}, "with its drums"
    again.evaluate("() => window.lofi.forgetTune(window.lofi.keptTunes()[0].id)")
    assert again.evaluate("() => window.lofi.keptTunes()") == []
    assert not watch.errors and not watch_again.errors


def test_the_wav_of_a_tune_lasts_the_whole_tune_and_sounds_throughout(open_page):
    page, watch = open_page()
    entry = {"station": 5, "index": 0, "options": {}}
    tune = page.evaluate("(e) => window.lofi.tune(e)", entry)
    wav = page.evaluate(
        "async (e) => { const r = await window.lofi.renderWav({tune: e, ambience: null}); return {seconds: r.seconds, bars: r.bars, barRms: r.barRms, size: r.size, filename: r.filename}; }",
        entry,
    )
    bar_seconds = 4 * 60 / tune["bpm"]
    assert wav["bars"] == tune["bars"]
    assert abs(wav["seconds"] - (tune["bars"] + 1) * bar_seconds) < 0.05, (
        "the whole tune and a bar for the last chord to ring"
    )
    assert 90 <= wav["seconds"] <= 250
    assert wav["size"] > 44 + wav["seconds"] * 44100 * 2 * 2 * 0.9
    rms = wav["barRms"]
    assert min(rms[: tune["bars"]]) > 0.002, "no silent bar inside the tune"
    outro = next(s for s in tune["sections"] if s["name"] == "outro")
    assert rms[-1] < max(rms[: outro["bar"]]), "the ending dies away"
    assert wav["filename"].endswith(".wav") and "tune-1" in wav["filename"]
    assert not watch.errors


def test_between_tunes_the_quotes_take_turns_and_new_chords_come_with_the_next_tune(open_page):
    page, watch = open_page()
    quotes = [q["id"] for q in page.evaluate("() => window.lofi.media().quotes")]
    assert len(quotes) >= 2
    page.evaluate("(q) => window.lofi.play({song: 'station', station: {seed: 13}, bpm: 200, quote: q})", quotes[0])
    # The chosen quote at bar 5 of the listening, as for every track; then, skipping ahead, the
    # next one a bar into the third tune's intro.
    wait_for(page, "window.lofi.state().bar >= 0.5", timeout=30000)
    assert page.evaluate("() => window.lofi.skip()") == 1
    wait_for(page, "window.lofi.state().tune?.index === 1 && window.lofi.state().bar >= 5.3", timeout=30000)
    assert page.evaluate("() => window.lofi.skip()") == 2
    wait_for(page, "window.lofi.state().tune?.index === 2 && window.lofi.state().tune.bar >= 2", timeout=30000)
    timeline = page.evaluate("() => window.lofi.timeline()")
    tune_two = min(e["ticks"] for e in music_of(timeline, 2))
    said = [(e["id"], e["ticks"]) for e in timeline if e["layer"] == "quote"]
    assert said == [(quotes[0], 4 * TICKS_PER_BAR), (quotes[1], tune_two + TICKS_PER_BAR)]

    # New sampling settings are for the tunes to come; new chords come with the next tune, at the
    # next bar, in the same station.
    settings = page.evaluate("() => window.lofi.stationSettings({temperature: 0.3})")
    assert settings["temperature"] == 0.3 and set(settings) == {"temperature", "topK", "topP"}
    page.evaluate(
        "() => window.lofi.play({song: 'station', bpm: 200, progression: 'Am7 | Dm7 | G7 | Cmaj7', at: 'next-bar'})"
    )
    wait_for(page, "window.lofi.state().tune?.index === 3 && window.lofi.state().tune.bar >= 5", timeout=30000)
    now = page.evaluate("() => window.lofi.state().tune")
    assert now["station"] == 13 and now["key"] in ("C major", "A minor")
    history = page.evaluate("() => window.lofi.history()")
    assert [h["index"] for h in history] == [0, 1, 2, 3]
    assert history[3]["options"]["progression"] == "Am7 | Dm7 | G7 | Cmaj7"
    assert history[3]["options"]["sampling"]["temperature"] == 0.3
    chords = [e for e in music_of(page.evaluate("() => window.lofi.timeline()"), 3) if e["part"] == 1]
    first_bar = min(e["ticks"] for e in chords)
    assert first_bar % TICKS_PER_BAR == 0
    assert not watch.errors


def test_a_tempo_past_what_the_page_can_play_is_refused_not_frozen_on(open_page):
    page, watch = open_page()
    for bpm in ("1e9", "0", "-5", "NaN", "'fast'"):
        error = page.evaluate(
            f"() => window.lofi.play({{song: 'station', bpm: {bpm}}}).then(() => null, (e) => e.message)"
        )
        assert error and "a tempo is 30 to 4800 bpm" in error, (bpm, error)
    assert page.evaluate("() => window.lofi.state().playing") is False
    assert not watch.errors
