"""The report's listening section: composed pieces as audio files and piano-roll pictures.

A piece is a composition in the shape lofi.compose resolves to (the Python side returns the same):

    {"tokens": [...], "key": "D minor",
     "chords": [{"step", "length", "symbol", "midis"}], "melody": [{"step", "length", "midi"}]}

with steps and lengths in sixteenths from the start, in 4/4. It may also carry "progression", the chord
field text it was composed to follow (the title says so), and "title".

The audio is played the way the page plays an AI track, with the page's own samples, so the report
sounds like the player: the melody on the acoustic piano, the chord voicing on the electric piano,
softer, and the chord's lowest note as a bass line. Samples are repitched from the nearest one by
resampling, as Tone.Sampler does, and let go with its release; onsets are swung and humanised as the
player does it (builder/groove.py, web_src/js/audio/swing.js), the melody sits over the chords by the
page's own melody level (theory.json's groove.mix). There are no effects (tape, reverb): the report
lets the notes themselves be heard. render_piece also measures the mix on its stems (mix_result).
The bytes are reproducible: the same piece and samples give the same files.
"""

from __future__ import annotations

import io
import json
import math
import re
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from . import groove, loudness, theory
from .errors import BuildError, Problem
from .media import PIANO_PACKAGE, PIANO_RANGE

PROJECT_ROOT = Path(__file__).resolve().parent.parent
RATE = 44100
STEPS_PER_BAR = theory.sixteenths_per_bar(4, 4)
TAIL_SECONDS = 1.5  # after the last bar, for the last notes' release; faded out
FADE_SECONDS = 0.6
PEAK = 10 ** (-1 / 20)  # -1 dBFS
BASS_RANGE = (28, 48)
SAMPLE_SECONDS = 8.0  # of each sample kept: a held bar and the release at 60 bpm; the piano is at -58 dB by then
# Vorbis quality as libsndfile's compression level (0 best, 1 smallest): about 75 kbps for this mono mix.
VORBIS_COMPRESSION = 0.3
WRITE_BLOCK = 1 << 16  # frames handed to the encoder at a time
OGG_SERIAL = 0x6C6F6669  # libsndfile picks a random stream serial; a fixed one keeps builds byte-identical

# Levels in dB and releases in seconds. Tone's SAMPLER_SETTINGS (web_src/js/audio/instruments.js) give the
# piano -4 dB and the electric piano -9 dB, but the electric piano's samples are recorded about 13 dB
# hotter than the piano's (RMS over their first second), so levels are set here by numbers: with the
# page's melody route level at 0 dB (MELODY_BASE_DB) the piano melody's stem sits 6-8 LU under the
# chords', as it did on the page; the page's own melody level (groove.MELODY_DB) lifts it from there,
# here as there (tests/test_swing_browser.py measures the page's stems). The bass sits under the chords.
MELODY_BASE_DB = -12.0
PIANO = {"gain_db": MELODY_BASE_DB + groove.MELODY_DB, "release": 1.4}
EPIANO = {"gain_db": -20.0, "release": 1.0}
EPIANO_MELODY = {"gain_db": MELODY_BASE_DB - 10 + groove.MELODY_DB, "release": 1.0, "octaves": 1}  # no piano samples
SYNTH_MELODY = {"gain_db": MELODY_BASE_DB - 6 + groove.MELODY_DB, "release": 0.6}  # no samples at all
BASS = {"gain_db": -12.0, "release": 0.3}

_SAMPLE_NAME = re.compile(r"^([A-G])(s|#|b)?(\d)(?:v\d+)?$")  # C4, Ds4 (D#4), Eb4; the package's D#4v10


# ---- time ---------------------------------------------------------------------------------------


def onset_seconds(step: int, bpm: float, swing: float, seed: int, voice: str) -> float:
    """When the page plays a note at `step` of `voice`: its swung tick (builder/groove.py), then its
    humanisation, in seconds from the start (never before it)."""
    seconds = groove.swung_ticks(step, swing) * 60.0 / bpm / groove.TONE_PPQ
    return max(0.0, seconds + groove.humanise(seed, voice, step)["seconds"])


