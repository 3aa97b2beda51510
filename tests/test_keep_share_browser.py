"""In headless Chromium: your chords, your mood, your track to keep, share and take offline.

The site is the tiny test content (tiny lead-sheet model) plus the real drum patterns, samples,
ambiences and quotes, served from a sub-path as on GitHub Pages. Where a "timed" model (the
article's encoding, a solo primed by the chords) does it its own way, the timed tiny site
(conftest) checks that way too.
"""

from __future__ import annotations

import io
import shutil
import struct
import wave
from datetime import date

import numpy as np
import pytest

from builder import theory
from builder.pwa import write_pwa
from builder.serve import serve_in_background

from .browser import open_lofi
from .conftest import REPO, served

pytestmark = pytest.mark.browser

PROGRESSION = "Em7 A7 Dmaj7 Bm7"  # D major: the model hears Dm7 G7 Cmaj7 Am7, its notes come back 2 semitones up
PCS = {"Em7": {4, 7, 11, 2}, "A7": {9, 1, 4, 7}, "Dmaj7": {2, 6, 9, 1}, "Bm7": {11, 2, 6, 9}}
NOTE_PC = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}


@pytest.fixture(scope="module")
def keep_dist(media_site):  # conftest: the tiny content with the real media, built once a session
    return media_site


@pytest.fixture(scope="module")
def site(keep_dist):
    yield from served(keep_dist)


@pytest.fixture
def open_page(browser):
    """open_page(url) -> (page, watch), each in a fresh context (its own service worker and caches)."""
    contexts = []

    def opener(url, **context_options):
        context = browser.new_context(accept_downloads=True, **context_options)
        contexts.append(context)
        return open_lofi(context, url)

    yield opener
    for context in contexts:
        context.close()


def note_midi(name: str) -> int:
    letter, rest = name[0], name[1:]
    accidental = 0
    while rest and rest[0] in "#b-":
        accidental += 1 if rest[0] == "#" else -1
        rest = rest[1:]
    return (int(rest) + 1) * 12 + NOTE_PC[letter] + accidental


def time_ticks(time: str, ppq: int = 480) -> int:
    bars, quarters, sixteenths = (float(x) for x in time.split(":"))
    return round((bars * 4 + quarters + sixteenths / 4) * ppq)


def read_smf(data: bytes) -> dict:
    """A minimal Standard MIDI File reader (independent of @tonejs/midi): notes per track."""
    assert data[:4] == b"MThd"
    _, _, ntracks, ppq = struct.unpack(">IHHH", data[4:14])
    pos = 14
    tracks = []
    tempo = None
    for _ in range(ntracks):
        assert data[pos : pos + 4] == b"MTrk"
        (length,) = struct.unpack(">I", data[pos + 4 : pos + 8])
        end = pos + 8 + length
        pos += 8
        ticks, status, sounding, notes = 0, None, {}, []

        def varlen():
            nonlocal pos
            value = 0
            while True:
                byte = data[pos]
                pos += 1
                value = (value << 7) | (byte & 0x7F)
                if not byte & 0x80:
                    return value

        while pos < end:
            ticks += varlen()
            if data[pos] & 0x80:
                status = data[pos]
                pos += 1
            if status == 0xFF:
                kind = data[pos]
                pos += 1
                size = varlen()
                if kind == 0x51:
                    tempo = 60_000_000 / int.from_bytes(data[pos : pos + size], "big")
                pos += size
            elif status in (0xF0, 0xF7):
                pos += varlen()
            else:
                kind, a = status & 0xF0, data[pos]
                b = data[pos + 1] if kind not in (0xC0, 0xD0) else None
                pos += 1 if b is None else 2
                if kind == 0x90 and b:
                    sounding.setdefault(a, []).append(ticks)
                elif kind == 0x80 or (kind == 0x90 and not b):
                    start = sounding[a].pop(0)
                    notes.append((start, a, ticks - start))
        tracks.append(sorted(notes))
        pos = end
    return {"ppq": ppq, "bpm": tempo, "tracks": tracks}


