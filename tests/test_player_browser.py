"""The player in headless Chromium: the drums, ambience, quote and music on one Transport, through window.lofi.

The site is the tiny test content plus the real drum patterns, one-shots, ambiences and quotes from
content/. A full pass is rendered offline at a fast tempo; live changes are checked in real time.
"""

from __future__ import annotations

from collections import defaultdict

import pytest

from builder import groove

from .browser import open_lofi

pytestmark = pytest.mark.browser

# Positions are read back from audio times, so allow a few ticks (a bar is 768 ticks in 4/4).
BAR_TOLERANCE = 4 / 768


def play(page, options: str) -> dict:
    """lofi.play({options}) in the page: its state plus startBar."""
    return page.evaluate(f"() => window.lofi.play({{{options}}})")


def wait_for_bar(page, bar: float, timeout: float = 15000) -> None:
    page.wait_for_function(f"() => window.lofi.state().bar > {bar}", timeout=timeout)


@pytest.fixture(scope="module")
def player_site(media_site_url):  # conftest: the tiny content with the real media, built and served once
    return media_site_url


# page.route does not see requests that the service worker answers: these tests block it.
INTERCEPTING = {"test_a_missing_sample_turns_off_only_its_layer"}


@pytest.fixture
def page(browser, player_site, request):  # browser: conftest's headless Chromium
    context = browser.new_context(service_workers="block" if request.node.name in INTERCEPTING else "allow")
    yield open_lofi(context, player_site)
    context.close()


def test_the_selects_offer_every_layer_in_media_json_at_least_three_each_and_none(page):
    page, watch = page
    media = page.evaluate("() => window.lofi.media()")
    assert len(media["drums"]) >= 3 and len(media["ambience"]) >= 3 and len(media["quotes"]) >= 3
    assert {"rain", "fireplace", "wind"} <= {a["id"] for a in media["ambience"]}
    # The selects are filled from media.json, each with a "None" choice.
    for select, count in (
        ("drums", len(media["drums"])),
        ("ambience", len(media["ambience"])),
        ("quote", len(media["quotes"])),
    ):
        assert page.locator(f"#{select} option").count() == count + 1
    assert not watch.errors


def test_a_full_pass_rendered_offline_loops_every_layer_on_its_bar(page):
    page, watch = page
    bars = 31
    result = page.evaluate(
        """(bars) => window.lofi.renderOffline({song: 'ai', bars, bpm: 600,
                 drums: 'boom-bap', ambience: 'rain', quote: 'walden'})""",
        bars,
    )
    points = result["loopPoints"]
    assert (points["drums"]["time"], points["ambience"]["time"], points["solo"]["time"], points["quote"]["time"]) == (
        "8m",
        "12m",
        "8m",
        "4:0:0",
    )  # the AI track loops on its piece: 8 bars without chords
    # Units, not seconds: at 600 bpm a 4/4 bar is 0.4 s.
    assert points["drums"]["seconds"] == pytest.approx(8 * 0.4)
    assert points["ambience"]["seconds"] == pytest.approx(12 * 0.4)
    assert result["seconds"] == pytest.approx(bars * 0.4, rel=0.01)

    timeline = result["timeline"]
    layers = defaultdict(list)
    for event in timeline:
        layers[event["layer"]].append(event)
    # The drum pattern's loop restarts (loop bar 0, step 0) exactly every 8 bars.
    restarts = sorted({round(e["bar"], 2) for e in layers["drums"] if e["loopBar"] == 0 and e["step"] == 0})
    assert restarts == pytest.approx([0, 8, 16, 24], abs=BAR_TOLERANCE)
    # The ambience starts a new pass every 12 bars.
    assert [e["bar"] for e in layers["ambience"]] == pytest.approx([0, 12, 24], abs=BAR_TOLERANCE)
    # The quote plays once, at the start of bar 5.
    assert [e["bar"] for e in layers["quote"]] == pytest.approx([4], abs=BAR_TOLERANCE)
    # The AI track repeats its 8-bar piece: its first note sounds again exactly every 8 bars.
    first = layers["music"][0]
    again = [e for e in layers["music"] if e["index"] == first["index"] and e["part"] == first["part"]]
    assert [e["bar"] - first["bar"] for e in again] == pytest.approx([0, 8, 16, 24], abs=BAR_TOLERANCE)

    # Not silent, and no bar drops out.
    assert result["rms"] > 0.01 and result["peak"] > 0.1
    assert len(result["barRms"]) == bars
    assert min(result["barRms"]) > 0.005
    assert not watch.errors


def test_a_song_sets_the_tempo_and_loops_by_bars(page):
    page, watch = page
    result = page.evaluate("() => window.lofi.renderOffline({song: 'first-light', bars: 2, drums: 'lazy-sunday'})")
    assert result["loopPoints"]["bpm"] == 72
    assert result["loopPoints"]["drums"]["seconds"] == pytest.approx(8 * 4 * 60 / 72)
    assert result["rms"] > 0.005
    assert not watch.errors


