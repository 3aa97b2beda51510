"""In headless Chromium: the AI radio on the page. Play on the first screen plays it (a new station
each visit, its seed in the advanced fold), the now line says the tune, its section and its bar,
"Surprise me" moves to the next tune, the calmer-wilder slider writes the next tunes, a typed seed
plays a station again, the tunes heard are listed (Keep), kept tunes stay on the device (Play
again, MIDI, WAV, Forget), a share link plays the station from the tune shared, and the time
listened is counted. The site is the tiny content (tiny lead-sheet model) with the real media."""

from __future__ import annotations

import re

import pytest

from .browser import open_lofi, wait_for
from .test_keep_share_browser import read_smf, wav_rms

pytestmark = pytest.mark.browser

NOW_LINE = re.compile(
    r"^Playing: tune (\d+), [A-G][b#]? (major|minor), (\d+) bpm — (the intro|the ending|section [AB]'?)$"
)
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


@pytest.fixture
def open_page(browser, media_site_url):
    """open_page(url=site, context=None) -> (page, watch); a fresh context (storage, downloads) unless given."""
    contexts = []

    def opener(url=media_site_url, context=None, **options):
        if context is None:
            context = browser.new_context(accept_downloads=True, service_workers="block", **options)
            contexts.append(context)
        page, watch = open_lofi(context, url)
        wait_for(page, "document.querySelector('#drums').options.length > 1")
        return page, watch

    yield opener
    for context in contexts:
        context.close()


def tune_now(page) -> dict | None:
    return page.evaluate("() => window.lofi.state().tune")


def play_radio(page) -> dict:
    """Play from the first screen; the radio's first tune once it plays."""
    page.click("#play")
    wait_for(page, "window.lofi.state().tune !== null", timeout=60000)
    return tune_now(page)


def record_plays(page) -> None:
    """Every lofi.play() the page makes, with its options, in window.plays (the page calls the API
    through window.lofi, so wrapping it sees each call as made)."""
    page.evaluate("""() => {
        window.plays = [];
        const play = window.lofi.play;
        window.lofi.play = (options) => {
            window.plays.push(JSON.parse(JSON.stringify(options)));
            return play(options);
        };
    }""")


def test_play_on_the_first_screen_plays_the_radio_and_says_its_tune(open_page):
    page, watch = open_page()
    options = page.eval_on_selector_all("#song option", "(os) => os.map((o) => [o.value, o.textContent, o.selected])")
    assert options[0] == ["station", "AI radio: endless tunes", True]
    assert options[1][0] == "ai" and "first-light" in [o[0] for o in options[2:]]
    assert page.inner_text("#status") == "Press Play for the AI radio: a new tune, then another, without end."
    # The radio's settings are its station and the sampling: one tune's seed and size are not shown.
    page.click("#ai-settings summary")
    assert page.locator("#station-seed").is_visible() and page.locator("#temperature").is_visible()
    assert (
        page.locator("#seed").is_hidden()
        and page.locator("#length").is_hidden()
        and page.locator("#generate").is_hidden()
    )

    tune = play_radio(page)
    assert tune["index"] == 0 and page.evaluate("() => window.lofi.state().song") == "station"
    wait_for(page, "document.getElementById('status').textContent.startsWith('Playing: tune 1')", timeout=10000)
    said = NOW_LINE.match(page.inner_text("#status"))
    assert said, page.inner_text("#status")
    assert (said[1], said[3]) == ("1", str(tune["bpm"])) and tune["key"] in page.inner_text("#status")
    position = page.inner_text("#position")
    assert re.fullmatch(rf"bar \d+ of {tune['bars']}", position), position
    # The fold shows the station playing; the field stays free to type another.
    assert f"Playing station {tune['station']}." in page.inner_text("#station-now")
    assert page.input_value("#station-seed") == ""
    # The bar moves on with the music.
    first_bar = int(position.split()[1])
    wait_for(
        page, f"/^bar (\\d+)/.exec(document.getElementById('position').textContent)[1] > {first_bar}", timeout=15000
    )

    # Another visit, another station.
    other, other_watch = open_page()
    assert play_radio(other)["station"] != tune["station"]
    assert not watch.errors and not other_watch.errors


