"""Generation in Python with the numpy stepper (builder/stepper.py), as the page does it in TF.js.

`compose` writes a lead sheet (the "leadsheet" encoding) under builder/grammar.py's rules: over
given chords (follow mode) or with chords of its own (free mode), drawing with the page's sampler
(builder/sampling.py). The build uses it to judge and measure the compositions. `generate` draws a
free solo of a frame-token encoding ("timed"), the solos the build measures for memorisation.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from . import theory
from .copyguard import CopyGuard
from .grammar import Grammar, nearest_chord_token
from .leadsheet import decode
from .melody_register import melody_in_register
from .sampling import derived_rng, mulberry32, sample_index, seed_to_uint32
from .shaping import Shaper
from .stepper import Stepper, softmax
from .theory import END, START


def sample(probabilities: np.ndarray, rng: np.random.Generator, temperature=1.0, top_k=0, top_p=1.0) -> int:
    """Draw a token id after temperature, top-k and top-p (nucleus) filtering."""
    logits = np.log(np.maximum(probabilities, 1e-12)) / max(temperature, 1e-3)
    p = softmax(logits)
    order = np.argsort(-p, kind="stable")
    keep = len(p)
    if top_k > 0:
        keep = min(keep, top_k)
    if top_p < 1.0:
        keep = min(keep, int(np.searchsorted(np.cumsum(p[order]), top_p)) + 1)
    chosen = order[:keep]
    weights = p[chosen] / p[chosen].sum()
    return int(chosen[rng.choice(len(chosen), p=weights)])


def generate(
    stepper: Stepper,
    vocabulary: list[str],
    length: int,
    seed: int,
    primer: list[str],
    temperature=1.0,
    top_k=0,
    top_p=1.0,
) -> list[str]:
    """`length` new tokens after `primer` (which must be non-empty).

    A solo never stops: when the model ends a piece ("</s>") the next input is "<s>", and neither
    frame token is part of the solo.
    """
    index = {t: i for i, t in enumerate(vocabulary)}
    start, end = index.get(START), index.get(END)
    rng = np.random.default_rng(seed)
    stepper.reset()
    for token in primer[:-1]:
        stepper.step(index[token])
    current = index[primer[-1]]
    out: list[str] = []
    while len(out) < length:
        probabilities = stepper.step(current)
        if start is not None:
            probabilities = probabilities.copy()
            probabilities[start] = 0.0
        current = sample(probabilities, rng, temperature, top_k, top_p)
        if current == end:
            current = start
            continue
        out.append(vocabulary[current])
    return out


def compose(
    stepper: Stepper,
    vocabulary: list[str],
    bars: int = 8,
    seed=1,
    chords: list[dict] | None = None,
    temperature: float = 1.0,
    top_k: int = 0,
    top_p: float = 1.0,
    chord_tone_bias: float | None = None,
    meter: tuple[int, int] = (4, 4),
    shaping: bool = True,
    copy_guard: dict | None = None,
) -> dict:
    """A lead sheet of `bars` bars, as the page's lofi.compose gives it (web_src/js/ai/compose.js,
    piece.js): {tokens, key, chords: [{step, length, symbol, midis}], melody: [{step, length, midi}],
    mapped}, steps and lengths in sixteenths from the start, in the listener's key.

    FOLLOW mode (`chords`: [{step, length, symbol}], one pass, repeated to fill the bars): the key is
    estimated from the chords, which are moved to C major / A minor and forced at their changes as
    the nearest chord tokens the vocabulary has (`mapped` lists the chords written over a family
    chord); the model writes the melody, moved back. A vocabulary without chord tokens (the
    chord-blind baseline) composes under the same changes without being told them. FREE mode: the
    model writes the chords too, and the seed picks the key the piece is moved to.

    Each drawn token: the logits of the allowed tokens only (vocabulary order), plus
    `chord_tone_bias` (theory.json's default when None) for notes of the sounding chord on a strong
    beat, and with `shaping` builder/shaping.py's bonuses (phrase ends that land, the model bar's
    rhythm in a repeated phrase, no clash over the voicing), through sample_index with
    mulberry32(seed_to_uint32(seed)). `copy_guard` (meta.json's "copyGuard", builder/copyguard.py)
    takes out the lengths that would copy a run of a lead sheet. Forced tokens draw nothing.
    The tokens stay in the model's key.
    """
    bias = theory.CHORD_TONE_BIAS if chord_tone_bias is None else chord_tone_bias
    bar_length = theory.sixteenths_per_bar(*meter)
    plan = _follow_plan(chords, vocabulary, bars * bar_length, bar_length) if chords else _free_plan(seed)
    index = {token: i for i, token in enumerate(vocabulary)}
    rng = mulberry32(seed_to_uint32(seed))
    grammar = Grammar(vocabulary, bars, meter, plan["changes"])
    stepper.reset()
    tokens: list[str] = []
    logits = None
    shaper = Shaper() if shaping else None
    guard = CopyGuard(copy_guard) if copy_guard else None
    while not grammar.done:
        token = grammar.forced()
        if token is None:
            allowed = grammar.allowed()
            if guard is not None:
                allowed = guard.allowed(allowed, vocabulary)
            tones = grammar.chord_tones() if bias else set()
            extra = shaper.bonuses(grammar, allowed) if shaper is not None else {}
            scores = []
            for i in allowed:
                kind = grammar.kinds[i]
                bonus = bias if kind["kind"] == "note" and kind["midi"] % 12 in tones else 0.0
                if i in extra:
                    bonus += extra[i]  # after the chord-tone bias, in the order the page adds them
                scores.append(float(logits[i]) + bonus)
            token = vocabulary[allowed[sample_index(scores, temperature, top_k, top_p, rng)]]
        if shaper is not None:
            shaper.take(grammar, token)
        if guard is not None:
            guard.take(token)
        grammar.advance(token)
        tokens.append(token)
        if token in index and not grammar.done:
            logits = stepper.step_logits(index[token])

    shift = plan["shift"]
    piece = decode(tokens)
    if chords:
        out_chords, key = plan["chords"], plan["key"]
    else:
        out_chords, heard = [], []
        for span in _merged(piece.chords):
            root, family = theory.parse_chord_token(span.token)
            chord = theory.family_chord(None if root is None else (root - shift) % 12, family)
            heard.append((chord, span.length))
            out_chords.append(
                {"step": span.start, "length": span.length, "symbol": chord.symbol, "midis": theory.voice_chord(chord)}
            )
        sounding = any(chord.root is not None for chord, _ in heard)
        key = (
            theory.key_name(*theory.estimate_progression_key(heard))
            if sounding
            else theory.key_name(-shift % 12, "major")
        )
    return {
        "tokens": tokens,
        "key": key,
        "chords": out_chords,
        "melody": melody_in_register(
            [{"step": n.start, "length": n.length, "midi": n.midi - shift} for n in piece.melody],
            out_chords,
            bar_length,
        ),
        "mapped": plan["mapped"],
    }


# The free key's draw (compose.js's KEY_SALT, "Keys"), apart from the sampler's stream.
KEY_SALT = 0x4B657973


def _free_plan(seed) -> dict:
    low, high = theory.LEADSHEET["keyShift"]["min"], theory.LEADSHEET["keyShift"]["max"]
    shift = low + math.floor(derived_rng(seed, KEY_SALT)() * (high - low + 1))
    return {"shift": shift, "changes": None, "mapped": []}


def _follow_plan(progression: list[dict], vocabulary: list[str], total: int, bar_length: int) -> dict:
    """compose.js's followPlan: the key, the changes the grammar forces and the chords as heard."""
    parsed = []
    for chord in progression:
        value = theory.parse_chord_symbol(chord["symbol"])
        if value is None:
            raise ValueError(f"unknown chord symbol '{chord['symbol']}'")
        parsed.append((chord, value))
    tonic, mode = theory.estimate_progression_key([(value, c["length"]) for c, value in parsed])
    shift = theory.key_shift_to_c(tonic, mode)
    token_of, mapped = {}, []
    for chord, value in parsed:
        symbol = chord["symbol"]
        if symbol in token_of:
            continue
        token = nearest_chord_token(_moved(value, shift), vocabulary)
        if token is None and not any(theory.parse_chord_token(t) for t in vocabulary) and value.root is not None:
            token = theory.chord_token((value.root + shift) % 12, value.family)  # told to no one: the blind baseline
        token_of[symbol] = token
        if value.root is None or token is None or token not in vocabulary:
            continue
        root, family = theory.parse_chord_token(token)
        heard = theory.family_chord((root - shift) % 12, family)
        nearest = family != value.family or heard.root != value.root
        unvoiced = any(pc not in heard.pitch_classes for pc in value.pitch_classes)
        if nearest or unvoiced:
            mapped.append({"symbol": symbol, "as": heard.symbol, "nearest": nearest})
    end = max(c["step"] + c["length"] for c, _ in parsed)
    looped = _loop(parsed, -(-end // bar_length) * bar_length, total)
    changes: dict[int, str] = {}
    for chord, _ in looped:
        token = token_of[chord["symbol"]]
        if token is None or (changes and list(changes.values())[-1] == token):
            continue
        changes[chord["step"]] = token
    return {
        "shift": shift,
        "key": theory.key_name(tonic, mode),
        "changes": changes,
        "mapped": mapped,
        "chords": [
            {"step": c["step"], "length": c["length"], "symbol": c["symbol"], "midis": theory.voice_chord(value)}
            for c, value in looped
        ],
    }


def _moved(chord, semitones: int):
    if chord.root is None:
        return chord
    return replace(
        chord,
        root=(chord.root + semitones) % 12,
        bass=(chord.bass + semitones) % 12,
        pitch_classes=tuple((pc + semitones) % 12 for pc in chord.pitch_classes),
    )


def _loop(parsed: list, pass_steps: int, total: int) -> list:
    """compose.js's loopProgression: one pass repeated every `pass_steps`, the last chord cut at the end."""
    out = []
    for offset in range(0, total, pass_steps):
        for chord, value in parsed:
            step = offset + chord["step"]
            if step >= total:
                break
            out.append(({**chord, "step": step, "length": min(chord["length"], total - step)}, value))
    return out


def _merged(spans):
    """The model's chord spans with a chord written again where it already sounds folded in."""
    merged = []
    for span in spans:
        if merged and merged[-1].token == span.token and merged[-1].start + merged[-1].length == span.start:
            merged[-1] = type(span)(merged[-1].start, merged[-1].length + span.length, span.token)
        else:
            merged.append(span)
    return merged
