"""Stage 1: MIDI files to token sequences, with music21.

Three encodings, chosen by `[model] encoding`:

- "leadsheet" (the default): melody over chords, read from the lo-fi lead sheets and the MIDI files
  (builder/leadsheet.py has the encoding; this module reads the MIDI files for it, in parallel and
  cached, as for the others).

- "seed", the article's: a note is its pitch name with octave ("E4"), a chord the dot-joined normal
  order of its pitch classes ("0.4.7"), a rest "r". A rest here means a stretch of at least a
  sixteenth in which nothing sounds, so that the rests of one part do not break up the notes of
  another. No timing: the player draws durations from the article's distribution.
- "timed", the article's future work done: the score is cut into vertical slices
  (music21's chordify), each slice a token of the same forms plus its length in sixteenths
  ("0.4.7:4", "E4:2", "r:1"; capped at a whole note), and every piece is framed by "<s>" and "</s>",
  so the model learns rhythm, and how pieces begin and end.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import signal
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from . import theory
from .errors import ContentError, Problem
from .midilimits import too_big, too_much
from .output import signals_held

REST = "r"
START, END = "<s>", "</s>"
ENCODINGS = ("leadsheet", "timed", "seed")
# Bump when the meaning of tokens changes, so that cached models trained on old tokens are retrained.
ENCODING_VERSION = 4
SIXTEENTH = 0.25  # in quarter lengths
LONGEST = 16  # sixteenths: longer slices are cut to a whole note, so rare long values do not bloat the vocabulary


@dataclass
class Piece:
    path: str  # relative to the MIDI folder, with forward slashes
    tokens: list[str]
    lofi: bool = False  # from the lo-fi lead-sheet collection, which training oversamples


@dataclass
class Corpus:
    pieces: list[Piece] = field(default_factory=list)

    @property
    def vocabulary(self) -> list[str]:
        return build_vocabulary(t for piece in self.pieces for t in piece.tokens)

    def stats(self) -> dict[str, int]:
        return {
            "files": len(self.pieces),
            "lofi_files": sum(p.lofi for p in self.pieces),
            "tokens": sum(len(p.tokens) for p in self.pieces),
            "vocabulary": len(self.vocabulary),
        }


def build_vocabulary(tokens) -> list[str]:
    """A stable order: the frame and rest tokens first, then the rest sorted, so ids never depend on file order."""
    distinct = set(tokens)
    first = [t for t in (START, END, REST) if t in distinct]
    return first + sorted(distinct - set(first))


def find_midi_files(midi_dir: Path) -> list[Path]:
    if not midi_dir.is_dir():
        return []
    files = [p for p in midi_dir.rglob("*") if p.is_file() and p.suffix.lower() in (".mid", ".midi")]
    return sorted(files, key=lambda p: p.relative_to(midi_dir).as_posix())


def fingerprint_files(midi_dir: Path) -> str:
    """A digest of every MIDI file's relative path and bytes: it changes when the corpus does."""
    digest = hashlib.sha256()
    for path in find_midi_files(midi_dir):
        digest.update(path.relative_to(midi_dir).as_posix().encode())
        with path.open("rb") as file:  # in blocks: a huge file must not be loaded whole just to be refused
            digest.update(hashlib.file_digest(file, "sha256").digest())
    return digest.hexdigest()