def test_changes_while_playing_take_effect_on_the_next_bar(page):
    page, watch = page
    page.evaluate("""() => window.lofi.play({song: 'first-light', bpm: 240, drums: 'boom-bap',
                                            ambience: 'wind', quote: null})""")
    page.wait_for_function("() => window.lofi.state().bar > 1.3", timeout=10000)
    change = page.evaluate("() => window.lofi.setLayer('drums', 'half-time')")
    off = page.evaluate("() => window.lofi.setLayer('ambience', null)")
    at = change["bar"]
    assert at == int(at) and at >= 2
    page.wait_for_function(f"() => window.lofi.state().bar > {at + 1.2}", timeout=10000)
    timeline = page.evaluate("() => window.lofi.timeline()")
    drums = [(e["id"], e["bar"]) for e in timeline if e["layer"] == "drums"]
    assert all(bar < at - BAR_TOLERANCE for name, bar in drums if name == "boom-bap")
    new = [bar for name, bar in drums if name == "half-time"]
    assert new and min(new) == pytest.approx(at, abs=BAR_TOLERANCE)  # the first hit is on the bar line
    assert page.evaluate("() => window.lofi.state().layers") == {"drums": "half-time", "ambience": None, "quote": None}
    assert off["bar"] in (at, at + 1)  # the next bar line after that call
    state = page.evaluate("() => window.lofi.state()")
    assert state["playing"] is True and state["bpm"] == 240  # never stopped
    page.evaluate("() => window.lofi.stop()")
    assert not watch.errors


def test_another_song_takes_over_at_the_next_bar_in_its_own_tempo_and_meter(page):
    page, watch = page
    play(
        page,
        """song: 'first-light', bpm: 240, drums: 'boom-bap',
                                            ambience: 'wind', quote: null""",
    )
    wait_for_bar(page, 1.3, timeout=10000)
    switched = play(page, "song: 'gymnopedie-no-1', at: 'next-bar'")
    at = switched["startBar"]
    assert at == int(at) and at >= 2
    assert switched["playing"] is True and switched["song"] == "gymnopedie-no-1"
    # Gymnopedie: 3/4 at 66 bpm, a bar is 2.7 s.
    wait_for_bar(page, at + 1.1, timeout=15000)
    state = page.evaluate("() => window.lofi.state()")
    assert state["playing"] is True and state["bpm"] == 66  # the tempo follows the song, no stop
    timeline = page.evaluate("() => window.lofi.timeline()")
    music = [e for e in timeline if e["layer"] == "music"]
    old = [e["bar"] for e in music if e["song"] == "first-light"]
    new = [e for e in music if e["song"] == "gymnopedie-no-1"]
    assert old and max(old) < at - BAR_TOLERANCE  # the old song ends on the bar line
    assert new and min(e["bar"] for e in new) == pytest.approx(at, abs=BAR_TOLERANCE)
    # Its meter: the chords (one a bar) are 3 quarters apart, 576 ticks, not 4/4's 768.
    chords = sorted(e["ticks"] for e in new if e["part"] == 0)
    assert chords[1] - chords[0] == pytest.approx(3 * 192, abs=4)
    # The drum pattern goes on through the bar line and starts again from its own first bar there.
    drums = [e for e in timeline if e["layer"] == "drums"]
    before = [e for e in drums if e["bar"] < at - BAR_TOLERANCE]
    after = sorted((e for e in drums if e["bar"] >= at - BAR_TOLERANCE), key=lambda e: e["ticks"])
    assert before and after and after[0]["bar"] == pytest.approx(at, abs=BAR_TOLERANCE) and after[0]["loopBar"] == 0, (
        at,
        before[-3:],
        after[:3],
    )
    # The ambience carries on (its new pass starts on the bar line).
    assert page.evaluate("() => window.lofi.state().layers") == {"drums": "boom-bap", "ambience": "wind", "quote": None}
    page.evaluate("() => window.lofi.stop()")
    stats = page.evaluate("() => window.lofi.audioStats()")
    assert all(count == 0 for kind, count in stats["alive"].items() if kind in ("part", "node")), stats
    assert not watch.errors