# ---- chords ---------------------------------------------------------------------------------------


def test_a_bad_chord_symbol_is_named_inline(open_page, site):
    page, watch = open_page(site)
    page.select_option("#song", "ai")
    page.fill("#progression", "Dm7 Gx7 Cmaj7 Qm")
    message = page.locator("#progression-message")
    assert '"Gx7"' in message.inner_text() and '"Qm"' in message.inner_text()
    assert page.get_attribute("#progression", "aria-invalid") == "true"
    with pytest.raises(Exception, match="Gx7"):
        page.evaluate("() => window.lofi.setProgression('Dm7 Gx7 Cmaj7')")
    page.fill("#progression", "Dm7 G7 | Cmaj7 | %")  # two chords share bar 1; "%" repeats a bar
    assert page.get_attribute("#progression", "aria-invalid") is None
    assert "3 bars" in message.inner_text()
    parsed = page.evaluate("() => window.lofi.parseProgression('Dm7 G7 | Cmaj7 | %')")
    assert [(c["symbol"], c["bar"], c["step"], c["sixteenths"]) for c in parsed["chords"]] == [
        ("Dm7", 0, 0, 8),
        ("G7", 0, 8, 8),
        ("Cmaj7", 1, 0, 16),
        ("Cmaj7", 2, 0, 16),
    ]
    assert not watch.errors


def test_the_lead_sheet_is_written_over_the_progression_on_its_bars(open_page, site):
    page, watch = open_page(site)
    info = page.evaluate(f"() => window.lofi.setProgression('{PROGRESSION}')")
    assert info["key"] == "D major" and info["shift"] == -2
    assert info["modelChords"] == ["Dm7", "G7", "Cmaj7", "Am7"]
    assert info["soloLoopBars"] == 8  # the piece: whole passes of the chords, at least 8 bars
    # Under the chord field, in plain words: the AI writes a melody over the chords.
    page.select_option("#song", "ai")
    page.fill("#progression", PROGRESSION)
    message = page.inner_text("#progression-message")
    assert message == "4 bars in D major. The AI writes a melody over your chords: a piece of 8 bars."
    page.fill("#bars", "12")
    assert page.inner_text("#progression-message").endswith("a piece of 12 bars.")

    tokens = page.evaluate("() => window.lofi.generate({seed: 11})")
    piece = page.evaluate("() => window.lofi.lastSolo().piece")
    assert piece["bars"] == 8 and piece["key"] == "D major" and sum(t.startswith("|") for t in tokens) == 8
    assert [(c["symbol"], c["step"]) for c in piece["chords"]] == [
        (s, 16 * i) for i, s in enumerate(PROGRESSION.split() * 2)
    ]
    for chord in piece["chords"]:  # each sounds as written, in D major
        assert chord["midis"] == theory.voice_chord(theory.parse_chord_symbol(chord["symbol"]))
        assert {m % 12 for m in chord["midis"][:1]} == {NOTE_PC[chord["symbol"][0]]}  # its root in the bass

    result = page.evaluate("() => window.lofi.renderOffline({song: 'ai', bars: 9, bpm: 600, drums: null})")
    assert result["rms"] > 0.005
    # The electric piano strikes each chord on its bar line (and comps it again later in the bar),
    # the bass plays its root there; the piece loops after its 8 bars.
    music = [e for e in result["timeline"] if e["layer"] == "music"]
    for part in (1, 2):
        on_bar_lines = sorted(
            round(e["bar"], 3) for e in music if e["part"] == part and abs(e["bar"] - round(e["bar"])) < 4 / 768
        )
        assert on_bar_lines == list(range(9)), part
    assert result["loopPoints"]["solo"]["time"] == "8m"
    # Other chords make another piece; the same chords again, with the same settings, the same one.
    page.evaluate("() => window.lofi.setProgression('Dm7 | G7')")
    assert (
        page.evaluate(
            "() => window.lofi.renderOffline({song: 'ai', bars: 1, bpm: 600, drums: null}).then(() => window.lofi.lastSolo().tokens)"
        )
        != tokens
    )
    page.evaluate(f"() => window.lofi.setProgression('{PROGRESSION}')")
    page.evaluate("() => window.lofi.renderOffline({song: 'ai', bars: 1, bpm: 600, drums: null})")
    assert page.evaluate("() => window.lofi.lastSolo().tokens") == tokens
    assert not watch.errors