def load_corpus(midi_dir: Path, encoding: str = "seed", progress: bool = True, cache: Path | None = None) -> Corpus:
    """Encode every MIDI file under `midi_dir`; raise ContentError listing every bad file.

    Files are parsed in parallel (music21 is slow on big scores), and, given a `cache` file, each
    file's tokens are kept by the digest of its bytes, so changing only the model settings does not
    parse the corpus again.
    """
    if encoding not in ENCODINGS:
        raise ContentError(Problem(midi_dir, f"unknown encoding '{encoding}'; known: {', '.join(ENCODINGS)}"))
    files = find_midi_files(midi_dir)
    if not files:
        raise ContentError(Problem(midi_dir, "no MIDI files (*.mid) to train on"))
    # Every file's structure is checked before any is parsed: a broken file is reported in seconds,
    # not after minutes of music21 parsing the good ones.
    digests, broken = {}, []
    for path in files:
        big = too_big(path.stat().st_size)  # before reading it: a huge file is refused, not loaded
        if big:
            broken.append(Problem(path, f"refused: {big}"))
            continue
        data = path.read_bytes()
        digests[path] = hashlib.sha256(data).hexdigest()
        problem = structure_problem(path, data)
        if problem:
            broken.append(problem)
    if broken:
        raise ContentError(broken)
    known = _read_cache(cache, encoding)
    todo = [path for path in files if digests[path] not in known]
    results: dict[Path, list[str] | ContentError] = {p: known[digests[p]] for p in files if p not in todo}
    bar = tqdm(
        total=len(files),
        initial=len(files) - len(todo),
        desc="Reading MIDI",
        unit="file",
        disable=not progress,
        leave=False,
    )
    try:
        _encode_all(todo, encoding, results, bar)
    except BaseException:
        # Ctrl-C or SIGTERM: what was parsed is kept for the next build, then the stop goes on.
        with signals_held():
            bar.close()
            parsed = {digests[p]: r for p, r in results.items() if not isinstance(r, ContentError)}
            _write_cache(cache, encoding, {**known, **parsed})
        raise
    bar.close()

    corpus, problems = Corpus(), []
    for path in files:
        result = results[path]
        if isinstance(result, ContentError):
            problems.extend(result.problems)
        else:
            corpus.pieces.append(Piece(path.relative_to(midi_dir).as_posix(), result))
            known[digests[path]] = result
    _write_cache(cache, encoding, {digests[p]: known[digests[p]] for p in files if digests[p] in known})
    if problems:
        raise ContentError(problems)
    return corpus


def _encode_all(todo: list[Path], encoding: str, results: dict, bar) -> None:
    """Encode `todo` into `results`, in worker processes when there are several files and cores.

    A stop (Ctrl-C, SIGTERM) must end the build within seconds: the workers ignore SIGINT (a
    terminal sends it to them too, and each would print a traceback), and on a stop the parent
    cancels what is queued and terminates them instead of waiting for every file to finish.
    """
    workers = min(len(todo), os.cpu_count() or 1)
    if workers <= 1:
        for path in todo:
            results[path] = _encode_or_problem(path, encoding)
            bar.update()
        return
    # "spawn": forking a process that has already imported TensorFlow (as tests do) can hang.
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"), initializer=_ignore_interrupts)
    try:
        # The workers start as the files are submitted; with the stop signals held meanwhile, they
        # start with them blocked (a signal mask outlives exec), so a Ctrl-C before their initializer
        # ran does not end them in tracebacks: it reaches the parent once the submissions are done.
        with signals_held():
            futures = {pool.submit(_encode_or_problem, path, encoding): path for path in todo}
        for future in as_completed(futures):
            results[futures[future]] = future.result()
            bar.update()
    except BaseException:
        with signals_held():
            _stop_workers(pool)
        raise
    pool.shutdown()


def _ignore_interrupts() -> None:
    """In each worker: Ctrl-C is the parent's to handle; SIGTERM (the parent's terminate) must work,
    so the signals held while the worker started are let through again."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM, signal.SIGHUP})


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Cancel the queued files and end the workers now (shutdown alone waits for the running ones)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())  # 3.11 has no public way to them
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(timeout=5)
        if process.is_alive():
            process.kill()


def _encode_or_problem(path: Path, encoding: str):
    try:
        return encode_file(path, encoding)
    except ContentError as error:
        return error


def _read_cache(cache: Path | None, encoding: str) -> dict[str, list[str]]:
    try:
        data = json.loads(cache.read_text()) if cache else {}
    except (OSError, ValueError, RecursionError):
        return {}
    if not isinstance(data, dict) or not isinstance(data.get("files"), dict):
        return {}  # a damaged cache only costs a parse, never the build
    if data.get("encoding") != encoding or data.get("version") != cache_version(encoding):
        return {}
    return data.get("files", {})


def _write_cache(cache: Path | None, encoding: str, files: dict[str, list[str]]) -> None:
    if cache is None:
        return
    text = json.dumps({"encoding": encoding, "version": cache_version(encoding), "files": files})
    write_whole(cache, text)


def write_whole(path: Path, text: str) -> None:
    """Write `path` through a temporary file and a rename: a stop mid-write leaves the old file, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        partial.write_text(text)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def cache_version(encoding: str) -> str | int:
    """What cached tokens depend on besides the file: lead-sheet tokens also on theory.json."""
    if encoding == "leadsheet":
        from .leadsheet import theory_digest

        return f"{ENCODING_VERSION}:{theory_digest()}"
    return ENCODING_VERSION


