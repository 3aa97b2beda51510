"""The one groove, heard: the page renders (its own offline render path, downloaded as a WAV) a melody on
the piano, chords on the electric piano and hats from a drum pattern, each alone, all on eighth notes;
the onsets found in the audio put every off-beat eighth late by the same ratio, the song's swing.
And the mix: stems of a real song's melody and chords rendered alike, measured with BS.1770, the melody
within 2 LU of its chords (it sat 6 LU under them behind the backing's tape filter)."""

from __future__ import annotations

import io
import shutil
import wave

import numpy as np
import pytest

from builder.build import BuildOptions, build
from builder.loudness import integrated_lufs

from .browser import open_lofi
from .conftest import REPO, served

pytestmark = pytest.mark.browser

BPM = 60  # a quarter is a second: the off-beat eighth 100 ms late at 60%
SWING = 60
BARS = 4
HEADER = (
    f'composer = "Lofi Player tests"\nlicence = "CC0-1.0"\ntempo = {BPM}\ntime_signature = "4/4"\nswing = {SWING}\n'
)
# Each eighth a new pitch, so every attack is a change the onsets can be found by.
EIGHTHS = " | ".join(["c'8 e'8 " * 4] * BARS)
SONGS = {
    "groove-melody": f'title = "Melody on eighths"\n{HEADER}\n[parts.melody]\ninstrument = "piano"\nnotes = "{EIGHTHS}"\n',
    "groove-chords": (
        f'title = "Chords on eighths"\n{HEADER}\n[parts.keys]\ninstrument = "epiano"\n'
        f'chords = "{" | ".join(["Cmaj7 Ebmaj7 " * 4] * BARS)}"\n'
    ),
    # Only rests: the drums alone, at the song's swing (a song sets the groove its drums play).
    "groove-hats": f'title = "Hats on eighths"\n{HEADER}\n[parts.rest]\ninstrument = "piano"\nnotes = "{" | ".join(["r1"] * BARS)}"\n',
}
HATS = 'name = "Eighth hats"\nswing = 54\n\n[lanes.hat]\nsample = "hat_zild"\nsteps = "x.x.x.x.x.x.x.x."\n'


def stem_song(part: str) -> str:
    """first-light.toml with only its `part` (the header and that [parts.NAME] table)."""
    text = (REPO / "content" / "songs" / "first-light.toml").read_text()
    header, *tables = text.split("\n[parts.")
    table = next(t for t in tables if t.startswith(f"{part}]"))
    return header.replace('title = "First Light"', f'title = "First Light {part}"') + "\n[parts." + table


@pytest.fixture(scope="module")
def groove_site_url(built_site, tmp_path_factory):
    """The tiny content (its model already trained) with the real drums and samples, the eighth-note
    songs above, a pattern of eighth hats and first-light's melody and chords as songs of their own."""
    root = tmp_path_factory.mktemp("groove-site")
    content = root / "content"
    shutil.copytree(built_site.parent / "content", content)
    for folder in ("drums", "samples"):
        shutil.copytree(REPO / "content" / folder, content / folder)
    (content / "drums" / "eighth-hats.toml").write_text(HATS)
    for name, text in SONGS.items():
        (content / "songs" / f"{name}.toml").write_text(text)
    (content / "songs" / "stem-melody.toml").write_text(stem_song("melody"))
    (content / "songs" / "stem-chords.toml").write_text(stem_song("keys"))
    build(BuildOptions(content=content, out=root / "dist", quiet=True))
    yield from served(root / "dist")


@pytest.fixture(scope="module")
def page(browser, groove_site_url):
    context = browser.new_context(accept_downloads=True)
    page, watch = open_lofi(context, groove_site_url)
    page.evaluate("() => window.lofi.setVolume('vinyl', 0)")  # no crackle under the onsets
    yield page, watch
    context.close()


