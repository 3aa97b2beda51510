"""What plays follows what the listener sets, while it plays, and what is kept is what is heard:
a tempo edit is heard from the next bar; an AI setting edited (or a new tune asked for) while the
AI tune plays is heard from the next bar, so a share link made then reproduces it; chords that
cannot be read are named (symbol and bar) while the old music plays on; the MIDI file uses the
chords typed in at once, and its tracks, the live loop and the WAV all last whole chord cycles; a
song's MIDI file has its drums; a WAV render never leaves Tone's context swapped under the page.
The chord field reads keys, bars and "N.C." as a musician would."""

from __future__ import annotations

import pytest

from .browser import open_lofi, wait_for
from .test_keep_share_browser import read_smf

pytestmark = pytest.mark.browser

SONG_BPM = 72  # first-light's own tempo (content/songs/first-light.toml)
PROGRESSION = "Em7 A7 Dmaj7 Bm7"
ROOTS = {"Em7": 4, "A7": 9, "Dmaj7": 2, "Bm7": 11}


@pytest.fixture
def open_page(browser):
    contexts = []

    def opener(url: str, media: bool = True):
        """media: the site has media.json's drums (the timed and the plain tiny sites do not)."""
        context = browser.new_context(accept_downloads=True)
        contexts.append(context)
        page, watch = open_lofi(context, url)
        if media:
            wait_for(page, "document.querySelector('#drums').options.length > 1")
        return page, watch

    yield opener
    for context in contexts:
        context.close()


def state(page, key: str):
    return page.evaluate(f"() => window.lofi.state().{key}")


def set_field(page, field: str, value: str) -> None:
    """Types into a field and leaves it, as a listener does (its change event fires)."""
    page.fill(f"#{field}", value)
    page.dispatch_event(f"#{field}", "change")


def play_ai(page) -> None:
    page.select_option("#song", "ai")
    page.click("#play")
    wait_for(
        page,
        "window.lofi.state().playing && window.lofi.state().solo && window.lofi.state().solo.firstNote",
        timeout=60000,
    )


def wait_for_a_new_tune(page, heard_first: str) -> None:
    """Until what plays is a new live track (its own first note), not only new fields."""
    wait_for(
        page,
        "window.lofi.state().solo && window.lofi.state().solo.firstNote"
        f" && JSON.stringify(window.lofi.state().solo.firstNote) !== {heard_first!r}",
        timeout=30000,
    )


# ---- a tempo edited while playing ----------------------------------------------------------------


def test_a_tempo_edit_while_playing_is_heard_from_the_next_bar(open_page, media_site_url):
    page, watch = open_page(media_site_url)
    page.select_option("#song", "first-light")
    page.fill("#tempo", "100")
    page.click("#play")
    wait_for(page, "window.lofi.state().playing && window.lofi.state().bpm === 100")

    set_field(page, "tempo", "140")
    before = state(page, "bar")
    wait_for(page, "window.lofi.state().bpm === 140", timeout=8000)  # a bar at 100 bpm lasts 2.4 s
    assert state(page, "bar") > before  # it went on, not from bar 1
    assert page.evaluate("() => window.lofi.shareState().bpm") == 140  # a link made now says so
    wait_for(page, "document.getElementById('status').textContent.includes('140 bpm')", timeout=2000)

    set_field(page, "tempo", "")  # empty: the song's own tempo, live as well
    wait_for(page, f"window.lofi.state().bpm === {SONG_BPM}", timeout=8000)
    assert state(page, "playing") is True
    page.click("#stop")
    assert watch.errors == []


# ---- AI settings edited while the AI tune plays --------------------------------------------------


def a_new_seed_while_the_ai_tune_plays(page, apply) -> str:
    """Plays the AI tune, gives it a new seed through `apply(page, seed)` and waits until a new tune
    with that seed plays (a new live track, its own first note), not only the fields. The seed."""
    play_ai(page)
    first = page.evaluate("() => window.lofi.shareState().solo.seed")
    heard_first = page.evaluate("() => JSON.stringify(window.lofi.state().solo.firstNote)")
    page.click("#ai-settings summary")
    seed = "4242" if str(first) != "4242" else "4243"
    apply(page, seed)
    wait_for(page, f"String(window.lofi.shareState().solo.seed) === '{seed}'", timeout=60000)
    wait_for_a_new_tune(page, heard_first)
    assert state(page, "playing") is True
    return seed


