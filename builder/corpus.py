"""Stage 1: the MIDI files to token sequences, read in parallel and cached by their bytes.

Two encodings, chosen by `[model] encoding`:

- "leadsheet" (the default): melody over chords; builder/chorales.py reads a chorale's MIDI file
  for it and builder/leadsheet.py has the tokens (builder/leadsheet_files.py adds the lo-fi lead
  sheets to the corpus);
- "timed" (builder/timed.py): the article's pitch names and chord pitch classes as chordified
  slices with their lengths, kept as the article's encoding to compare with.
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

from .chorales import encode_chorale_file
from .errors import ContentError, Problem
from .leadsheet import theory_digest
from .midifile import parse_midi, structure_problem
from .midilimits import too_big
from .output import signals_held
from .theory import END, REST, START
from .timed import base_of, encode_timed

ENCODINGS = ("leadsheet", "timed")
# Bump when the meaning of tokens changes, so that cached models trained on old tokens are retrained.
ENCODING_VERSION = 4


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


def load_corpus(
    midi_dir: Path, encoding: str = "leadsheet", progress: bool = True, cache: Path | None = None
) -> Corpus:
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
        return f"{ENCODING_VERSION}:{theory_digest()}"
    return ENCODING_VERSION


def encode_file(path: Path, encoding: str = "leadsheet") -> list[str]:
    if encoding == "leadsheet":
        return encode_chorale_file(path)
    tokens = encode_timed(parse_midi(path))
    if not any(base_of(t) not in (REST, START, END) for t in tokens):
        raise ContentError(Problem(path, "has no pitched notes (a drums-only or empty MIDI file?)"))
    return tokens
