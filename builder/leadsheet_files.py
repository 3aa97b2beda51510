"""The lo-fi lead sheets (content/leadsheets/*.toml, in the songs' format) read as `LeadSheet`s and
tokens, and the whole lead-sheet corpus: those lead sheets and the chorales' MIDI files.

builder/songs.py reads and checks a lead sheet; its chord part's symbols are read here with
builder/theory.py. The songs' chord syntax also reads a progression typed as text.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from . import theory
from .corpus import Corpus, Piece, cache_version, find_midi_files, load_corpus, write_whole
from .errors import ContentError, Problem
from .leadsheet import ChordSpan, LeadSheet, Note, encode

LEADSHEET_SUFFIX = ".toml"
MELODY_PART = "melody"  # the melody part's name when a lead sheet has several note parts


def find_leadsheets(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*" + LEADSHEET_SUFFIX) if p.is_file())


def read_leadsheet(path: Path) -> tuple[LeadSheet | None, list[Problem]]:
    """A lead sheet checked by the song reader; every chord symbol theory cannot read is a problem
    naming its bar."""
    from .songs import encode_song

    song, problems = encode_song(path)
    if song is None:
        return None, problems
    per_bar = theory.sixteenths_per_bar(*song["timeSignature"])
    chord_parts = [p for p in song["parts"] if any("symbol" in e for e in p["events"])]
    note_parts = [p for p in song["parts"] if p not in chord_parts]
    melody_part = next((p for p in note_parts if p["name"] == MELODY_PART), note_parts[0] if note_parts else None)
    if len(chord_parts) != 1 or melody_part is None:
        return None, [
            Problem(
                path,
                "a lead sheet needs one part with 'chords' and a melody part with 'notes' "
                f"(named '{MELODY_PART}' when there are several)",
            )
        ]
    chords = []
    for event in chord_parts[0]["events"]:
        start = theory.transport_to_sixteenths(event["time"], per_bar)
        chord = theory.parse_chord_symbol(event["symbol"])
        if chord is None:
            problems.append(
                Problem(
                    path,
                    f"unknown chord symbol '{event['symbol']}'",
                    f"part '{chord_parts[0]['name']}', {theory.describe_position(start, per_bar)}",
                )
            )
            continue
        length = theory.transport_to_sixteenths(event["duration"], per_bar)
        chords.append(ChordSpan(start, length, theory.chord_token(chord.root, chord.family), event["symbol"]))
    melody = []
    for event in melody_part["events"]:
        midi = theory.note_name_to_midi(event["notes"][-1])  # the top note, should a melody hold a chord
        start = theory.transport_to_sixteenths(event["time"], per_bar)
        melody.append(Note(start, theory.transport_to_sixteenths(event["duration"], per_bar), midi))
    key = theory.parse_key_name(song["key"]) if song["key"] else None
    if problems:
        return None, problems
    return LeadSheet(str(path), per_bar, song["bars"], chords, melody, key, tuple(song["timeSignature"])), []


def encode_leadsheet_file(path: Path) -> list[str]:
    sheet, problems = read_leadsheet(path)
    if problems:
        raise ContentError(problems)
    return encode(sheet, style="lofi")


def fingerprint_leadsheets(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in find_leadsheets(folder):
        digest.update(path.name.encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def load_leadsheets(folder: Path, cache: Path | None = None) -> list[tuple[str, list[str]]]:
    """(name, tokens) for every lead sheet in `folder`; raise ContentError listing every problem.

    Each file's tokens are kept in `cache` by the digest of its bytes and of theory.json (the song
    reader takes a few tenths of a second a file)."""
    files = find_leadsheets(folder)
    version = cache_version("leadsheet")
    try:
        known = json.loads(cache.read_text()) if cache else {}
    except (OSError, ValueError, RecursionError):
        known = {}
    if not isinstance(known, dict) or known.get("theory") != version or not isinstance(known.get("files"), dict):
        known = {}  # a damaged cache only costs a parse, never the build
    known_files = known.get("files", {})
    pieces, problems, kept = [], [], {}
    for path in files:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest not in known_files:
            sheet, found = read_leadsheet(path)
            if found:
                problems.extend(found)
                continue
            known_files[digest] = encode(sheet, style="lofi")
        kept[digest] = known_files[digest]
        pieces.append((path.name, known_files[digest]))
    if cache is not None:
        write_whole(cache, json.dumps({"theory": version, "files": kept}))  # a stop mid-write leaves the old one
    if problems:
        raise ContentError(problems)
    return pieces


def load_leadsheet_corpus(midi_dir: Path, leadsheets_dir: Path, progress: bool = True, cache: Path | None = None):
    """The chorales under `midi_dir` (read in parallel, cached in `cache`) and the lo-fi lead sheets
    in `leadsheets_dir` (cached beside it) as one Corpus; raise ContentError listing every problem."""
    corpus, problems, sheets = Corpus(), [], []
    if find_midi_files(midi_dir):
        try:
            corpus = load_corpus(midi_dir, "leadsheet", progress=progress, cache=cache)
        except ContentError as error:
            problems.extend(error.problems)
    try:
        sheets = load_leadsheets(leadsheets_dir, cache.with_name("leadsheet-tokens-cache.json") if cache else None)
    except ContentError as error:
        problems.extend(error.problems)
    if problems:
        raise ContentError(problems)
    if not corpus.pieces and not sheets:
        raise ContentError(
            Problem(leadsheets_dir, f"nothing to train on: no lead sheets here and no MIDI files in {midi_dir}")
        )
    corpus.pieces += [Piece(f"{leadsheets_dir.name}/{name}", tokens, lofi=True) for name, tokens in sheets]
    return corpus