def test_a_timed_solo_is_primed_by_the_progression_and_backed_on_its_bars(
    open_page, timed_site_url
):  # conftest: a "timed" model
    page, watch = open_page(timed_site_url)
    info = page.evaluate(f"() => window.lofi.setProgression('{PROGRESSION}')")
    assert info["key"] == "D major" and info["shift"] == -2
    assert info["modelChords"] == ["Dm7", "G7", "Cmaj7", "Am7"]
    assert info["soloLoopBars"] == 28  # the longest multiple of 4 bars up to 30: chords and solo stay in phase
    page.select_option("#song", "ai")
    page.fill("#progression", PROGRESSION)
    assert "The AI starts its tune from your chords" in page.inner_text("#progression-message")
    tokens = page.evaluate("() => window.lofi.generate({seed: 11, length: 40})")
    moved = page.evaluate("() => window.lofi.lastSolo().events")
    # Primed by the chords moved to C major: the same tokens as priming with them by hand.
    plain = page.evaluate("""async () => window.lofi.generate({seed: 11, length: 40, progression: null,
                               primer: await window.lofi.chordsToPrimer(['Dm7', 'G7', 'Cmaj7', 'Am7'])})""")
    assert tokens == plain
    unmoved = page.evaluate("() => window.lofi.lastSolo().events")
    assert len(moved) == len(unmoved) > 0
    for a, b in zip(moved, unmoved):
        assert a["time"] == b["time"] and a["token"] == b["token"]
        assert [note_midi(n) for n in a["notes"]] == [note_midi(n) + 2 for n in b["notes"]]  # back in D

    page.evaluate(f"() => window.lofi.setProgression('{PROGRESSION}')")
    result = page.evaluate("() => window.lofi.renderOffline({song: 'ai', bars: 9, bpm: 600, drums: null})")
    assert result["rms"] > 0.005
    chord_bars = [e["bar"] for e in result["timeline"] if e["layer"] == "music" and e["part"] == 1]
    assert chord_bars == pytest.approx(list(range(9)), abs=4 / 768)  # one chord on every bar line
    assert result["loopPoints"]["solo"]["time"] == "28m"
    # The progression changed back, so the solo was made again with the same settings: the same tokens.
    assert page.evaluate("() => window.lofi.lastSolo().tokens") == tokens
    assert not watch.errors


def test_mood_from_text_sets_mode_tempo_and_chords(open_page, site):
    page, watch = open_page(site)
    happy = page.evaluate("() => window.lofi.mood('What a wonderful, happy, sunny day')")
    sad = page.evaluate("() => window.lofi.mood('I feel sad, tired and lonely tonight')")
    assert happy["score"] > 0 and happy["mode"] == "major" and happy["bpm"] > 72
    assert sad["score"] < 0 and sad["mode"] == "minor" and sad["bpm"] < 72
    assert "sad" in sad["reason"] and sad["progression"] in sad["reason"]
    # The page, with one AI tune chosen: a sentence in, the chords, tempo and reason out, the track
    # kept. (The radio takes only the mood's mode, tempo range and drums: test_station_ui_browser.)
    page.select_option("#song", "ai")
    page.fill("#mood-text", "I feel sad, tired and lonely tonight")
    page.click("#mood-apply")
    page.wait_for_function("() => document.getElementById('mood-reason').textContent.includes('you said')")
    assert page.input_value("#progression") == sad["progression"]
    assert page.input_value("#tempo") == str(sad["bpm"])
    assert page.input_value("#song") == "ai"
    state = page.evaluate("() => window.lofi.state()")
    assert state["progression"] == sad["progression"] and state["tempo"] == sad["bpm"]
    key = page.evaluate("() => window.lofi.progression().key")
    assert key.endswith("minor")
    assert not watch.errors