def piece_steps(piece: dict) -> int:
    """The piece's length in sixteenths: whole bars, covering every chord and note (one bar at least)."""
    ends = [e["step"] + e["length"] for e in [*piece.get("chords", []), *piece.get("melody", [])]]
    return max(1, math.ceil(max(ends, default=0) / STEPS_PER_BAR)) * STEPS_PER_BAR


# ---- instruments --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sampled:
    """An instrument of one-shot samples, one file per note (content/samples/INSTRUMENT/, the piano
    package): a note plays the nearest sample, resampled to its pitch."""

    files: tuple[tuple[int, Path], ...]  # (midi, file), by midi

    def nearest(self, midi: int) -> tuple[int, Path]:
        # Tone.Sampler looks up first, then down, so a tie goes to the sample above.
        return min(self.files, key=lambda entry: (abs(entry[0] - midi), -entry[0]))


@dataclass(frozen=True)
class Instruments:
    melody: Sampled | None  # the piano; None: the electric piano plays the melody an octave up
    chords: Sampled | None  # the electric piano; None: the triangle synth plays the chords

    @property
    def description(self) -> dict:
        return {
            "melody": "piano" if self.melody else "electric piano, an octave up" if self.chords else "synth",
            "chords": "electric piano" if self.chords else "synth",
            "bass": "synth",
        }


def find_instruments(content: Path = PROJECT_ROOT / "content", node_root: Path = PROJECT_ROOT) -> Instruments:
    """The page's samples: content/samples/epiano/, and the piano from content/samples/piano/ or the npm
    package builder/media.py copies it from (in the same range). They are decoded when first played."""
    piano_dir = content / "samples" / "piano"
    piano = _sampled(piano_dir) if piano_dir.is_dir() else _sampled(node_root / PIANO_PACKAGE, PIANO_RANGE)
    return Instruments(melody=piano, chords=_sampled(content / "samples" / "epiano"))


def _sampled(folder: Path, midi_range: tuple[int, int] = (0, 127)) -> Sampled | None:
    files = []
    for path in sorted(folder.glob("*")) if folder.is_dir() else []:
        match = _SAMPLE_NAME.match(path.stem)
        if not match or path.suffix.lower() not in (".ogg", ".mp3", ".flac", ".wav"):
            continue
        letter, accidental, octave = match.groups()
        midi = theory.note_name_to_midi(letter + {"s": "#", None: ""}.get(accidental, accidental) + octave)
        if midi is not None and midi_range[0] <= midi <= midi_range[1]:
            files.append((midi, path))
    return Sampled(tuple(sorted(files))) if files else None


@lru_cache(maxsize=64)
def _decode(path: Path) -> tuple[np.ndarray, int]:
    """A sample's first SAMPLE_SECONDS as mono float32, and its rate."""
    import soundfile

    try:
        with soundfile.SoundFile(path) as sound:
            data = sound.read(
                min(sound.frames, int(SAMPLE_SECONDS * sound.samplerate)), dtype="float32", always_2d=True
            )
            rate = sound.samplerate
    except Exception as error:  # libsndfile's messages name the reason ("unknown format"...)
        raise BuildError(Problem(path, f"not a readable audio file ({error})")) from None
    if len(data) < 2:
        raise BuildError(Problem(path, "the audio file is empty"))
    return data.mean(axis=1), rate


def _release(length: int, held: int, release: float) -> np.ndarray:
    """1 while the note is held, then an exponential fall to -60 dB over `release` seconds."""
    envelope = np.ones(length)
    after = np.arange(max(0, length - held)) / RATE
    envelope[held:] = 0.001 ** (after / release)
    return envelope


