"""The report's pictures: the loss curve and the listening pieces' piano rolls (matplotlib, PNG
files without a timestamp or version in their metadata, so the same input gives the same bytes).

A piece is a composition as builder/generate.py's compose returns it (the page's lofi.compose gives
the same): {"chords": [{"step", "length", "symbol", "midis"}], "melody": [{"step", "length", "midi"}]},
steps and lengths in sixteenths from the start, in 4/4.
"""

from __future__ import annotations

import math
from pathlib import Path

from . import theory

STEPS_PER_BAR = theory.sixteenths_per_bar(4, 4)
BASS_RANGE = (28, 48)  # where the voicing's lowest note sits (the chord field's voicing: octave 2)


def piece_steps(piece: dict) -> int:
    """The piece's length in sixteenths: whole bars, covering every chord and note (one bar at least)."""
    ends = [e["step"] + e["length"] for e in [*piece.get("chords", []), *piece.get("melody", [])]]
    return max(1, math.ceil(max(ends, default=0) / STEPS_PER_BAR)) * STEPS_PER_BAR


def bass_note(midis: list[int]) -> int | None:
    """The chord's lowest note moved by octaves into the bass range (its row is shaded darker)."""
    if not midis:
        return None
    note = min(midis)
    while note > BASS_RANGE[1]:
        note -= 12
    while note < BASS_RANGE[0]:
        note += 12
    return note


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


def plot_loss(history: dict, path) -> None:
    """The loss curve as a PNG, with no timestamp or version in its metadata (reproducible bytes)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    figure, axes = pyplot.subplots(figsize=(6, 3.4), dpi=100)
    epochs = range(1, len(history["loss"]) + 1)
    axes.plot(epochs, history["loss"], label="training", color="#d9a066")
    if "val_loss" in history:
        axes.plot(epochs, history["val_loss"], label="held-out", color="#6c9ec9")
    axes.set_xlabel("epoch")
    axes.set_ylabel("cross-entropy (nats/token)")
    axes.legend()
    axes.grid(alpha=0.3)
    figure.tight_layout()
    figure.savefig(path, format="png", metadata={"Software": None})
    pyplot.close(figure)