def test_surprise_me_moves_the_radio_to_its_next_tune_and_starts_it_when_silent(open_page):
    page, watch = open_page()
    # Nothing plays and a song is chosen: Surprise me starts the radio.
    page.select_option("#song", "first-light")
    page.click("#surprise")
    wait_for(page, "window.lofi.state().tune !== null", timeout=60000)
    assert page.input_value("#song") == "station"
    first = tune_now(page)
    assert first["index"] == 0
    # While it plays: the next tune of the same station, from the next bar.
    page.click("#surprise")
    wait_for(page, "window.lofi.state().tune?.index === 1", timeout=20000)
    assert tune_now(page)["station"] == first["station"]
    wait_for(page, "document.getElementById('status').textContent.startsWith('Playing: tune 2,')", timeout=5000)
    wait_for(page, "window.lofi.history().length === 2")
    history = page.evaluate("() => window.lofi.history()")
    assert [t["index"] for t in history] == [0, 1]
    # Recently played: the newest first, the one playing marked.
    wait_for(page, "document.querySelectorAll('#recent-tunes li').length === 2")
    wait_for(page, "document.querySelector('#recent-tunes li').textContent.includes('playing now')", timeout=5000)
    rows = page.locator("#recent-tunes li").all_inner_texts()
    assert rows[0].startswith(f"Tune 2, {history[1]['key']}, {history[1]['bpm']} bpm") and "playing now" in rows[0]
    assert rows[1].startswith(f"Tune 1, {history[0]['key']}") and "playing now" not in rows[1]
    assert page.locator("#recent-empty").is_hidden()
    # The N key does the same.
    page.keyboard.press("n")
    wait_for(page, "window.lofi.history().length === 3", timeout=20000)
    assert page.evaluate("() => window.lofi.history()[2].index") == 2
    assert not watch.errors


def test_the_slider_and_the_chords_write_the_radios_next_tunes(open_page):
    page, watch = open_page()
    record_plays(page)
    page.locator("#wildness").fill("0.3")
    page.dispatch_event("#wildness", "change")
    assert page.inner_text("#wildness-note") == "Calmer tunes from the next Play."
    first = play_radio(page)
    played = page.evaluate("() => window.plays")
    assert played[-1]["song"] == "station" and played[-1]["solo"]["temperature"] == 0.3
    assert page.evaluate("() => window.lofi.history()[0].options.sampling.temperature") == 0.3

    # While it plays: the tunes it writes from now on are wilder, without a new play; Surprise me
    # moves on to the next one, written so.
    count = len(played)
    page.locator("#wildness").fill("1.6")
    page.dispatch_event("#wildness", "change")
    assert page.inner_text("#wildness-note") == "Wilder from the next tune on."
    page.click("#surprise")
    wait_for(page, "window.lofi.history().length === 2", timeout=20000)
    second = page.evaluate("() => window.lofi.history()[1]")
    assert second["station"] == first["station"] and second["options"]["sampling"]["temperature"] == 1.6
    assert page.evaluate("() => window.plays.length") == count

    # New chords while it plays: the same station goes on with its next tune, over them.
    page.fill("#progression", "Dm7 G7 | Cmaj7 Am7")
    page.dispatch_event("#progression", "change")
    wait_for(page, "window.lofi.history().length === 3", timeout=30000)
    last = page.evaluate("() => window.plays.at(-1)")
    assert last["at"] == "next-bar" and "seed" not in last["station"]
    third = page.evaluate("() => window.lofi.history().at(-1)")
    assert (third["station"], third["index"]) == (first["station"], 2)
    assert third["options"]["progression"] == "Dm7 G7 | Cmaj7 Am7"
    assert not watch.errors