# ---- share it -------------------------------------------------------------------------------------


def test_the_share_url_round_trip_gives_the_same_tokens(open_page, site):
    page, watch = open_page(site)
    page.evaluate(f"""() => window.lofi.play({{song: 'ai', drums: 'boom-bap', ambience: 'rain', quote: null, bpm: 80,
                        progression: '{PROGRESSION}', solo: {{seed: 42, temperature: 0.9, length: 32, bars: 6, topK: 0, topP: 0.95}}}})""")
    page.wait_for_function("() => window.lofi.state().solo && !window.lofi.state().solo.generating", timeout=30000)
    tokens = page.evaluate("() => window.lofi.lastSolo().tokens")
    assert sum(t.startswith("|") for t in tokens) == 6  # a lead sheet of the bars asked for, not the chords' default 8
    url = page.evaluate("() => window.lofi.shareUrl()")
    page.evaluate("() => window.lofi.stop()")
    assert url.startswith(site + "#")
    shared = page.evaluate("(u) => window.lofi.readShareUrl(u)", url)
    assert shared["song"] == "ai" and shared["bpm"] == 80 and shared["progression"] == PROGRESSION
    assert (shared["drums"], shared["ambience"], shared["quote"]) == ("boom-bap", "rain", None)
    assert shared["solo"] == {"seed": 42, "temperature": 0.9, "length": 32, "bars": 6, "topK": 0, "topP": 0.95}

    # A new visitor opens the link: the form shows the shared state and Play reproduces the music.
    other, other_watch = open_page(url)
    other.wait_for_function("() => document.getElementById('progression').value !== ''")
    assert other.input_value("#song") == "ai"
    assert other.input_value("#seed") == "42" and other.input_value("#tempo") == "80"
    assert other.input_value("#bars") == "6"
    assert other.input_value("#drums") == "boom-bap" and other.input_value("#ambience") == "rain"
    assert other.input_value("#quote") == ""
    other.click("#play")
    other.wait_for_function("() => window.lofi.state().playing && window.lofi.lastSolo() !== null", timeout=30000)
    assert other.evaluate("() => window.lofi.lastSolo().tokens") == tokens
    state = other.evaluate("() => window.lofi.state()")
    assert state["bpm"] == 80 and state["progression"] == PROGRESSION
    assert state["layers"] == {"drums": "boom-bap", "ambience": "rain", "quote": None}
    other.evaluate("() => window.lofi.stop()")
    # And the link made from the reproduced page is the same link.
    assert other.evaluate("() => window.lofi.shareUrl()") == url
    assert not watch.errors and not other_watch.errors


def test_a_link_from_before_bars_were_shared_still_plays(open_page, site):
    """Links made before `bars` was shared carry a solo's settings without it: the piece is the
    default size for its chords (two passes of four bars)."""
    url = f"{site}#v=1&song=ai&seed=42&temp=0.9&len=32&topk=0&topp=0.95&chords={PROGRESSION.replace(' ', '+')}"
    page, watch = open_page(url)
    page.wait_for_function("() => document.getElementById('progression').value !== ''")
    assert page.evaluate("(u) => window.lofi.readShareUrl(u).solo", url) == {
        "seed": 42,
        "temperature": 0.9,
        "length": 32,
        "topK": 0,
        "topP": 0.95,
    }
    assert page.input_value("#bars") == "" and page.input_value("#seed") == "42"
    page.click("#play")
    page.wait_for_function("() => window.lofi.state().playing && window.lofi.lastSolo() !== null", timeout=30000)
    piece = page.evaluate("() => window.lofi.lastSolo().piece")
    page.evaluate("() => window.lofi.stop()")
    assert piece["bars"] == 8 and [c["symbol"] for c in piece["chords"]] == PROGRESSION.split() * 2
    assert (
        page.evaluate("() => window.lofi.compose({seed: 42, temperature: 0.9, topK: 0, topP: 0.95})")["tokens"]
        == piece["tokens"]
    )
    assert not watch.errors