def test_a_song_picked_twice_before_the_bar_line_leaves_only_the_last(page):
    # Stepping through the song list (the media keys' "next track") picks several before a bar
    # line comes: only the last one plays from there, each song's notes within its own bars.
    page, watch = page
    play(page, "song: 'first-light', bpm: 100, drums: null, ambience: null, quote: null")
    wait_for_bar(page, 0.5, timeout=10000)
    first = play(page, "song: 'gymnopedie-no-1', bpm: 100, at: 'next-bar'")
    second = play(page, "song: 'first-light', bpm: 100, at: 'next-bar'")
    assert second["startBar"] >= first["startBar"]
    wait_for_bar(page, second["startBar"] + 1.2, timeout=15000)
    music = [e for e in page.evaluate("() => window.lofi.timeline()") if e["layer"] == "music"]
    gymnopedie = [e["bar"] for e in music if e["song"] == "gymnopedie-no-1"]
    assert all(first["startBar"] - BAR_TOLERANCE <= bar < second["startBar"] - BAR_TOLERANCE for bar in gymnopedie)
    if second["startBar"] == first["startBar"]:
        assert not gymnopedie
    restarted = [e for e in music if e["song"] == "first-light" and e["bar"] >= second["startBar"] - BAR_TOLERANCE]
    assert restarted and min(e["bar"] for e in restarted) == pytest.approx(second["startBar"], abs=BAR_TOLERANCE)
    assert min(restarted, key=lambda e: e["ticks"])["index"] == 0  # from its first event
    assert page.evaluate("() => window.lofi.state().bpm") == 100
    page.evaluate("() => window.lofi.stop()")
    assert not watch.errors


def test_the_song_a_new_one_took_over_from_is_disposed_while_playing_on(page):
    # Hours of listening with many song changes must not pile up old sessions: the old one's Parts
    # and players go a few bars (and 10 s, for a quote to finish) after the bar line.
    page, watch = page
    layers = "drums: 'boom-bap', ambience: 'rain', quote: null"
    play(page, f"song: 'first-light', bpm: 480, {layers}")
    wait_for_bar(page, 1.2, timeout=10000)
    one_song = page.evaluate("() => window.lofi.audioStats().alive")
    switched = play(page, "song: 'gymnopedie-no-1', bpm: 480, at: 'next-bar'")
    wait_for_bar(page, switched["startBar"] + 1, timeout=10000)
    both = page.evaluate("() => window.lofi.audioStats().alive")
    assert both["part"] > one_song["part"]  # the old session is still there, retiring
    page.wait_for_timeout(13000)  # 4 bars at 480 bpm are 1.5 to 2 s, then 10 s
    after = page.evaluate("() => window.lofi.audioStats().alive")
    assert page.evaluate("() => window.lofi.state().playing") is True
    # Gymnopedie has as many parts as first-light; the layers are the same kinds.
    assert after["part"] == one_song["part"] and after["node"] == one_song["node"], (one_song, both, after)
    page.evaluate("() => window.lofi.stop()")
    assert not watch.errors


def test_the_ai_solo_takes_over_at_the_next_bar_and_a_song_from_it(page):
    page, watch = page
    play(page, "song: 'gymnopedie-no-1', bpm: 400, drums: null, ambience: null, quote: null")
    wait_for_bar(page, 1.3, timeout=10000)
    to_ai = play(page, "song: 'ai', at: 'next-bar', bpm: 400, solo: {seed: 5, length: 48}")
    at = to_ai["startBar"]
    assert at == int(at) and at >= 2 and to_ai["song"] == "ai"
    wait_for_bar(page, at + 2.2, timeout=15000)
    back = play(page, "song: 'gymnopedie-no-1', at: 'next-bar', bpm: 400")
    wait_for_bar(page, back["startBar"] + 1.1, timeout=15000)
    timeline = page.evaluate("() => window.lofi.timeline()")
    solo = [e for e in timeline if e["layer"] == "music" and e["song"] == "ai"]
    assert solo, "the AI solo never sounded"
    # Every solo note sits where its step says, swung (no drums: the default swing, builder/groove.py
    # as the page's audio/swing.js), counted from the bar line where the solo took over (4/4 after a
    # 3/4 song), and none after the song that took over from it.
    for e in solo:
        swung = groove.swung_ticks(e["step"], groove.DEFAULT_SWING) / 768
        assert e["bar"] == pytest.approx(at + swung, abs=BAR_TOLERANCE)
        assert e["bar"] < back["startBar"] - BAR_TOLERANCE
    song_again = [
        e["bar"] for e in timeline if e["layer"] == "music" and e["song"] == "gymnopedie-no-1" and e["bar"] > at
    ]
    assert song_again and min(song_again) == pytest.approx(back["startBar"], abs=BAR_TOLERANCE)
    assert page.evaluate("() => window.lofi.state().solo") is None  # the solo's stream was let go
    page.evaluate("() => window.lofi.stop()")
    assert not watch.errors