def _sampled_note(instrument: Sampled, midi: int, seconds: float, release: float) -> np.ndarray:
    sample_midi, path = instrument.nearest(midi)
    data, rate = _decode(path)
    step = 2 ** ((midi - sample_midi) / 12) * rate / RATE  # playbackRate, as Tone.Sampler repitches
    length = min(int((seconds + release) * RATE), int((len(data) - 1) / step))
    sound = np.interp(np.arange(length) * step, np.arange(len(data)), data)
    return sound * _release(length, int(seconds * RATE), release)


def _synth_note(midi: int, seconds: float, release: float) -> np.ndarray:
    """A soft triangle (its first odd harmonics) with a fast decay to a low sustain: the bass, and
    anything that has no samples."""
    length = int((seconds + release) * RATE)
    t = np.arange(length) / RATE
    frequency = 440.0 * 2 ** ((midi - 69) / 12)
    tone = np.zeros(length)
    for harmonic, sign in ((1, 1), (3, -1), (5, 1)):
        if harmonic * frequency < RATE / 2:
            # the upper harmonics fade faster: the pluck darkens, like the page's filtered MonoSynth
            tone += sign / harmonic**2 * np.sin(2 * np.pi * harmonic * frequency * t) * np.exp(-t * harmonic)
    attack = np.minimum(1.0, t / 0.005)
    decay = 0.45 + 0.55 * np.exp(-t / 0.18)
    return tone * attack * decay * _release(length, int(seconds * RATE), release)


# ---- rendering ----------------------------------------------------------------------------------


def bass_note(midis: list[int]) -> int | None:
    """The chord's lowest note moved by octaves into the bass range."""
    if not midis:
        return None
    note = min(midis)
    while note > BASS_RANGE[1]:
        note -= 12
    while note < BASS_RANGE[0]:
        note += 12
    return note