def test_a_typed_station_seed_plays_that_station_again(open_page):
    page, watch = open_page()
    page.click("#ai-settings summary")
    page.fill("#station-seed", "twelve")
    page.click("#play")
    wait_for(page, "document.getElementById('station-seed-message').textContent !== ''")
    assert "Station seed is a whole number" in page.inner_text("#station-seed-message")
    assert not page.evaluate("() => window.lofi.state().playing")

    page.fill("#station-seed", "1234")
    first = play_radio(page)
    assert first["station"] == 1234
    page.click("#stop")
    wait_for(page, "!window.lofi.state().playing")
    # Play again with the seed still typed: the same station, its same first tune.
    again = play_radio(page)
    wait_for(page, "window.lofi.history().length === 2")
    history = page.evaluate("() => window.lofi.history()")
    same = ("station", "index", "seed", "key", "bpm", "bars", "drums", "form")
    assert {k: history[0][k] for k in same} == {k: history[1][k] for k in same}
    assert again["station"] == 1234
    # "Play this station" while it plays: another seed takes over from the next bar.
    page.fill("#station-seed", "99")
    page.click("#station-play")
    wait_for(page, "window.lofi.state().tune && window.lofi.state().tune.station === 99", timeout=30000)
    assert not watch.errors


def test_a_kept_tune_stays_plays_again_exactly_and_is_forgotten(open_page):
    page, watch = open_page()
    first = play_radio(page)
    wait_for(page, "document.querySelectorAll('#recent-tunes li button').length === 1")
    assert page.locator("#kept-empty").is_visible()
    page.click("#recent-tunes li button")
    wait_for(page, "document.querySelectorAll('#kept-tunes li').length === 1")
    assert (
        page.inner_text("#recent-tunes li button") == "Kept" and page.locator("#recent-tunes li button").is_disabled()
    )
    kept = page.evaluate("() => window.lofi.keptTunes()")
    assert [(t["station"], t["index"], t["seed"]) for t in kept] == [(first["station"], 0, first["seed"])]
    row = page.inner_text("#kept-tunes li")
    assert row.startswith(f"Station {first['station']}, tune 1, {first['key']}, {first['bpm']} bpm")
    page.evaluate("() => window.lofi.stop()")

    # On this device, the next visit finds it: Play again plays that tune of that station.
    context = page.context
    page.close()
    page, watch = open_page(context=context)
    wait_for(page, "document.querySelectorAll('#kept-tunes li').length === 1")
    page.get_by_role("button", name=re.compile("^Play again")).click()
    wait_for(page, "window.lofi.state().tune !== null", timeout=60000)
    now = tune_now(page)
    assert (now["station"], now["index"], now["seed"], now["key"], now["bpm"]) == (
        first["station"],
        0,
        first["seed"],
        first["key"],
        first["bpm"],
    )
    assert page.input_value("#song") == "station"
    page.get_by_role("button", name=re.compile("^Forget")).click()
    wait_for(page, "document.querySelectorAll('#kept-tunes li').length === 0")
    assert page.locator("#kept-empty").is_visible() and page.evaluate("() => window.lofi.keptTunes()") == []
    assert not watch.errors