# ---- keep it --------------------------------------------------------------------------------------


def grid_notes(events: list[dict], part: str) -> list[tuple[int, int, int]]:
    """(start, midi, length) in ticks at 480 a quarter of a lead sheet's events of one part, on the
    grid (the MIDI file is not swung)."""
    return sorted(
        (time_ticks(e["time"]), note_midi(n), time_ticks(e["duration"]))
        for e in events
        if e["part"] == part
        for n in e["notes"]
    )


def test_the_midi_file_parses_back_to_the_same_notes(open_page, site, tmp_path):
    page, watch = open_page(site)
    page.evaluate(f"() => window.lofi.setProgression('{PROGRESSION}')")
    page.evaluate("() => window.lofi.generate({seed: 5})")
    events = page.evaluate("() => window.lofi.lastSolo().events")
    exported = page.evaluate("() => window.lofi.exportMidi({song: 'ai'})")
    smf = read_smf(bytes(exported["bytes"]))
    assert smf["ppq"] == 480 and smf["bpm"] == pytest.approx(75, abs=0.01)
    assert exported["bars"] == 8
    # Tempo and meter, then the melody, the chords and the bass: every note the AI track plays.
    conductor, melody, chords, bass = smf["tracks"]
    assert conductor == []
    assert melody == grid_notes(events, "melody") and melody
    assert chords == grid_notes(events, "chords")
    assert bass == grid_notes(events, "bass")
    # The chords: struck on every bar line (and again later in the bar), each strike the voicing of
    # the chord sounding there over the bass's root on the bar line, and sounding all through the piece.
    piece = page.evaluate("() => window.lofi.lastSolo().piece")
    voicing = {c["step"] * 120: c["midis"] for c in piece["chords"]}
    assert [c["symbol"] for c in piece["chords"]] == PROGRESSION.split() * 2
    starts = sorted({start for start, _, _ in chords})
    assert {bar * 1920 for bar in range(8)} <= set(starts)
    for start in starts:
        bar_line = start // 1920 * 1920
        assert sorted(pitch for s, pitch, _ in chords if s == start) == voicing[bar_line][1:]
        assert [pitch for s, pitch, _ in bass if s == bar_line] == voicing[bar_line][:1]
    sounding = sorted({(s, s + length) for s, _, length in chords})
    assert sounding[0][0] == 0 and sounding[-1][1] == 8 * 1920
    assert all(a_end == b_start for (_, a_end), (b_start, _) in zip(sounding, sounding[1:]))
    # @tonejs/midi reads back the same too, and the page's download button saves the file.
    parsed = page.evaluate("(b) => window.lofi.readMidi(b)", exported["bytes"])
    assert sorted((n["ticks"], n["midi"], n["durationTicks"]) for n in parsed["tracks"][0]["notes"]) == melody
    page.select_option("#song", "ai")
    with page.expect_download() as download:
        page.click("#download-midi")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    # Named after what it holds: the key of the chords (D major) and the tempo, and the day.
    assert saved.name == f"ai-tune-d-major-75-bpm-{date.today().isoformat()}.mid"
    assert read_smf(saved.read_bytes())["tracks"][1:] == [melody, chords, bass]

    # A song: every note of every part.
    song = page.evaluate("() => window.lofi.exportMidi({song: 'first-light'})")
    song_smf = read_smf(bytes(song["bytes"]))
    assert song_smf["bpm"] == pytest.approx(72, abs=0.01)
    assert sum(len(t) for t in song_smf["tracks"]) == len(song["notes"]) > 20
    assert not watch.errors