def render_layers(
    piece: dict, bpm: float = 75, swing: float = groove.DEFAULT_SWING, instruments: Instruments | None = None
) -> dict[str, np.ndarray]:
    """The melody, chords and bass as three mono tracks of the same length, at their mix levels
    (before the mix is normalised), swung and humanised as the page plays them."""
    instruments = instruments or find_instruments()
    seconds_per_step = 60.0 / bpm / theory.SIXTEENTHS_PER_QUARTER
    total = int((piece_steps(piece) * seconds_per_step + TAIL_SECONDS) * RATE)
    layers = {name: np.zeros(total) for name in ("melody", "chords", "bass")}
    # The humanisation's seed: the same every time for the same piece.
    seed = zlib.crc32(json.dumps(piece.get("melody", []), sort_keys=True).encode())

    def nudge(velocity: float, voice: str, step: int) -> float:
        return groove.human_velocity(velocity, groove.humanise(seed, voice, step))

    def add(layer: str, sound: np.ndarray, step: int, gain: float) -> None:
        start = int(round(onset_seconds(step, bpm, swing, seed, layer) * RATE))
        sound = sound[: max(0, total - start)]
        layers[layer][start : start + len(sound)] += gain * sound

    for note in piece.get("melody", []):
        step, seconds = note["step"], note["length"] * seconds_per_step
        accent = 0.06 if step % (STEPS_PER_BAR // 2) == 0 else -0.06 if step % theory.SIXTEENTHS_PER_QUARTER else 0
        velocity = nudge(0.78 + accent, "melody", step)
        if instruments.melody:
            settings, sound = PIANO, _sampled_note(instruments.melody, note["midi"], seconds, PIANO["release"])
        elif instruments.chords:
            midi = note["midi"] + 12 * EPIANO_MELODY["octaves"]
            settings = EPIANO_MELODY
            sound = _sampled_note(instruments.chords, midi, seconds, EPIANO_MELODY["release"])
        else:
            settings, sound = SYNTH_MELODY, _synth_note(note["midi"], seconds, SYNTH_MELODY["release"])
        add("melody", sound, step, velocity * 10 ** (settings["gain_db"] / 20))

    for chord in piece.get("chords", []):
        midis = list(chord.get("midis") or [])
        bass = bass_note(midis)
        if bass is None:
            continue  # N.C.
        step, seconds = chord["step"], chord["length"] * seconds_per_step
        velocity = nudge(0.62, "chords", step)
        for midi in sorted(set(midis) - {bass}):
            if instruments.chords:
                sound = _sampled_note(instruments.chords, midi, seconds, EPIANO["release"])
            else:
                sound = _synth_note(midi, seconds, EPIANO["release"])
            add("chords", sound, step, velocity * 10 ** (EPIANO["gain_db"] / 20))
        add("bass", _synth_note(bass, seconds, BASS["release"]), step, 0.8 * 10 ** (BASS["gain_db"] / 20))
    return layers


def mix(layers: dict[str, np.ndarray]) -> np.ndarray:
    """The layers summed, peak-normalised to -1 dBFS, with a short fade out at the end."""
    audio = sum(layers.values())
    peak = float(np.max(np.abs(audio))) if len(audio) else 0.0
    if peak > 0:
        audio = audio * (PEAK / peak)
    fade = min(len(audio), int(FADE_SECONDS * RATE))
    if fade:
        audio[-fade:] *= np.linspace(1.0, 0.0, fade) ** 2
    return audio


def write_ogg(audio: np.ndarray, path: Path) -> None:
    """OGG/Vorbis, mono, with a fixed stream serial (reproducible bytes)."""
    import soundfile

    buffer = io.BytesIO()
    with soundfile.SoundFile(
        buffer, "w", RATE, 1, subtype="VORBIS", format="OGG", compression_level=VORBIS_COMPRESSION
    ) as encoder:
        # In blocks: libvorbis takes a stack buffer the size of what one write hands it, and a
        # piece of a minute or so in one call crashes the process (libsndfile issue 1095).
        for start in range(0, len(audio), WRITE_BLOCK):
            encoder.write(audio[start : start + WRITE_BLOCK].astype(np.float32))
    path.write_bytes(_with_serial(buffer.getvalue(), OGG_SERIAL))


def _with_serial(data: bytes, serial: int) -> bytes:
    """The Ogg stream with every page's serial number replaced and its checksum recomputed."""
    out = bytearray(data)
    at = 0
    while at < len(out):
        if out[at : at + 4] != b"OggS":
            raise ValueError(f"not an Ogg page at byte {at}")
        segments = out[at + 26]
        size = 27 + segments + sum(out[at + 27 : at + 27 + segments])
        out[at + 14 : at + 18] = serial.to_bytes(4, "little")
        out[at + 22 : at + 26] = bytes(4)
        out[at + 22 : at + 26] = _ogg_crc(bytes(out[at : at + size])).to_bytes(4, "little")
        at += size
    return bytes(out)


@lru_cache(maxsize=1)
def _crc_table() -> tuple[int, ...]:
    table = []
    for byte in range(256):
        crc = byte << 24
        for _ in range(8):
            crc = ((crc << 1) ^ 0x04C11DB7) & 0xFFFFFFFF if crc & 0x80000000 else (crc << 1) & 0xFFFFFFFF
        table.append(crc)
    return tuple(table)


def _ogg_crc(page: bytes) -> int:
    """Ogg's page checksum: CRC-32, polynomial 0x04C11DB7, not reflected, starting from 0."""
    table, crc = _crc_table(), 0
    for byte in page:
        crc = ((crc << 8) & 0xFFFFFFFF) ^ table[(crc >> 24) ^ byte]
    return crc


# ---- the piano roll -----------------------------------------------------------------------------

# The page's palette (web_src/css/style.css), so the pictures sit in the report.
_BACKGROUND, _PANEL, _TEXT, _MUTED = "#211a30", "#1b1528", "#eee4d6", "#b5a9a0"
_MELODY, _MELODY_EDGE, _CHORD_TONE = "#ffb782", "#7a4a2a", "#bea0ff"


def draw_piano_roll(piece: dict, path: Path) -> None:
    """A 1000 x 400 PNG: the melody as bars on a pitch/time grid with bar lines, the chord tones shaded
    faintly behind it (the bass note's pitch class stronger) and the chord symbols in a row below."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot
    from matplotlib.patches import Rectangle

    total = piece_steps(piece)
    melody, chords = piece.get("melody", []), piece.get("chords", [])
    low, high = _pitch_range(melody, chords)

    figure = pyplot.figure(figsize=(10, 4), dpi=100, facecolor=_BACKGROUND)
    grid = figure.add_gridspec(2, 1, height_ratios=[5.2, 1], hspace=0.0, left=0.055, right=0.99, top=0.97, bottom=0.1)
    roll = figure.add_subplot(grid[0])
    names = figure.add_subplot(grid[1], sharex=roll)
    for axes in (roll, names):
        axes.set_facecolor(_PANEL)
        for spine in axes.spines.values():
            spine.set_color(_MUTED)
            spine.set_alpha(0.4)
        axes.tick_params(colors=_MUTED, labelsize=11, length=0)

    for chord in chords:
        midis = chord.get("midis") or []
        bass = bass_note(midis)
        for pc in {m % 12 for m in midis}:
            for row in range(low, high + 1):
                if row % 12 == pc:
                    alpha = 0.34 if bass is not None and pc == bass % 12 else 0.17
                    roll.add_patch(
                        Rectangle(
                            (chord["step"], row - 0.45),
                            chord["length"],
                            0.9,
                            color=_CHORD_TONE,
                            alpha=alpha,
                            linewidth=0,
                        )
                    )
    for row in range(low, high + 1):
        if row % 12 == 0:
            roll.axhline(row - 0.5, color=_MUTED, alpha=0.25, linewidth=0.6)
    for step in range(0, total + 1, theory.SIXTEENTHS_PER_QUARTER):
        bar_line = step % STEPS_PER_BAR == 0
        for axes in (roll, names) if bar_line else (roll,):
            axes.axvline(step, color=_TEXT, alpha=0.45 if bar_line else 0.1, linewidth=1.2 if bar_line else 0.6)
    for note in melody:
        roll.add_patch(
            Rectangle(
                (note["step"] + 0.08, note["midi"] - 0.42),
                note["length"] - 0.16,
                0.84,
                facecolor=_MELODY,
                edgecolor=_MELODY_EDGE,
                linewidth=0.8,
            )
        )

    roll.set_xlim(0, total)
    roll.set_ylim(low - 0.5, high + 0.5)
    labelled = [row for row in range(low, high + 1) if row % 12 in (0, 7)]  # the Cs and Gs
    roll.set_yticks(labelled)
    roll.set_yticklabels([theory.midi_to_note_name(row) for row in labelled])
    roll.tick_params(labelbottom=False)

    width_px = figure.get_figwidth() * figure.dpi * (0.99 - 0.055)
    shortest = min((c["length"] for c in chords), default=STEPS_PER_BAR) * width_px / total
    size = 13 if shortest >= 80 else 11 if shortest >= 55 else 9
    for chord in chords:
        names.text(
            chord["step"] + 0.4,
            0.5,
            chord.get("symbol", ""),
            color=_TEXT,
            fontsize=size,
            ha="left",
            va="center",
            clip_on=True,
        )
    names.set_ylim(0, 1)
    names.set_yticks([])
    bar_count = total // STEPS_PER_BAR
    names.set_xticks([STEPS_PER_BAR * (bar + 0.5) for bar in range(bar_count)])
    names.set_xticklabels([str(bar + 1) for bar in range(bar_count)])

    figure.savefig(path, format="png", dpi=100, facecolor=_BACKGROUND, metadata={"Software": None})
    pyplot.close(figure)


def _pitch_range(melody: list[dict], chords: list[dict]) -> tuple[int, int]:
    """The rows shown: the melody's range with a little room, at least 14 semitones; the chords'
    upper voicing when there is no melody."""
    midis = [n["midi"] for n in melody] or [m for c in chords for m in c.get("midis") or [] if m > BASS_RANGE[1]]
    low, high = (min(midis) - 2, max(midis) + 2) if midis else (58, 74)
    while high - low < 14:
        low, high = low - 1, high + 1
    return max(0, low), min(127, high)


# ---- the section --------------------------------------------------------------------------------


def progression_text(piece: dict) -> str:
    """The chords as the chord field writes them: bars split by '|', a chord held over a bar line
    written again in the next bar (as the lead sheets do)."""
    bars: list[list[str]] = [[] for _ in range(piece_steps(piece) // STEPS_PER_BAR)]
    for chord in piece.get("chords", []):
        first = chord["step"] // STEPS_PER_BAR
        last = (chord["step"] + chord["length"] - 1) // STEPS_PER_BAR
        for bar in range(first, last + 1):
            bars[bar].append(chord.get("symbol", ""))
    return " | ".join(" ".join(symbols) or theory.chord_symbol(None, None) for symbols in bars)


def render_piece(
    piece: dict,
    out_audio: Path,
    out_image: Path,
    bpm: float = 75,
    swing: float = groove.DEFAULT_SWING,
    instruments: Instruments | None = None,
) -> dict:
    """Writes the piece's OGG and piano-roll PNG; returns {"seconds", "instruments" (what played what),
    "mix" (mix_result of its stems)}."""
    instruments = instruments or find_instruments()
    layers = render_layers(piece, bpm, swing, instruments)
    measured = mix_result(layers)
    audio = mix(layers)
    write_ogg(audio, Path(out_audio))
    draw_piano_roll(piece, Path(out_image))
    return {"seconds": round(len(audio) / RATE, 3), "instruments": instruments.description, "mix": measured}


def mix_result(layers: dict[str, np.ndarray]) -> dict:
    """The melody against its chords, measured on the render's stems before the mix is normalised:
    {"melody_lufs", "chords_lufs", "melody_minus_chords_lu"} (BS.1770 integrated loudness; a stem
    that is silent reads loudness.SILENCE)."""
    melody = loudness.integrated_lufs(layers["melody"], RATE)
    chords = loudness.integrated_lufs(layers["chords"], RATE)
    return {
        "melody_lufs": round(melody, 2),
        "chords_lufs": round(chords, 2),
        "melody_minus_chords_lu": round(melody - chords, 2),
    }


def mix_summary(entries: list[dict]) -> dict:
    """The pieces' mix results (render_listening's entries) averaged, in the same keys; {} for none."""
    measured = [entry["mix"] for entry in entries if entry.get("mix")]
    if not measured:
        return {}
    return {key: round(float(np.mean([m[key] for m in measured])), 2) for key in measured[0]}


def render_listening(
    pieces: list[dict],
    out_dir: Path,
    bpm: float = 75,
    swing: float = groove.DEFAULT_SWING,
    instruments: Instruments | None = None,
) -> list[dict]:
    """Writes listening-N.ogg and listening-N.png into `out_dir` for each piece; returns what the
    report's template shows: [{"title", "audio", "image", "progression", "key", "mix"}], file names
    relative to `out_dir`, "mix" the piece's mix_result (mix_summary averages them)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    instruments = instruments or find_instruments()
    entries = []
    for number, piece in enumerate(pieces, start=1):
        audio, image = f"listening-{number}.ogg", f"listening-{number}.png"
        rendered = render_piece(piece, out_dir / audio, out_dir / image, bpm, swing, instruments)
        progression, key = progression_text(piece), piece.get("key") or ""
        if piece.get("title"):
            title = f"{number}. {piece['title']}"
        elif piece.get("progression"):
            title = f"{number}. Follows {piece['progression']}" + (f" in {key}" if key else "")
        else:
            title = f"{number}. The model's own chords"
        entries.append(
            {
                "title": title,
                "audio": audio,
                "image": image,
                "progression": progression,
                "key": key,
                "mix": rendered["mix"],
            }
        )
    return entries
