"""Generation in Python, step by step with the LSTM state carried, as the page does it in TF.js.

The build uses it to judge the solos the default settings produce (memorisation, repetition); it
reads the weights straight from the Keras model, so it needs no TensorFlow graph per step.

`compose` writes a lead sheet (the "leadsheet" encoding) under builder/grammar.py's rules: over
given chords (follow mode) or with chords of its own (free mode). `mulberry32`, `seed_to_uint32` and
`sample_index` are line-for-line ports of web_src/js/ai/sampling.js (float64 arithmetic, the same
tie-breaks), so that it draws the same tokens from the same probabilities as the page.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from .corpus import END, START


@dataclass
class LstmWeights:
    kernel: np.ndarray  # [input, 4 * units], gates in Keras order i, f, c, o
    recurrent: np.ndarray  # [units, 4 * units]
    bias: np.ndarray  # [4 * units]


class Stepper:
    """One token in, next-token probabilities out; h and c of every layer kept between calls."""

    def __init__(self, model):
        by_kind: dict[str, list] = {}
        for layer in model.layers:
            by_kind.setdefault(type(layer).__name__, []).append(layer)
        self.embedding = by_kind["Embedding"][0].get_weights()[0]
        self.lstms = [LstmWeights(*layer.get_weights()) for layer in by_kind["LSTM"]]
        (self.hidden_w, self.hidden_b), (self.out_w, self.out_b) = (d.get_weights() for d in by_kind["Dense"])
        self.reset()

    def reset(self) -> None:
        self.state = [(np.zeros(w.recurrent.shape[0], np.float32),) * 2 for w in self.lstms]

    def step(self, token_id: int) -> np.ndarray:
        return _softmax(self.step_logits(token_id))

    def step_logits(self, token_id: int) -> np.ndarray:
        """The next token's logits (before the softmax), as the page's sampler takes them."""
        x = self.embedding[token_id]
        for i, w in enumerate(self.lstms):
            h, c = self.state[i]
            z = x @ w.kernel + h @ w.recurrent + w.bias
            gate_i, gate_f, candidate, gate_o = np.split(z, 4)
            c = _sigmoid(gate_f) * c + _sigmoid(gate_i) * np.tanh(candidate)
            h = _sigmoid(gate_o) * np.tanh(c)
            self.state[i] = (h, c)
            x = h
        hidden = np.maximum(x @ self.hidden_w + self.hidden_b, 0)
        return hidden @ self.out_w + self.out_b


def sample(probabilities: np.ndarray, rng: np.random.Generator, temperature=1.0, top_k=0, top_p=1.0) -> int:
    """Draw a token id after temperature, top-k and top-p (nucleus) filtering."""
    logits = np.log(np.maximum(probabilities, 1e-12)) / max(temperature, 1e-3)
    p = _softmax(logits)
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
    from . import theory
    from .copyguard import CopyGuard
    from .grammar import Grammar
    from .leadsheet import decode
    from .shaping import Shaper

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


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def register_octave(notes: list[dict], top) -> int:
    """The octave, in semitones, to move a melody by, decided from its first bar's notes
    ([{step, midi}]): of the two octaves that put their median either side of theory.json's
    melodyRegister median, the one whose bar, lifted over the voicing (`top(step)`: its top, None
    under N.C.), has its median nearest it (ties: the lower, which keeps the melody nearer the
    chords)."""
    from . import theory

    target = theory.THEORY["melodyRegister"]["median"]
    below = 12 * math.floor((target - _median([n["midi"] for n in notes])) / 12)
    ceiling = theory.THEORY["melodyRegister"]["ceiling"]
    distance = [abs(_median(_lifted_bar(notes, octave, top, ceiling)) - target) for octave in (below, below + 12)]
    return below if distance[0] <= distance[1] else below + 12


def melody_in_register(melody: list[dict], chords: list[dict], bar_length: int) -> list[dict]:
    """The melody ([{step, length, midi}], moved back to the listener's key) folded by octaves above
    the chords ([{step, length, midis}], as voiced): theory.json's melodyRegister. The page's
    ai/piece.js folds it the same way as the notes stream in, deciding at each bar line."""
    from . import theory

    ceiling = theory.THEORY["melodyRegister"]["ceiling"]

    def top(step: int) -> int | None:
        sounding = [c for c in chords if c["step"] <= step < c["step"] + c["length"] and c["midis"]]
        return max(sounding[-1]["midis"]) if sounding else None

    if not melody:
        return []
    # The octave is decided at the end of the first bar with notes, from that bar's notes.
    first_bar_end = (melody[0]["step"] // bar_length + 1) * bar_length
    octave = register_octave([n for n in melody if n["step"] < first_bar_end], top)
    bars = melody[-1]["step"] // bar_length + 1
    out = []
    for bar in range(bars):
        notes = [n for n in melody if bar * bar_length <= n["step"] < (bar + 1) * bar_length]
        out += [{**n, "midi": m} for n, m in zip(notes, _lifted_bar(notes, octave, top, ceiling))]
    return out


def _lifted_bar(notes: list[dict], octave: int, top, ceiling: int) -> list[int]:
    """One bar's notes moved by `octave`, then up an octave as a whole where one sits at or under
    the voicing's top (its highest note kept within `ceiling`), then note by note; a note over
    `ceiling` goes down by octaves while it stays over the voicing."""
    midis = [n["midi"] + octave for n in notes]
    tops = [top(n["step"]) for n in notes]
    under = any(t is not None and m <= t for m, t in zip(midis, tops))
    if under and max(midis) + 12 <= ceiling:
        midis = [m + 12 for m in midis]
    for i, t in enumerate(tops):
        while t is not None and midis[i] <= t and midis[i] + 12 <= ceiling:
            midis[i] += 12
        while midis[i] > ceiling and (t is None or midis[i] - 12 > t):
            midis[i] -= 12
    return midis


# The free key's draw (compose.js's KEY_SALT, "Keys"), apart from the sampler's stream.
KEY_SALT = 0x4B657973


def _free_plan(seed) -> dict:
    from . import theory

    low, high = theory.LEADSHEET["keyShift"]["min"], theory.LEADSHEET["keyShift"]["max"]
    shift = low + math.floor(derived_rng(seed, KEY_SALT)() * (high - low + 1))
    return {"shift": shift, "changes": None, "mapped": []}


def _follow_plan(progression: list[dict], vocabulary: list[str], total: int, bar_length: int) -> dict:
    """compose.js's followPlan: the key, the changes the grammar forces and the chords as heard."""
    from . import theory
    from .grammar import nearest_chord_token

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
    from dataclasses import replace

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


def derived_rng(seed, salt: int):
    """sampling.js's derivedRng: a second stream for the same seed."""
    return mulberry32((seed_to_uint32(seed) ^ _imul(salt, 0x9E3779B9)) & 0xFFFFFFFF)


def mulberry32(seed: int):
    """A generator of floats in [0, 1), the page's PRNG (uint32 arithmetic written out for Python)."""
    state = seed & 0xFFFFFFFF

    def next_float() -> float:
        nonlocal state
        state = (state + 0x6D2B79F5) & 0xFFFFFFFF
        t = state
        t = _imul(t ^ (t >> 15), t | 1)
        t ^= (t + _imul(t ^ (t >> 7), t | 61)) & 0xFFFFFFFF
        return ((t ^ (t >> 14)) & 0xFFFFFFFF) / 4294967296

    return next_float


def seed_to_uint32(seed) -> int:
    """Numbers (and digit strings) wrap to uint32; any other text is hashed with FNV-1a, as the page does."""
    if isinstance(seed, (int, float)) and not isinstance(seed, bool) and math.isfinite(seed):
        return int(seed) & 0xFFFFFFFF  # Math.trunc, then >>> 0
    text = "" if seed is None else str(seed)
    if re.fullmatch(r"-?[0-9]+", text.strip()):
        return int(float(text.strip())) & 0xFFFFFFFF  # Number(text): a float, as in JS
    h = 0x811C9DC5
    for unit in _utf16_units(text):  # charCodeAt: UTF-16 code units
        h = _imul(h ^ unit, 0x01000193)
    return h


def sample_index(logits, temperature: float, top_k: int, top_p: float, rng) -> int:
    """sampling.js's sampleIndex: temperature, top-k and top-p over `logits` (-inf: never drawn).

    Temperature <= 0 takes the argmax without drawing. The candidates are ordered by falling
    probability, ties by index; one draw of `rng` picks among the kept ones.
    """
    n = len(logits)
    values = [float(v) for v in logits]
    if not temperature > 0:
        return _argmax(values)
    top = max(values)
    probs = [math.exp((v - top) / temperature) for v in values]
    order = sorted(range(n), key=lambda i: (-probs[i], i))
    keep = n
    if 0 < top_k < keep:
        keep = int(top_k)
    if 0 < top_p < 1:
        total = 0.0
        for p in probs:
            total += p
        cumulative = 0.0
        for i in range(keep):
            cumulative += probs[order[i]] / total
            if cumulative >= top_p:
                keep = i + 1
                break
    total = 0.0
    for i in range(keep):
        total += probs[order[i]]
    r = rng() * total
    for i in range(keep):
        r -= probs[order[i]]
        if r < 0:
            return order[i]
    return order[keep - 1]  # rounding left a sliver: take the last kept candidate


def _argmax(values) -> int:
    best = 0
    for i in range(1, len(values)):
        if values[i] > values[best]:
            best = i
    return best


def _imul(a: int, b: int) -> int:
    """Math.imul on uint32 inputs, returning the low 32 bits unsigned (JS code then applies >>> 0)."""
    return (a * b) & 0xFFFFFFFF


def _utf16_units(text: str) -> list[int]:
    data = text.encode("utf-16-le", "surrogatepass")
    return [data[i] | (data[i + 1] << 8) for i in range(0, len(data), 2)]


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _softmax(x):
    e = np.exp(x - x.max())
    return e / e.sum()