def test_a_seed_edit_while_the_ai_tune_plays_is_heard_and_its_share_link_reproduces_it(open_page, media_site_url):
    page, watch = open_page(media_site_url)
    # The playing tune follows the field: the AI track is written again with the new seed.
    new_seed = a_new_seed_while_the_ai_tune_plays(page, lambda page, seed: set_field(page, "seed", seed))
    wait_for(page, "window.lofi.state().solo && !window.lofi.state().solo.generating", timeout=60000)
    assert state(page, "playing") is True
    heard = page.evaluate("() => window.lofi.lastSolo().tokens")
    link = page.evaluate("() => window.lofi.shareUrl()")
    page.click("#stop")

    fresh, _ = open_page(link)  # the link, in a fresh browser: the same tune
    shared = fresh.evaluate("() => window.lofi.readShareUrl()")
    assert str(shared["solo"]["seed"]) == new_seed
    again = fresh.evaluate(
        "(solo) => window.lofi.generate(solo)", {**shared["solo"], "progression": shared["progression"]}
    )
    assert again == heard
    assert watch.errors == []


def test_generate_while_the_ai_tune_plays_changes_the_music_too(open_page, media_site_url):
    page, watch = open_page(media_site_url)

    def generate(page, seed):
        page.fill("#seed", seed)
        page.click("#generate")

    a_new_seed_while_the_ai_tune_plays(page, generate)
    page.click("#stop")
    assert watch.errors == []


# ---- chords that cannot be read, while playing ---------------------------------------------------


def test_bad_chords_while_playing_are_named_and_the_music_plays_on(open_page, media_site_url):
    page, watch = open_page(media_site_url)
    play_ai(page)
    page.fill("#progression", "Dm7 Xq7 Cmaj7")
    page.click("#surprise")  # a new tune, over chords that cannot be read
    wait_for(page, "document.getElementById('alerts').textContent.includes('Xq7')", timeout=15000)
    alerts = page.inner_text("#alerts")
    assert "bar 2" in alerts, alerts
    assert "Playback failed" not in alerts and "Playback failed" not in page.inner_text("#messages")
    held = state(page, "bar")
    page.wait_for_timeout(1500)
    assert state(page, "playing") is True and state(page, "bar") > held  # the old music plays on
    page.click("#stop")
    assert watch.errors == []


# ---- what is kept: MIDI and WAV lengths, a song's drums ------------------------------------------


def test_download_midi_uses_the_chords_typed_in_before_any_play(open_page, media_site_url, tmp_path):
    page, watch = open_page(media_site_url)
    page.select_option("#song", "ai")
    page.fill("#progression", PROGRESSION)
    with page.expect_download(timeout=120000) as download:
        page.click("#download-midi")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    smf = read_smf(saved.read_bytes())
    _, _melody, _chords, bass = smf["tracks"]  # tempo and meter, then the lead sheet's three parts
    symbols = PROGRESSION.split()
    bars = max(start for start, _, _ in bass) // 1920 + 1
    assert bars >= 4
    for bar in range(bars):  # the bass plays the typed chord's root on every bar line
        assert [pitch % 12 for s, pitch, _ in bass if s == bar * 1920] == [ROOTS[symbols[bar % 4]]], bar
    assert state(page, "playing") is False
    assert watch.errors == []