def render(page, tmp_path, song: str, drums, bars: int = BARS) -> tuple[np.ndarray, int, dict]:
    """The page's WAV of `song` (its own offline render, then brought to -14 LUFS): its channels (one
    row each), its rate, and what downloadWav said (rms: the render's own, before the loudness step)."""
    options = f"{{song: '{song}', drums: {drums}, bars: {bars}}}"
    with page.expect_download(timeout=180000) as download:
        result = page.evaluate(f"() => window.lofi.downloadWav({options})")
    path = tmp_path / f"{song}.wav"
    download.value.save_as(path)
    with wave.open(io.BytesIO(path.read_bytes())) as wav:
        frames = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2").astype(np.float64) / 32768
        channels = wav.getnchannels()
        rate = wav.getframerate()
    return frames.reshape(-1, channels).T, rate, result


def onsets(audio: np.ndarray, rate: int, expected: list[float]) -> list[float]:
    """Each attack near an expected time (within -40..+200 ms): the peak of the spectral flux (the
    rise of the log spectrum, 23 ms frames every millisecond), which finds a new chord or note
    struck over the one before as well as a hat."""
    size, hop = 1024, 0.001
    step = int(rate * hop)
    count = (len(audio) - size) // step
    frames = audio[np.arange(size)[None, :] + step * np.arange(count)[:, None]] * np.hanning(size)
    spectrum = np.log1p(100 * np.abs(np.fft.rfft(frames, axis=1)))
    flux = np.maximum(0, np.diff(spectrum, axis=0, prepend=spectrum[:1])).sum(axis=1)
    centre = size / 2 / rate
    found = []
    for t in expected:
        lo, hi = max(0, int((t - 0.04 - centre) / hop)), int((t + 0.2 - centre) / hop)
        found.append((lo + int(np.argmax(flux[lo:hi]))) * hop + centre)
    return found


def off_beat_ratio(audio: np.ndarray, rate: int) -> float:
    """Where the off-beat eighths fall in their beats (0.5 straight), from the onsets of every beat
    and every "and" but the first and last beats': the attack's own lead-in cancels out."""
    beats = BARS * 4
    found = onsets(audio, rate, [i * 0.5 for i in range(2 * beats)])
    ratios = [(found[2 * b + 1] - found[2 * b]) / (found[2 * b + 2] - found[2 * b]) for b in range(beats - 1)]
    return float(np.median(ratios))


def test_the_off_beat_eighths_of_melody_chords_and_hats_are_late_by_the_same_ratio(page, tmp_path):
    page, watch = page
    ratios = {}
    for name, song, drums in [
        ("melody", "groove-melody", "null"),
        ("chords", "groove-chords", "null"),
        ("hats", "groove-hats", "'eighth-hats'"),
    ]:
        audio, rate, _ = render(page, tmp_path, song, drums)
        ratios[name] = off_beat_ratio(audio.mean(axis=0), rate)
    # 60%: the "and" at 0.6 of the beat, give or take the humanisation's few ms.
    for ratio in ratios.values():
        assert ratio == pytest.approx(SWING / 100, abs=0.01), ratios
    assert max(ratios.values()) - min(ratios.values()) < 0.01, ratios
    assert not watch.errors


def test_the_melody_stem_is_within_2_lu_of_the_chords(page, tmp_path):
    page, watch = page
    loudness = {}
    for name in ("melody", "chords"):
        audio, rate, result = render(page, tmp_path, f"stem-{name}", "null", bars=8)
        # The WAV is brought to -14 LUFS: its gain over the render (their RMS, both of every channel)
        # takes the render's own loudness back.
        gain_db = 20 * np.log10(np.sqrt(np.mean(audio**2)) / result["rms"])
        loudness[name] = integrated_lufs(list(audio), rate) - gain_db
    difference = loudness["melody"] - loudness["chords"]
    assert abs(difference) <= 2, loudness
    assert not watch.errors