def test_a_kept_tune_and_the_tune_playing_download_whole(open_page, tmp_path):
    page, watch = open_page()
    page.select_option("#ambience", "")
    page.select_option("#quote", "")
    tune = play_radio(page)
    wait_for(page, "document.querySelectorAll('#recent-tunes li button').length === 1")
    page.click("#recent-tunes li button")
    wait_for(page, "document.querySelectorAll('#kept-tunes li').length === 1")
    page.evaluate("() => window.lofi.stop()")
    quarters = tune["bars"] * 4

    # The kept tune's MIDI: the whole tune, all its bars.
    with page.expect_download(timeout=60000) as download:
        page.get_by_role("button", name=re.compile("as MIDI$")).click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.suffix == ".mid" and str(tune["station"]) in saved.name
    smf = read_smf(saved.read_bytes())
    assert smf["bpm"] == pytest.approx(tune["bpm"], abs=0.01)
    last_tick = max(start + length for track in smf["tracks"] for start, _, length in track)
    assert quarters * 480 * 0.9 <= last_tick <= (quarters + 8) * 480

    # The Keep fold's MIDI while the radio is the track: the tune heard, the same file.
    with page.expect_download(timeout=60000) as download:
        page.click("#download-midi")
    assert download.value.suggested_filename == saved.name

    # Its WAV: the whole tune, rendered, with the bar showing the render.
    with page.expect_download(timeout=240000) as download:
        page.get_by_role("button", name=re.compile(r"as audio \(WAV\)$")).click()
        wait_for(page, "!document.getElementById('tune-progress').hidden")
        assert page.inner_text("#tune-progress-text").startswith("Rendering the tune…")
    wav = tmp_path / download.value.suggested_filename
    download.value.save_as(wav)
    rms, seconds = wav_rms(wav.read_bytes())
    assert rms > 0.005
    assert seconds >= quarters * 60 / tune["bpm"] * 0.98 and seconds <= (quarters + 8) * 60 / tune["bpm"]
    wait_for(page, "document.getElementById('tune-progress').hidden")
    assert not watch.errors


def test_a_share_link_plays_the_station_from_the_tune_shared(open_page):
    page, watch = open_page()
    first = play_radio(page)
    page.click("#surprise")
    wait_for(page, "window.lofi.history().length === 2", timeout=20000)
    second = page.evaluate("() => window.lofi.history()[1]")
    wait_for(page, "window.lofi.state().tune?.index === 1", timeout=5000)  # heard: the link's tune
    page.click("#share")
    wait_for(page, "document.getElementById('share-url').textContent.includes('#')")
    url = page.inner_text("#share-url")
    assert f"station={first['station']}&tune=2" in url
    page.evaluate("() => window.lofi.stop()")

    other, other_watch = open_page(url)
    wait_for(other, "document.getElementById('station-seed').value !== ''")
    assert other.input_value("#song") == "station" and other.input_value("#station-seed") == str(first["station"])
    wait_for(
        other, "document.getElementById('alerts').textContent + document.getElementById('messages').textContent !== ''"
    )
    assert f"Opened tune 2 of station {first['station']}: press Play" in other.text_content("#messages")
    heard = play_radio(other)
    assert (heard["station"], heard["index"]) == (first["station"], 1)
    entry = other.evaluate("() => window.lofi.history()[0]")
    same = ("seed", "key", "bpm", "bars", "drums", "form")
    assert {k: entry[k] for k in same} == {k: second[k] for k in same}
    # The link made there is the same link.
    other.click("#share")
    wait_for(other, "document.getElementById('share-url').textContent.includes('#')")
    assert other.inner_text("#share-url") == url
    assert not watch.errors and not other_watch.errors


def test_the_time_listened_is_counted_quietly(open_page):
    page, watch = open_page()
    assert page.locator("#listening").is_hidden()  # nothing heard yet
    play_radio(page)
    wait_for(page, "window.lofi.state().listenedSeconds > 0", timeout=10000)
    wait_for(page, "document.getElementById('listening').textContent === 'Listening for under a minute'", timeout=5000)
    # What the player counts is what the page says: an hour and twelve minutes.
    page.evaluate("""() => {
        const state = window.lofi.state;
        window.lofi.state = () => ({...state(), listenedSeconds: 72 * 60 + 9});
    }""")
    wait_for(page, "document.getElementById('listening').textContent === 'Listening for 1 h 12 min'", timeout=3000)
    assert not watch.errors