def test_a_timed_solos_midi_file_has_the_solo_and_the_chords_under_it(open_page, timed_site_url):
    page, watch = open_page(timed_site_url)
    page.evaluate(f"() => window.lofi.setProgression('{PROGRESSION}')")
    page.evaluate("() => window.lofi.generate({seed: 5, length: 48})")
    events = page.evaluate("() => window.lofi.lastSolo().events")
    exported = page.evaluate("() => window.lofi.exportMidi({song: 'ai'})")
    smf = read_smf(bytes(exported["bytes"]))
    assert smf["ppq"] == 480 and smf["bpm"] == pytest.approx(75, abs=0.01)
    limit = exported["bars"] * 4 * 480
    expected = sorted(
        (time_ticks(e["time"]), note_midi(n), min(time_ticks(e["duration"]), limit - time_ticks(e["time"])))
        for e in events
        for n in e["notes"]
        if time_ticks(e["time"]) < limit
    )
    conductor, solo_track, chord_track = smf["tracks"]  # tempo and meter, the solo, the chords
    assert conductor == []
    assert solo_track == expected
    # The chords: one on every bar, with the pitch classes of its symbol, for the whole solo.
    symbols = PROGRESSION.split()
    starts = sorted({start for start, _, _ in chord_track})
    assert starts == [bar * 1920 for bar in range(exported["bars"])]
    for start in starts:
        chord = symbols[(start // 1920) % 4]
        assert {pitch % 12 for s, pitch, _ in chord_track if s == start} == PCS[chord]
    parsed = page.evaluate("(b) => window.lofi.readMidi(b)", exported["bytes"])
    assert sorted((n["ticks"], n["midi"], n["durationTicks"]) for n in parsed["tracks"][0]["notes"]) == expected
    assert not watch.errors


def wav_rms(data: bytes) -> tuple[float, float]:
    with wave.open(io.BytesIO(data)) as wav:
        assert wav.getsampwidth() == 2
        frames = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2").astype(np.float64) / 32768
        return float(np.sqrt(np.mean(frames**2))), wav.getnframes() / wav.getframerate()


def test_the_audio_download_is_a_non_silent_wav(open_page, site, tmp_path):
    page, watch = open_page(site)
    page.select_option("#song", "first-light")
    page.select_option("#drums", "boom-bap")
    page.fill("#tempo", "180")  # the whole song, faster: a shorter render
    page.dispatch_event("#tempo", "change")
    with page.expect_download(timeout=120000) as download:
        page.click("#download-wav")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == f"first-light-{date.today().isoformat()}.wav"
    rms, seconds = wav_rms(saved.read_bytes())
    assert rms > 0.005
    assert seconds == pytest.approx(16 * 4 * 60 / 180, rel=0.02)  # one pass of the 16-bar song at 180 bpm
    assert not watch.errors


def test_recording_what_is_playing_gives_a_non_silent_file_and_says_its_real_length(open_page, site):
    page, watch = open_page(site)
    page.evaluate("() => window.lofi.play({song: 'first-light', drums: 'boom-bap'})")
    page.evaluate("() => window.lofi.startRecording()")
    assert page.evaluate("() => window.lofi.state().recording") is True
    # A pause while recording (the audio context suspended) adds time to the clock, not audio to the file.
    page.wait_for_timeout(1500)
    page.evaluate("() => window.lofi.pause()")
    page.wait_for_timeout(1500)
    page.evaluate("() => window.lofi.resume()")
    page.wait_for_timeout(1000)
    result = page.evaluate("""async () => {
        const r = await window.lofi.stopRecording();
        const audio = await new OfflineAudioContext(1, 1, 48000).decodeAudioData(await r.blob.arrayBuffer());
        const data = audio.getChannelData(0);
        let sum = 0;
        for (const v of data) sum += v * v;
        return {size: r.size, type: r.type, filename: r.filename, seconds: audio.duration, said: r.seconds,
                message: document.getElementById('messages').textContent, rms: Math.sqrt(sum / data.length)};
    }""")
    page.evaluate("() => window.lofi.stop()")
    assert result["type"].startswith("audio/")
    assert result["size"] > 1000 and result["seconds"] > 1.5
    # The length it states is the file's own, decoded here, not the time between start and stop.
    assert result["said"] == pytest.approx(result["seconds"], abs=0.05), result
    assert f"Recorded {result['said']:.1f} s" in result["message"], result
    # Named after what it holds, and the day.
    today = date.today().isoformat()
    assert result["filename"] in [f"first-light-recording-{today}.{ext}" for ext in ("webm", "ogg")], result
    assert result["rms"] > 0.001
    assert not watch.errors


# ---- offline --------------------------------------------------------------------------------------


def test_the_app_is_installable(open_page, site, keep_dist):
    page, watch = open_page(site)
    manifest = page.evaluate("""async () => {
        const link = document.querySelector('link[rel=manifest]');
        return (await fetch(link.href)).json();
    }""")
    assert manifest["start_url"] == "./" and manifest["scope"] == "./" and manifest["display"] == "standalone"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        assert not icon["src"].startswith(("/", "http")) and (keep_dist / icon["src"]).is_file()
    info = page.evaluate("() => window.lofi.offlineReady()")
    assert info["controlled"] and info["version"] and info["files"] > 10
    assert not watch.errors


def test_a_first_visit_saves_the_site_for_offline_only_once_a_note_has_sounded(open_page, site):
    # The worker's precache downloads the whole site: on a first visit it must not compete with
    # the model and the samples the first note needs.
    page, watch = open_page(site)
    page.evaluate("() => window.lofi.ready")
    page.mouse.move(200, 200)  # a listener: the model and the audio graph load now, not the worker
    page.wait_for_timeout(1000)
    assert page.evaluate("async () => (await navigator.serviceWorker.getRegistration()) ?? null") is None
    page.evaluate("() => window.lofi.play({song: 'first-light', drums: null, ambience: null, quote: null})")
    registered = page.evaluate("""async () => {
        const until = performance.now() + 15000;
        while (!(await navigator.serviceWorker.getRegistration())) {
            if (performance.now() > until) return false;
            await new Promise((resolve) => setTimeout(resolve, 100));
        }
        return true;
    }""")
    assert registered
    page.evaluate("() => window.lofi.stop()")
    assert page.evaluate("() => window.lofi.offlineReady()")["controlled"]
    assert not watch.errors


def test_a_first_visit_left_idle_saves_the_site_for_offline_after_a_while(open_page, site):
    # A listener who opens the page and comes back later still gets the offline copy: with no note
    # played, the worker registers once the page has sat idle for about 20 s, not before.
    page, watch = open_page(site)
    page.evaluate("() => window.lofi.ready")
    registration = "async () => (await navigator.serviceWorker.getRegistration()) ?? null"
    page.wait_for_timeout(8000)
    assert page.evaluate(registration) is None
    registered = page.evaluate("""async () => {
        const until = performance.now() + 60000;
        while (!(await navigator.serviceWorker.getRegistration())) {
            if (performance.now() > until) return false;
            await new Promise((resolve) => setTimeout(resolve, 200));
        }
        return performance.now();
    }""")
    assert registered and registered >= 15000  # milliseconds since the page began loading
    assert page.evaluate("() => window.lofi.offlineReady()")["controlled"]
    assert not watch.errors


def test_the_page_plays_offline_after_a_first_load(open_page, keep_dist):
    # Its own server, so that it can be shut down: then nothing can come from the network.
    server, url = serve_in_background(keep_dist, "/lofi-player/")
    page, watch = open_page(url)
    info = page.evaluate("() => window.lofi.offlineReady()")
    assert info["controlled"]
    layers = "drums: 'boom-bap', ambience: 'rain', quote: null"
    online = page.evaluate(f"() => window.lofi.renderOffline({{song: 'first-light', bars: 2, {layers}}})")
    tokens = page.evaluate("() => window.lofi.generate({seed: 9})")
    songs = page.evaluate("() => window.lofi.songs().length")
    # The AI track played once online: play() waits for the samples its instruments need, so they
    # are in the service worker's cache (the warm-up after the model loads fetches the same ones,
    # and may still be at it when the network goes).
    page.evaluate("() => window.lofi.play({song: 'ai'})")
    page.evaluate("() => window.lofi.stop()")

    server.shutdown()
    server.server_close()
    page.context.set_offline(True)
    failed = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.reload()
    page.wait_for_function("() => window.lofi !== undefined")
    page.evaluate("() => window.lofi.ready")
    assert page.evaluate("() => window.lofi.songs().length") == songs
    offline = page.evaluate(f"() => window.lofi.renderOffline({{song: 'first-light', bars: 2, {layers}}})")
    assert offline["rms"] > 0.5 * online["rms"] > 0.0025
    assert {e["layer"] for e in offline["timeline"]} >= {"music", "drums", "ambience"}
    # Every sample came from the cache: no layer was switched off, no instrument fell back to a synth.
    assert page.locator("#messages .message-error, #messages .message-warn").count() == 0
    assert page.evaluate("() => window.lofi.generate({seed: 9})") == tokens  # model and wasm cached
    for song in ("first-light", "ai"):
        page.evaluate("(song) => window.lofi.play({song})", song)
        assert page.evaluate("() => window.lofi.state().playing") is True
        page.evaluate("() => window.lofi.stop()")
    assert page.locator("#messages .message-error, #messages .message-warn").count() == 0
    assert not failed and not watch.errors, failed


def test_a_new_build_replaces_the_old_one_cleanly(open_page, keep_dist, tmp_path):
    dist = tmp_path / "dist"
    shutil.copytree(keep_dist, dist)
    server, url = serve_in_background(dist, "/lofi-player/")
    try:
        page, watch = open_page(url)
        first = page.evaluate("() => window.lofi.offlineReady()")["version"]
        # "Publish" a new build: a changed file, and the build's last step run again.
        (dist / "site.json").write_text('{"title": "Tiny Lofi, take two", "description": ""}\n')
        second = write_pwa(dist, {"title": "Tiny Lofi", "description": ""}, REPO / "web_src")["version"]
        assert second != first
        assert page.evaluate("() => window.lofi.checkForUpdate()") is True
        page.wait_for_selector("#update", state="visible")
        # The switch reloads the page under the new worker: on a busy machine (CI shares it) the
        # activation, the reload and its load event through the worker can take longer than 30 s.
        with page.expect_navigation(timeout=90_000):
            page.click("#update")
        page.wait_for_function("() => window.lofi !== undefined")
        page.evaluate("() => window.lofi.ready")
        page.wait_for_function("() => navigator.serviceWorker.controller !== null")
        assert page.evaluate("() => window.lofi.offline()")["version"] == second
        names = page.evaluate("() => caches.keys()")
        assert names and all(second in name for name in names)  # the old build's caches are gone
        title = page.evaluate("async () => (await (await fetch('site.json')).json()).title")
        assert title == "Tiny Lofi, take two"
        assert not watch.errors
    finally:
        server.shutdown()


def test_an_update_asked_for_while_the_sound_engine_starts_still_switches(open_page, keep_dist, tmp_path):
    # Chromium holds a waiting worker's activation (for minutes) if the page sets up an audio
    # worklet under the old worker as the switch is asked for; Tone.js does as it starts. Before
    # applyUpdate waited for it, about one switch in four asked for this way never came.
    for attempt in range(3):
        dist = tmp_path / f"dist-{attempt}"
        shutil.copytree(keep_dist, dist)
        server, url = serve_in_background(dist, "/lofi-player/")
        try:
            page, watch = open_page(url)
            page.evaluate("() => window.lofi.offlineReady()")
            (dist / "site.json").write_text('{"title": "Tiny Lofi, take two", "description": ""}\n')
            second = write_pwa(dist, {"title": "Tiny Lofi", "description": ""}, REPO / "web_src")["version"]
            assert page.evaluate("() => window.lofi.checkForUpdate()") is True
            with page.expect_navigation(timeout=60_000):
                # lofi.stop() fetches and starts Tone.js; the switch is asked for in the same task.
                page.evaluate("() => { window.lofi.stop(); window.lofi.applyUpdate(); }")
            page.wait_for_function("() => window.lofi !== undefined")
            page.wait_for_function("() => navigator.serviceWorker.controller !== null")
            assert page.evaluate("() => window.lofi.offline()")["version"] == second
            assert not watch.errors
        finally:
            server.shutdown()
