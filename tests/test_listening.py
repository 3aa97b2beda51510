"""The report's listening section: real samples rendered to real OGG/Vorbis, decoded back and measured;
real matplotlib pictures read back; the real template rendered by Jinja."""

from __future__ import annotations

import math
from pathlib import Path

import jinja2
import numpy as np
import pytest
import soundfile
from matplotlib import image as mpimg

from builder import groove, listening, loudness, theory
from builder.errors import BuildError

REPO = Path(__file__).resolve().parent.parent
SIXTEENTH = 60 / 75 / 4  # seconds, at the default 75 bpm
B4 = 440 * 2 ** (2 / 12)


def chord(step: int, length: int, symbol: str) -> dict:
    return {
        "step": step,
        "length": length,
        "symbol": symbol,
        "midis": theory.voice_chord(theory.parse_chord_symbol(symbol)),
    }


def note(step: int, length: int, midi: int) -> dict:
    return {"step": step, "length": length, "midi": midi}


# Two bars: Dm9 | G13, a B4 held for the first half bar (B is not a tone of Dm9, nor a harmonic of one).
PIECE = {
    "tokens": [],
    "key": "C major",
    "chords": [chord(0, 16, "Dm9"), chord(16, 16, "G13")],
    "melody": [note(0, 8, 71), note(10, 2, 69), note(12, 4, 72), note(16, 3, 71), note(19, 1, 67), note(22, 6, 65)],
}
CHORDS_ONLY = {**PIECE, "melody": []}