def test_pause_resume_and_stop_without_reloading(page):
    page, watch = page
    page.evaluate("() => window.lofi.play({song: 'first-light', bpm: 240, drums: 'lazy-sunday'})")
    page.wait_for_function("() => window.lofi.state().bar > 0.5", timeout=10000)
    paused = page.evaluate("() => window.lofi.pause()")
    assert paused["paused"] is True
    page.wait_for_timeout(400)
    assert page.evaluate("() => window.lofi.state().bar") == pytest.approx(paused["bar"], abs=0.01)
    page.evaluate("() => window.lofi.resume()")
    page.wait_for_function(f"() => window.lofi.state().bar > {paused['bar'] + 0.3}", timeout=10000)
    assert page.evaluate("() => window.lofi.stop()")["playing"] is False
    page.evaluate("() => window.lofi.play({song: 'first-light', bpm: 240})")
    assert page.evaluate("() => window.lofi.state().playing") is True
    page.evaluate("() => window.lofi.stop()")
    assert not watch.errors


def test_volumes_and_settings_are_remembered(page, player_site):
    page, watch = page
    page.select_option("#ambience", "fireplace")
    page.locator('input[data-volume="vinyl"]').fill("0.1")
    assert page.evaluate("() => window.lofi.state().volumes.vinyl") == pytest.approx(0.1)
    assert page.get_attribute("#scene", "data-background") == "fire"
    page.reload()
    page.wait_for_function("() => window.lofi !== undefined")
    page.evaluate("() => window.lofi.ready")
    page.wait_for_function("() => document.querySelector('#ambience').value === 'fireplace'")
    assert page.input_value('input[data-volume="vinyl"]') == "0.1"
    assert not watch.errors


def test_keyboard_shortcuts_play_pause_and_cycle_layers(page):
    page, watch = page
    page.wait_for_function("() => document.querySelector('#drums').options.length > 1")
    before = page.input_value("#drums")
    page.locator("body").press("d")
    assert page.input_value("#drums") != before
    page.locator("body").press(" ")
    page.wait_for_function("() => window.lofi.state().playing", timeout=15000)
    page.locator("body").press(" ")
    page.wait_for_function("() => window.lofi.state().paused", timeout=5000)
    page.locator("body").press("s")
    page.wait_for_function("() => !window.lofi.state().playing", timeout=5000)


def test_a_missing_sample_turns_off_only_its_layer(page):
    page, watch = page
    page.route("**/media/drums/sn_dub.ogg", lambda route: route.fulfill(status=404, body="missing"))
    result = page.evaluate("""() => window.lofi.renderOffline({song: 'first-light', bars: 1,
                                                              drums: 'boom-bap', ambience: 'rain'})""")
    assert result["rms"] > 0.005  # the song and the ambience still play
    assert {e["layer"] for e in result["timeline"]} >= {"music", "ambience"}
    assert not [e for e in result["timeline"] if e["layer"] == "drums"]
    messages = page.locator("#alerts").inner_text()  # the problems the listener sees
    assert "sn_dub.ogg" in messages and "drums" in messages.lower()


def test_fifty_plays_and_stops_leak_no_nodes_or_parts(page):
    """The live graph (bus, reverb, instruments) is built once; play() and stop() only add and dispose
    Parts and the layers' players, so 50 of them leave nothing behind (lofi.audioStats())."""
    page, watch = page
    page.evaluate("() => window.lofi.loadModel()")
    result = page.evaluate(
        """async () => {
            const lofi = window.lofi;
            const wait = (ms) => new Promise((ok) => setTimeout(ok, ms));
            const options = (i) => i % 2
                ? {song: 'first-light', bpm: 240, drums: 'boom-bap', ambience: 'rain', quote: 'walden'}
                : {song: 'ai', solo: {seed: i, length: 16}, drums: 'half-time', ambience: 'wind', quote: null};
            const stopped = [], playing = [];
            for (let i = 0; i < 50; i++) {
                await lofi.play(options(i));
                playing.push(lofi.audioStats());
                await wait(i % 10 < 2 ? 400 : 20);  // some plays long enough for notes and hits
                await lofi.stop();
                stopped.push(lofi.audioStats());
            }
            return {stopped, playing, timeline: lofi.timeline()};
        }"""
    )
    stopped, playing = result["stopped"], result["playing"]
    assert stopped[-1]["graphs"] == {"built": 1, "alive": 1}
    assert stopped[0]["created"]["part"] >= 2 and stopped[-1]["created"]["part"] >= 50 * 2
    for stats in stopped:
        assert stats["alive"]["part"] == 0 and stats["alive"]["node"] == 0, stats
        assert stats["scheduled"] == 0, stats
    # The long-lived graph and its instruments stay as they were after the first play of each song.
    assert stopped[-1]["alive"] == stopped[1]["alive"]
    # While playing, each choice has the same nodes and Parts on every pass (once both have played).
    assert playing[-2]["alive"] == playing[2]["alive"] and playing[-1]["alive"] == playing[1]["alive"]
    assert playing[0]["alive"]["part"] >= 2 and playing[1]["alive"]["node"] >= 5
    assert not watch.errors
