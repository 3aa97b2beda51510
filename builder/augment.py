"""Lead-sheet tokens changed for training: a piece moved to another key (augmentation, the lo-fi
repeats) and a piece without its chords (what the chord-blind baseline learns from)."""

from __future__ import annotations

from . import theory
from .leadsheet import fold, register_shift, transpose_chord_token


def transpose_token(token: str, semitones: int) -> str:
    """A lead-sheet token `semitones` higher: notes and chord roots move, everything else stays."""
    kind = theory.read_token(token)
    if kind is None:
        return token
    if kind["kind"] == "note":
        return theory.note_token(kind["midi"] + semitones)
    if kind["kind"] == "chord":
        return transpose_chord_token(token, semitones)
    return token


def transposed_piece(tokens: list[str], semitones: int) -> list[str]:
    """A whole piece moved by `semitones` (notes and chord roots), its melody then moved by octaves
    back to the middle register and folded into range, as every encoded piece is."""
    moved = [transpose_token(t, semitones) for t in tokens]
    midis = [kind["midi"] for kind in map(theory.read_token, moved) if kind and kind["kind"] == "note"]
    octaves = register_shift(midis)
    out = []
    for token in moved:
        kind = theory.read_token(token)
        out.append(theory.note_token(fold(kind["midi"] + octaves)) if kind and kind["kind"] == "note" else token)
    return out


def strip_chords(tokens: list[str]) -> list[str]:
    """The same piece without its chord tokens: what the chord-blind baseline learns from."""
    return [t for t in tokens if (theory.read_token(t) or {}).get("kind") != "chord"]
