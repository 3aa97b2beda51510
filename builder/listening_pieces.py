"""The report's listening pieces: three compositions the model writes when it is trained, two over
test progressions in two keys and one on its own chords, at the page's default settings and with
the model's copy guard, as the page composes.

Each is kept in meta.json's "listening" with what the page needs to play it again exactly (its
tokens, the chord text it followed, its seed and bars: web_src/js/report.js rebuilds and plays it
with the page's own player) and its piano roll, drawn beside meta.json (builder/report_pictures.py).
"""

from __future__ import annotations

from pathlib import Path

from . import theory
from .generate import Stepper, compose
from .report_pictures import STEPS_PER_BAR, draw_piano_roll, piece_steps
from .testpieces import TEST_BARS, moved_progression, sampler_options

LISTENING_BARS = TEST_BARS
FOLLOWED = (("ii-V-I turnaround", 3), ("minor ii-V-i", -3))  # test progressions, moved to other keys
SEED_OFFSET = 500  # apart from the test pieces' seeds


def listening_pieces(model, vocabulary: list[str], generation: dict, copy_guard: dict | None = None) -> list[dict]:
    """The pieces as compose() returns them, each with "seed", "bars" and "follows" (the chord text
    it was composed over, one pass, bars split by '|'; None: the model's own chords)."""
    stepper = Stepper(model)
    options = sampler_options(generation, copy_guard=copy_guard)
    seed = generation["seed"] + SEED_OFFSET
    given = [moved_progression(name, shift) for name, shift in FOLLOWED]
    pieces = []
    for k, chords in enumerate([*given, None]):
        piece = compose(stepper, vocabulary, LISTENING_BARS, seed=seed + k, chords=chords, **options)
        pieces.append({**piece, "seed": seed + k, "bars": LISTENING_BARS, "follows": chord_text(chords)})
    return pieces


def chord_text(chords: list[dict] | None) -> str | None:
    """Chords ({step, symbol}) as the chord field writes them: a bar's symbols, bars split by '|'."""
    if not chords:
        return None
    bars: dict[int, list[str]] = {}
    for chord in chords:
        bars.setdefault(chord["step"] // STEPS_PER_BAR, []).append(chord["symbol"])
    return " | ".join(" ".join(symbols) for _, symbols in sorted(bars.items()))


def progression_text(piece: dict) -> str:
    """The chords heard over the whole piece as the chord field writes them: bars split by '|', a
    chord held over a bar line written again in the next bar (as the lead sheets do)."""
    bars: list[list[str]] = [[] for _ in range(piece_steps(piece) // STEPS_PER_BAR)]
    for chord in piece.get("chords", []):
        first = chord["step"] // STEPS_PER_BAR
        last = (chord["step"] + chord["length"] - 1) // STEPS_PER_BAR
        for bar in range(first, last + 1):
            bars[bar].append(chord.get("symbol", ""))
    return " | ".join(" ".join(symbols) or theory.chord_symbol(None, None) for symbols in bars)


def write_listening(pieces: list[dict], out_dir: Path) -> list[dict]:
    """Draws listening-N.png into `out_dir` for each piece; returns meta.json's "listening" entries:
    {"title", "image" (relative to `out_dir`), "progression" (progression_text), "key", "follows",
    "seed", "bars", "tokens", "chords", "melody"}."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    entries = []
    for number, piece in enumerate(pieces, start=1):
        image = f"listening-{number}.png"
        draw_piano_roll(piece, out_dir / image)
        key = piece.get("key") or ""
        if piece.get("follows"):
            title = f"{number}. Follows {piece['follows']}" + (f" in {key}" if key else "")
        else:
            title = f"{number}. The model's own chords"
        entries.append(
            {
                "title": title,
                "image": image,
                "progression": progression_text(piece),
                "key": key,
                "follows": piece.get("follows"),
                "seed": piece["seed"],
                "bars": piece["bars"],
                "tokens": list(piece["tokens"]),
                "chords": piece["chords"],
                "melody": piece["melody"],
            }
        )
    return entries