def test_a_timed_solo_its_chords_the_live_loop_and_the_wav_last_whole_chord_cycles(open_page, timed_site_url):
    page, watch = open_page(timed_site_url, media=False)
    page.evaluate(f"() => window.lofi.setProgression('{PROGRESSION}')")
    page.evaluate("() => window.lofi.generate({seed: 5, length: 64})")
    loop = page.evaluate("() => window.lofi.progression().soloLoopBars")
    assert loop % 4 == 0
    exported = page.evaluate("() => window.lofi.exportMidi({song: 'ai'})")
    assert exported["bars"] == loop  # the file is the loop heard
    smf = read_smf(bytes(exported["bytes"]))
    _, solo, chords = smf["tracks"]
    assert max(start + length for start, _, length in solo) <= loop * 1920
    assert sorted({start for start, _, _ in chords}) == [bar * 1920 for bar in range(loop)]
    parsed = page.evaluate("(b) => window.lofi.readMidi(b)", exported["bytes"])
    assert {track["endTicks"] for track in parsed["tracks"][1:]} == {loop * 1920}
    wav = page.evaluate(
        "() => window.lofi.renderWav({song: 'ai', bpm: 240, drums: null, ambience: null, quote: null}).then((r) => ({bars: r.bars, seconds: r.seconds}))"
    )
    assert wav["bars"] % 4 == 0 and wav["bars"] == min(loop, 32 // 4 * 4)
    assert wav["seconds"] == pytest.approx(wav["bars"] * 4 * 60 / 240, rel=0.01)
    assert watch.errors == []


def test_a_songs_midi_file_has_its_drums(open_page, media_site_url):
    page, watch = open_page(media_site_url)
    page.select_option("#song", "first-light")
    page.select_option("#drums", "boom-bap")
    exported = page.evaluate("() => window.lofi.exportMidi({song: 'first-light'})")
    parsed = page.evaluate("(b) => window.lofi.readMidi(b)", exported["bytes"])
    drums = [t for t in parsed["tracks"] if t["name"] == "drums"]
    assert len(drums) == 1, [t["name"] for t in parsed["tracks"]]
    pitches = {n["midi"] for n in drums[0]["notes"]}
    assert 36 in pitches and pitches & {38, 37, 39, 40}  # a General MIDI kick and a snare (or rim, clap)
    # The pattern all through the song: a kick in every bar.
    kick_bars = {n["ticks"] // 1920 for n in drums[0]["notes"] if n["midi"] == 36}
    assert kick_bars == set(range(exported["bars"]))
    smf = read_smf(bytes(exported["bytes"]))  # tempo and meter first, the drums last
    assert smf["tracks"][-1] == sorted((n["ticks"], n["midi"], n["durationTicks"]) for n in drums[0]["notes"])
    assert sum(len(t) for t in smf["tracks"]) == len(exported["notes"])
    assert watch.errors == []


# ---- reading the chord field ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("chords", "words"),
    [
        ("Dm7 G7 Cmaj7", "3 bars in C major"),
        ("Gmaj7 E7 Am7 D7", "4 bars in G major"),
        ("N.C. Dm7 G7 Cmaj7", "4 bars in C major"),
    ],
)
def test_the_chord_field_reads_keys_and_no_chord_as_a_musician_would(open_page, built_site_url, chords, words):
    page, watch = open_page(built_site_url, media=False)
    page.fill("#progression", chords)
    message = page.inner_text("#progression-message")
    assert words in message, message
    assert page.get_attribute("#progression", "aria-invalid") is None
    assert watch.errors == []


def test_one_bar_of_chords_is_one_bar_not_one_bars(open_page, timed_site_url):
    page, watch = open_page(timed_site_url, media=False)
    page.fill("#progression", "Cmaj7")
    message = page.inner_text("#progression-message")
    assert "1 bar in C major" in message and "1 bars" not in message, message
    assert watch.errors == []


# ---- the offline render and the live context -----------------------------------------------------


def test_wav_renders_while_playing_and_then_play_again_keep_one_audio_context(open_page, media_site_url):
    page, watch = open_page(media_site_url)
    page.select_option("#song", "first-light")
    page.select_option("#drums", "boom-bap")
    page.fill("#tempo", "240")  # many drum hits: some land while a render builds its graph
    page.click("#play")
    wait_for(page, "window.lofi.state().playing")
    for _ in range(3):
        page.evaluate("() => window.lofi.renderWav({song: 'first-light', bars: 1, bpm: 240})")
    page.click("#stop")
    page.click("#play")
    wait_for(page, "window.lofi.state().playing && window.lofi.state().bar > 1.5", timeout=15000)
    page.click("#stop")
    assert not [e for e in watch.errors if "different audio context" in e or "AudioNode" in e], watch.errors
    assert watch.errors == []
