"""The test pieces the build composes to measure the lead-sheet model (and its chord-blind baseline):
fixed progressions in the songs' chord syntax, each with the key it is written in, moved to
TEST_SHIFTS other keys and looped to TEST_BARS bars (9 x 4 = 36 seeded pieces), and FREE_PIECES in
free mode. The last four progressions move outside their key (tritone substitutes, borrowed and
altered dominants), where wrong notes show.
"""

from __future__ import annotations

from .generate import Stepper, compose

TEST_PROGRESSIONS = {
    "ii-V-I turnaround": "Dm9 | G13 | Cmaj9 | A7b9 | Dm9 | G13 | Cmaj9 | A7b9",
    "I-vi-ii-V": "Fmaj9 | Dm9 | Gm9 | C13 | Am7 | Dm9 | Gm7 C7 | Fmaj7",
    "minor ii-V-i": "Cm9 | Fm9 | Dm7b5 | G7b9 | Cm9 | Abmaj7 | Dm7b5 G7b9 | Cm9",
    "neo-soul": "Ebmaj9 | Dm7 | Db9 | Cm9 | Abmaj9 | Gm7 | Gb13 | Fm9 Bb13",
    "iv-minor turn": "Gmaj9 | Cmaj7 | Cm6 | Gmaj9 | Em9 | Am9 | D9sus4 | Gmaj9",
    "tritone subs": "Gm9 | Gb13 | Fmaj9 | Ab13",
    "chromatic ii-V": "Dm9 | Db7 | Cmaj9 | A7b9",
    "minor, flat six": "Cm9 | Ab7 | G7alt | Cm9",
    "chromatic climb": "Ebmaj7 | E7 | Fm9 | Bb13",
}
TEST_KEYS = {
    "ii-V-I turnaround": "C major",
    "I-vi-ii-V": "F major",
    "minor ii-V-i": "C minor",
    "neo-soul": "Eb major",
    "iv-minor turn": "G major",
    "tritone subs": "F major",
    "chromatic ii-V": "C major",
    "minor, flat six": "C minor",
    "chromatic climb": "Eb major",
}
TEST_SHIFTS = (0, 3, -4, 6)
TEST_BARS = 16
FREE_PIECES = 50


def moved_progression(name: str, shift: int) -> list[dict]:
    """The test progression `name` as chords ({step, length, symbol}), moved by `shift` semitones."""
    from . import theory
    from .progression import followed_chords

    return [
        {**c, "symbol": theory.transpose_symbol(c["symbol"], shift)} for c in followed_chords(TEST_PROGRESSIONS[name])
    ]


def test_pieces() -> list[tuple[str, list[dict], str]]:
    """(name, chords, key) for every test progression in every test key."""
    from . import theory

    pieces = []
    for name in TEST_PROGRESSIONS:
        tonic, mode = theory.parse_key_name(TEST_KEYS[name])
        for shift in TEST_SHIFTS:
            pieces.append((f"{name} {shift:+d}", moved_progression(name, shift), theory.key_name(tonic + shift, mode)))
    return pieces


def sampler_options(generation: dict, **extra) -> dict:
    """compose()'s sampling options at the page's defaults (the [generation] settings)."""
    return {
        "temperature": generation["temperature"],
        "top_k": generation["top_k"],
        "top_p": generation["top_p"],
        **extra,
    }


def compositions(
    model,
    vocabulary: list[str],
    generation: dict,
    chord_tone_bias: float | None = None,
    free: bool = False,
    copy_guard: dict | None = None,
) -> list[dict]:
    """The seeded test pieces as compose() returns them: over every test progression (each with the
    key it is written in as "written_key"), or FREE_PIECES in free mode; `copy_guard` as the page
    composes, with the model's guard against copying a lead sheet (builder/copyguard.py)."""
    stepper = Stepper(model)
    options = sampler_options(generation, chord_tone_bias=chord_tone_bias, copy_guard=copy_guard)
    if free:
        return [
            compose(stepper, vocabulary, TEST_BARS, seed=generation["seed"] + 1000 + k, **options)
            for k in range(FREE_PIECES)
        ]
    return [
        {
            **compose(stepper, vocabulary, TEST_BARS, seed=generation["seed"] + k, chords=chords, **options),
            "written_key": key,
        }
        for k, (_, chords, key) in enumerate(test_pieces())
    ]


def tokens_of(pieces: list[dict]) -> list[list[str]]:
    return [piece["tokens"] for piece in pieces]