def encode_file(path: Path, encoding: str = "seed") -> list[str]:
    if encoding == "leadsheet":
        from .leadsheet import encode_chorale_file

        return encode_chorale_file(path)
    score = parse_midi(path)
    tokens = encode_timed(score) if encoding == "timed" else encode_score(score)
    if not any(base_of(t) not in (REST, START, END) for t in tokens):
        raise ContentError(Problem(path, "has no pitched notes (a drums-only or empty MIDI file?)"))
    return tokens


def parse_midi(path: Path):
    """Read a MIDI file with music21, quantised to the sixteenth grid."""
    from music21 import midi

    data = path.read_bytes()
    problem = structure_problem(path, data)
    if problem:
        raise ContentError(problem)
    try:
        midi_file = midi.MidiFile()
        midi_file.readstr(data)
        return midi.translate.midiFileToStream(midi_file, quarterLengthDivisors=(4,))
    except Exception as error:  # music21 raises many kinds on corrupt input; all mean "unreadable"
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ContentError(Problem(path, f"cannot read MIDI: {reason}")) from None


def structure_problem(path: Path, data: bytes) -> Problem | None:
    """A MIDI file's structural problem, as reported, or None: cheap, no parsing."""
    problem = check_midi_structure(data)
    if problem:
        return Problem(path, f"cannot read: {problem}")
    excess = too_big(len(data)) or too_much(data)
    return Problem(path, f"refused: {excess}") if excess else None


def check_midi_structure(data: bytes) -> str | None:
    """What is wrong with a MIDI file's chunk structure, in words, or None.

    music21's own messages for these cases ("badly formed midi string") do not say what is wrong.
    """
    if not data:
        return "an empty file"
    if not data.startswith(b"MThd"):
        return "not a MIDI file (no 'MThd' header)"
    if len(data) < 14:
        return "truncated: the MIDI header is cut short"
    midi_format, tracks = int.from_bytes(data[8:10], "big"), int.from_bytes(data[10:12], "big")
    if midi_format == 2:
        return "a type-2 MIDI file (independent sequences); save it as type 0 or 1"
    if midi_format not in (0, 1):
        return f"unknown MIDI format {midi_format}"
    position = 8 + int.from_bytes(data[4:8], "big")
    for track in range(1, tracks + 1):
        if position + 8 > len(data):
            return f"truncated: the header announces {tracks} tracks, the file ends before track {track}"
        if data[position : position + 4] != b"MTrk":
            return f"track {track} does not start with 'MTrk' (byte {position})"
        length = int.from_bytes(data[position + 4 : position + 8], "big")
        if position + 8 + length > len(data):
            return f"truncated: track {track} declares {length} bytes, only {len(data) - position - 8} remain"
        position += 8 + length
    return None


def encode_score(score) -> list[str]:
    """Notes and chords in time order; "r" where a gap of silence of a sixteenth or more opens."""
    from music21 import chord, note

    events = [e for e in score.flatten().notes if isinstance(e, (note.Note, chord.Chord))]
    events.sort(key=lambda e: (float(e.offset), _pitch_order(e)))
    tokens: list[str] = []
    sounding_until = None
    for element in events:
        start = float(element.offset)
        if sounding_until is not None and start - sounding_until >= SIXTEENTH:
            tokens.append(REST)
        tokens.append(encode_element(element))
        end = start + float(element.duration.quarterLength)
        sounding_until = end if sounding_until is None else max(sounding_until, end)
    return tokens