def render(piece: dict, folder: Path, name: str = "piece", **options) -> tuple[np.ndarray, int, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    audio, picture = folder / f"{name}.ogg", folder / f"{name}.png"
    listening.render_piece(piece, audio, picture, **options)
    data, rate = soundfile.read(audio)
    return data, rate, picture


def band_share(audio: np.ndarray, rate: int, frequency: float, start: float, end: float) -> tuple[float, float]:
    """The share of the energy (50 Hz..5 kHz) within 1.5% of `frequency` between two times, and the
    loudest frequency within 5% of it."""
    segment = audio[int(start * rate) : int(end * rate)]
    power = np.abs(np.fft.rfft(segment * np.hanning(len(segment)))) ** 2
    frequencies = np.fft.rfftfreq(len(segment), 1 / rate)
    band = np.abs(frequencies - frequency) < 0.015 * frequency
    near = np.abs(frequencies - frequency) < 0.05 * frequency
    audible = (frequencies > 50) & (frequencies < 5000)
    return power[band].sum() / power[audible].sum(), frequencies[near][np.argmax(power[near])]


def onset(audio: np.ndarray, rate: int) -> float:
    return int(np.argmax(np.abs(audio) > 0.05 * np.abs(audio).max())) / rate


def melody_pixels(picture: Path) -> int:
    """Pixels of the melody's colour (#ffb782) in the piano roll."""
    pixels = mpimg.imread(picture)[..., :3]
    return int((np.abs(pixels - np.array([0xFF, 0xB7, 0x82]) / 255).max(axis=-1) < 0.02).sum())


def test_two_bars_decode_at_the_right_length_level_and_fade(tmp_path):
    audio, rate, _ = render(PIECE, tmp_path)
    assert rate == listening.RATE and audio.ndim == 1  # mono
    two_bars = 2 * 16 * SIXTEENTH
    assert two_bars + 0.5 <= len(audio) / rate <= two_bars + 16 * SIXTEENTH  # the bars and a release tail
    first_half = audio[: len(audio) // 2]
    assert np.sqrt(np.mean(first_half**2)) > 0.02
    assert 0.8 < np.abs(audio).max() <= 1.0  # normalised to -1 dBFS (0.89), give or take the codec
    assert np.abs(audio[-rate // 100 :]).max() < 0.01  # faded out


def test_the_mix_peaks_at_minus_one_dbfs_and_fades_out():
    rate = listening.RATE
    layers = {"melody": np.full(2 * rate, 0.25), "chords": np.full(2 * rate, -0.5)}
    audio = listening.mix(layers)
    assert np.abs(audio).max() == pytest.approx(10 ** (-1 / 20))
    assert audio[0] == pytest.approx(-(10 ** (-1 / 20)))
    assert audio[-1] == 0
    fade = int(listening.FADE_SECONDS * rate)
    assert 0 < abs(audio[-fade // 2]) < 0.5 * np.abs(audio).max()


def test_the_held_melody_note_sounds_at_its_pitch(tmp_path):
    with_melody, rate, _ = render(PIECE, tmp_path, "with")
    share, loudest = band_share(with_melody, rate, B4, 0.2, 1.5)
    assert loudest == pytest.approx(B4, rel=0.01)
    without, rate, _ = render(CHORDS_ONLY, tmp_path, "without")
    assert share > 100 * band_share(without, rate, B4, 0.2, 1.5)[0]


def test_the_melody_sits_with_the_chords_and_the_bass_is_heard():
    layers = listening.render_layers(PIECE)
    level = {name: 20 * math.log10(np.sqrt(np.mean(track**2))) for name, track in layers.items()}
    assert level["melody"] - 12 < level["bass"] < level["melody"] + 6  # the bass heard, not over the tune
    # On the stems' loudness: the melody within 2 LU of its chords, from the page's own melody level.
    measured = listening.mix_result(layers)
    assert set(measured) == {"melody_lufs", "chords_lufs", "melody_minus_chords_lu"}
    assert abs(measured["melody_minus_chords_lu"]) <= 2, measured
    assert -45 < measured["chords_lufs"] < -15
    # Without the page's melody level (0 dB) it would be buried under the chords, as it was.
    quieter = {**layers, "melody": layers["melody"] * 10 ** (-groove.MELODY_DB / 20)}
    assert listening.mix_result(quieter)["melody_minus_chords_lu"] < measured["melody_minus_chords_lu"] - 4


def test_render_piece_reports_the_mix_and_the_listening_entries_carry_it(tmp_path):
    entries = listening.render_listening([PIECE, CHORDS_ONLY], tmp_path)
    assert entries[0]["mix"] == listening.mix_result(listening.render_layers(PIECE))
    assert entries[1]["mix"]["melody_lufs"] == loudness.SILENCE  # no melody at all
    assert listening.mix_summary(entries[:1]) == entries[0]["mix"]
    assert listening.mix_summary([]) == {}


def test_a_bass_note_is_the_chords_lowest_in_the_bass_range():
    assert listening.bass_note([38, 53, 57, 60, 64]) == 38  # the voicing's own bass, D2
    assert listening.bass_note([53, 57, 64, 67]) == 41  # F3 A3 E4 G4: an octave down, F2
    assert listening.bass_note([72, 76, 79]) == 48
    assert listening.bass_note([20, 40]) == 32
    assert listening.bass_note([]) is None


def test_swing_is_the_players():
    # The page's groove (builder/groove.py, parity-tested against web_src/js/audio/swing.js), in seconds.
    quarter = 60 / 75
    seed = 3
    late = [
        listening.onset_seconds(step, 75, 62.5, seed, "melody") - groove.humanise(seed, "melody", step)["seconds"]
        for step in (4, 5, 6, 7)
    ]
    assert late[0] == pytest.approx(quarter)
    # 62.5% (whole ticks: 24 late for the eighth, 12 for the sixteenths)
    assert late[2] - quarter == pytest.approx(0.625 * quarter, abs=1e-9)  # the "and" at 62.5% of the beat
    assert late[1] - quarter == pytest.approx(0.625 * quarter / 2, abs=1e-9)  # the sixteenths as an MPC's 16th swing
    assert late[3] - quarter == pytest.approx(quarter / 2 + 0.625 * quarter / 2, abs=1e-9)
    assert listening.onset_seconds(0, 75, 60, seed, "melody") >= 0


def test_only_the_off_beats_are_swung_in_the_audio(tmp_path):
    def start(step, swing):
        piece = {"tokens": [], "key": "C major", "chords": [], "melody": [note(step, 2, 72)]}
        audio, rate, _ = render(piece, tmp_path, f"{step}-{swing}", swing=swing)
        return onset(audio, rate)

    # The same note, so the same humanisation, at 60% and straight: 10% of a quarter later.
    assert start(6, 60) - start(6, 50) == pytest.approx(0.1 * 4 * SIXTEENTH, abs=0.003)
    assert start(4, 60) == pytest.approx(start(4, 50), abs=0.001)
    assert start(4, 50) == pytest.approx(4 * SIXTEENTH, abs=0.02)  # the piano sample's own lead-in


def test_the_piano_roll_is_a_picture_of_the_melody(tmp_path):
    _, _, picture = render(PIECE, tmp_path)
    assert mpimg.imread(picture).shape[:2] == (400, 1000)
    assert picture.stat().st_size < 120_000
    assert melody_pixels(picture) > 500  # six notes of about 15 x 10 px and more


def test_chords_without_a_melody_still_render(tmp_path):
    audio, rate, picture = render(CHORDS_ONLY, tmp_path)
    assert len(audio) / rate >= 2 * 16 * SIXTEENTH
    assert np.sqrt(np.mean(audio[: len(audio) // 2] ** 2)) > 0.02
    assert mpimg.imread(picture).shape[:2] == (400, 1000)
    assert melody_pixels(picture) == 0


def test_nothing_at_all_is_a_silent_bar(tmp_path):
    audio, rate, picture = render({"tokens": [], "key": "", "chords": [], "melody": []}, tmp_path)
    assert len(audio) / rate == pytest.approx(16 * SIXTEENTH + listening.TAIL_SECONDS, abs=0.01)
    assert not audio.any()
    assert picture.exists()


def test_sixteen_bars_render_in_one_piece(tmp_path):
    # 53 seconds: handed to libvorbis in one call, this crashed the process (a stack overflow).
    symbols = ["Dm9", "G13", "Cmaj9", "A7b9"] * 4
    piece = {
        "tokens": [],
        "key": "C major",
        "chords": [chord(16 * bar, 16, s) for bar, s in enumerate(symbols)],
        "melody": [note(16 * bar + 2, 6, 69 + bar % 5) for bar in range(16)],
    }
    audio, rate, _ = render(piece, tmp_path)
    assert len(audio) / rate == pytest.approx(16 * 16 * SIXTEENTH + listening.TAIL_SECONDS, abs=0.01)
    assert np.sqrt(np.mean(audio[-4 * rate : -2 * rate] ** 2)) > 0.01  # sound to the last bar


def test_the_same_piece_gives_the_same_bytes(tmp_path):
    # libsndfile gives every Ogg stream a random serial number; the files are made reproducible.
    render(PIECE, tmp_path / "a")
    render(PIECE, tmp_path / "b")
    for name in ("piece.ogg", "piece.png"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_without_the_piano_samples_the_electric_piano_plays_the_melody_an_octave_up(tmp_path):
    content = tmp_path / "content"
    (content / "samples").mkdir(parents=True)
    (content / "samples" / "epiano").symlink_to(REPO / "content" / "samples" / "epiano")
    instruments = listening.find_instruments(content, node_root=tmp_path)  # no node_modules there
    assert instruments.melody is None and instruments.chords is not None
    audio, rate, _ = render(PIECE, tmp_path, instruments=instruments)
    share, loudest = band_share(audio, rate, 2 * B4, 0.2, 1.5)
    assert loudest == pytest.approx(2 * B4, rel=0.01)
    assert share > 0.01


def test_a_broken_sample_fails_naming_it(tmp_path):
    broken = tmp_path / "content" / "samples" / "epiano" / "C4.ogg"
    broken.parent.mkdir(parents=True)
    broken.write_bytes(b"OggS but not really")
    instruments = listening.find_instruments(tmp_path / "content", node_root=REPO)
    with pytest.raises(BuildError) as error:
        render(CHORDS_ONLY, tmp_path, instruments=instruments)
    assert str(error.value).startswith(f"{broken}: not a readable audio file")
    assert "\n" not in str(error.value)


def test_progression_text_writes_bars_as_the_chord_field_does():
    piece = {"chords": [chord(0, 32, "Dm9"), chord(32, 8, "G7"), chord(40, 8, "C7"), chord(48, 16, "Fmaj7")]}
    assert listening.progression_text(piece) == "Dm9 | Dm9 | G7 C7 | Fmaj7"
    assert listening.progression_text({"chords": [chord(16, 16, "Am7")]}) == "N.C. | Am7"


def test_the_report_shows_three_pieces(tmp_path):
    one_bar = {
        "tokens": [],
        "key": "F major",
        "chords": [chord(0, 8, "Gm9"), chord(8, 8, "C9")],
        "melody": [note(2, 4, 69)],
    }
    pieces = [
        {**one_bar, "progression": "Gm9 C9"},
        {**one_bar, "key": "D minor", "progression": "Gm9 C9"},
        {**one_bar, "key": "C major"},
    ]
    entries = listening.render_listening(pieces, tmp_path / "model")
    assert [e["title"] for e in entries] == [
        "1. Follows Gm9 C9 in F major",
        "2. Follows Gm9 C9 in D minor",
        "3. The model's own chords",
    ]
    assert entries[2] == {
        "title": "3. The model's own chords",
        "audio": "listening-3.ogg",
        "image": "listening-3.png",
        "progression": "Gm9 C9",
        "key": "C major",
        "mix": entries[2]["mix"],
    }
    assert abs(entries[2]["mix"]["melody_minus_chords_lu"]) < 6  # one note against two chords
    for entry in entries:
        assert soundfile.info(tmp_path / "model" / entry["audio"]).duration > 3.2
        assert mpimg.imread(tmp_path / "model" / entry["image"]).shape[:2] == (400, 1000)

    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(REPO / "web_src" / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    html = environment.get_template("report_listening.html").render(meta={"listening": entries})
    assert html.count('<audio controls preload="none"') == 3
    assert 'src="model/listening-2.ogg"' in html and 'src="model/listening-2.png"' in html
    assert 'alt="Piano roll of the melody over Gm9 C9 in D minor"' in html
    assert "3. The model&#39;s own chords" in html
    assert "<audio" not in environment.get_template("report_listening.html").render(meta={})
    assert '{% include "report_listening.html" %}' in (REPO / "web_src" / "templates" / "report.html").read_text()