def test_the_radio_on_a_phone_keeps_play_first_and_nothing_sideways(open_page):
    page, watch = open_page(**PHONE)
    play_radio(page)
    page.click("#surprise")
    wait_for(page, "window.lofi.state().tune?.index === 1", timeout=20000)
    page.locator("#recent-tunes li button").first.click()
    wait_for(page, "document.querySelectorAll('#kept-tunes li').length === 1")
    page.evaluate("() => document.querySelectorAll('details').forEach((d) => (d.open = true))")
    page.evaluate("() => window.scrollTo(0, 0)")
    layout = page.evaluate("""() => ({
        scroll: document.scrollingElement.scrollWidth, width: innerWidth, height: innerHeight,
        scrollHeight: document.scrollingElement.scrollHeight,
        play: document.getElementById('play').getBoundingClientRect().bottom,
        song: document.getElementById('song').getBoundingClientRect().bottom,
        sheet: document.getElementById('settings').getBoundingClientRect().toJSON(),
        dock: document.getElementById('dock').getBoundingClientRect().top,
        rows: [...document.querySelectorAll('#tunes-panel li, #tunes-panel button')].map((e) => e.getBoundingClientRect().right),
    })""")
    assert layout["scroll"] <= layout["width"], layout
    assert layout["play"] <= layout["height"] and layout["song"] <= layout["height"], layout
    # The lists wait in the settings sheet, which scrolls inside itself above the dock: the page
    # stays one screen and never covers Play.
    assert layout["scrollHeight"] <= layout["height"], layout
    assert layout["sheet"]["bottom"] <= layout["dock"] + 1, layout
    assert max(layout["rows"]) <= layout["width"], layout
    assert not watch.errors


def test_the_mood_sentence_plans_the_radios_tunes(open_page):
    page, watch = open_page()
    record_plays(page)
    sentence = "I feel sad, tired and lonely tonight"
    choice = page.evaluate(f"() => window.lofi.mood('{sentence}')")
    page.fill("#mood-text", sentence)
    page.click("#mood-apply")
    wait_for(page, "document.getElementById('mood-reason').textContent.includes('you said')")
    assert page.input_value("#song") == "station"  # the radio stays the track, and writes to the mood
    play_radio(page)
    assert page.evaluate("() => window.plays.at(-1).station.mood") == sentence
    entry = page.evaluate("() => window.lofi.history()[0]")
    assert entry["options"]["mood"]["mode"] == choice["mode"] == "minor"
    # Not one progression: the radio's tunes move through keys in the mood's mode and tempo.
    assert entry["options"]["progression"] is None and page.input_value("#progression") == ""
    assert entry["key"].endswith("minor")
    low = max(60, choice["bpm"])  # a mood's tempo, give or take 6 bpm, within the radio's 60-95
    assert low - 6 <= entry["bpm"] <= low + 6
    # An emptied sentence plans by nothing: the next Play has no mood.
    page.fill("#mood-text", "")
    page.click("#stop")
    wait_for(page, "!window.lofi.state().playing")
    play_radio(page)
    assert page.evaluate("() => window.plays.at(-1).station.mood") is None
    assert not watch.errors


def test_a_visit_from_before_the_radio_opens_on_the_radio_and_a_song_chosen_stays(open_page):
    """Before the radio, one AI tune was the first choice and every visit saved it: that is not a
    choice to bring back. A song chosen is."""
    page, watch = open_page()
    for stored, shown in (("ai", "station"), ("first-light", "first-light"), ("station", "station")):
        page.evaluate("(song) => localStorage.setItem('lofi-player:settings', JSON.stringify({song}))", stored)
        page.reload()
        wait_for(page, "window.lofi !== undefined")
        page.evaluate("() => window.lofi.ready")
        wait_for(page, "document.querySelector('#drums').options.length > 1")
        page.wait_for_timeout(200)
        assert page.input_value("#song") == shown, stored
    assert not watch.errors


def test_a_model_that_writes_no_lead_sheets_plays_one_ai_tune_instead_of_the_radio(browser, timed_site_url):
    context = browser.new_context(service_workers="block")
    try:
        page, watch = open_lofi(context, timed_site_url)
        wait_for(page, "document.querySelector('#song option[value=\"station\"]').disabled", timeout=10000)
        assert page.input_value("#song") == "ai"
        page.click("#play")
        wait_for(page, "window.lofi.state().solo?.firstNote", timeout=60000)
        assert page.evaluate("() => window.lofi.state().song") == "ai"
        assert not watch.errors
    finally:
        context.close()