def encode_timed(score) -> list[str]:
    """Chordified slices with their lengths, framed by start and end tokens.

    Rests at the very start and end are dropped (pickups and trailing silence say nothing about the
    music), and neighbouring rests are merged.
    """
    from music21 import chord

    slices = []  # (base token, sixteenths)
    for element in score.chordify().flatten().notesAndRests:
        length = max(1, round(float(element.quarterLength) / SIXTEENTH))
        if isinstance(element, chord.Chord) and element.pitches:
            slices.append((encode_element(element), length))
        elif slices and slices[-1][0] == REST:
            slices[-1] = (REST, slices[-1][1] + length)
        else:
            slices.append((REST, length))
    while slices and slices[-1][0] == REST:
        slices.pop()
    while slices and slices[0][0] == REST:
        slices.pop(0)
    return [START] + [f"{base}:{min(length, LONGEST)}" for base, length in slices] + [END]


def base_of(token: str) -> str:
    """'0.4.7:4' -> '0.4.7'; seed tokens have no length."""
    return token.split(":", 1)[0]


def transpose_token(token: str, semitones: int) -> str:
    """The same event `semitones` higher: notes move, chords keep their shape, rests stay."""
    base, _, length = token.partition(":")
    if base in (REST, START, END):
        return token
    moved = _transpose_base(base, semitones)
    return f"{moved}:{length}" if length else moved


_TRANSPOSED: dict[tuple[str, int], str] = {}


def _transpose_normal_order(order: list[int], semitones: int) -> list[int]:
    """A normal order depends only on its intervals, so moving every pitch class keeps it one,
    except that a symmetrical set (an augmented triad, a tritone) has several equally good
    rotations, of which music21 names the one starting lowest: choose as it does."""
    moved = [(pc + semitones) % 12 for pc in order]
    shape = _intervals(moved)
    rotations = [moved[i:] + moved[:i] for i in range(len(moved))]
    return min((r for r in rotations if _intervals(r) == shape), key=lambda r: r[0])


def _intervals(order: list[int]) -> list[int]:
    return [(b - a) % 12 for a, b in zip(order, order[1:])]


def _transpose_base(base: str, semitones: int) -> str:
    key = (base, semitones)
    if key not in _TRANSPOSED:
        if "." in base or base.isdigit():
            _TRANSPOSED[key] = ".".join(
                map(str, _transpose_normal_order([int(pc) for pc in base.split(".")], semitones))
            )
        else:
            from music21 import pitch

            moved = pitch.Pitch(base).transpose(semitones)
            _TRANSPOSED[key] = moved.simplifyEnharmonic(mostCommon=True).nameWithOctave
    return _TRANSPOSED[key]


def pitch_classes(base: str) -> list[int]:
    if base in (REST, START, END):
        return []
    if "." in base or base.isdigit():
        return [int(pc) for pc in base.split(".")]
    midi = theory.note_name_to_midi(base)
    if midi is None:
        raise ValueError(f"not a token base: {base!r}")
    return [midi % 12]


def key_shift(tokens: list[str]) -> int:
    """Semitones (-6..5) that move the piece's estimated key to C major or A minor.

    The key is estimated (builder/theory.py estimate_key, the page's too) from the duration-weighted
    pitch-class histogram of the tokens.
    """
    histogram = [0] * 12
    for token in tokens:
        base, _, length = token.partition(":")
        for pc in pitch_classes(base):
            histogram[pc] += int(length) if length else 1
    return theory.key_shift_to_c(*theory.estimate_key(histogram))


def encode_element(element) -> str:
    from music21 import chord

    if isinstance(element, chord.Chord):
        pitch_classes = element.normalOrder
        if len(set(pitch_classes)) == 1:  # octaves only: a single pitch for our purposes
            return element.pitches[0].nameWithOctave
        return ".".join(str(pc) for pc in pitch_classes)
    return element.pitch.nameWithOctave


def _pitch_order(element) -> int:
    from music21 import chord

    return min(p.midi for p in element.pitches) if isinstance(element, chord.Chord) else element.pitch.midi
