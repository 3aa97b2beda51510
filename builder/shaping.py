"""The sampler's preferences over the phrase: logit bonuses that make phrases land, repeated phrases
take their model bar's rhythm, and strong or long notes avoid a semitone over the chord's voicing.

An LSTM trained on a few dozen lead sheets writes bars that are each plausible but does not know that
the 4th and 8th bars of a phrase should come to rest, so the grammar's state (bar, position, chord)
is turned into mild bonuses on the tokens it allows, as the chord-tone bias is. The constants are
theory.json's "leadsheet.shaping" (its "_shaping" says what each does); web_src/js/ai/shaping.js is
the page's twin and must give the very same bonuses (tests/test_grammar_parity.py).

`Shaper` remembers what it needs of the piece so far (each bar's note onsets, the note sounding and
whether the bar has landed): the compose loop calls `take` with every token, forced or drawn, before
the grammar advances, and `bonuses` for the allowed ids of each draw.
"""

from __future__ import annotations

from functools import cache

from . import theory

SHAPING: dict = theory.LEADSHEET["shaping"]


@cache
def clash_pitch_classes(token: str) -> frozenset[int]:
    """Pitch classes a semitone (or a minor 9th) above a tone of the chord token's voicing or of the
    chord itself (a D7 written without extensions is voiced with its 5th, which its family's voicing
    leaves out for the 13th), the chord's own tones left out (a minor 3rd sits a semitone over the
    voiced 9th, and is no clash)."""
    parsed = theory.parse_chord_token(token)
    if not parsed or parsed[0] is None:
        return frozenset()
    root, family = parsed
    tones = set(theory.family_pitch_classes(root, family))
    voiced = {midi % 12 for midi in theory.voice_chord(theory.family_chord(root, family))}
    return frozenset((pc + 1) % 12 for pc in voiced | tones) - tones


@cache
def chord_pitch_classes(token: str) -> frozenset[int]:
    parsed = theory.parse_chord_token(token)
    if not parsed or parsed[0] is None:
        return frozenset()
    return frozenset(theory.family_pitch_classes(*parsed))


# The model's key: every training piece is moved to C major or A minor, whose scales share these.
MODEL_SCALE = frozenset(theory.THEORY["keys"]["scales"]["major"])


@cache
def off_key_tones(token: str) -> int:
    """How many of the chord token's tones lie outside the model's key (none for '@NC')."""
    return len(chord_pitch_classes(token) - MODEL_SCALE)


class Shaper:
    def __init__(self, params: dict | None = None):
        self.p = SHAPING if params is None else params
        self.onsets: dict[int, list[int]] = {}  # bar -> where its notes began
        self.bar = -1
        self.pending: tuple[str, int | None, int] | None = None  # (kind, midi, position) awaiting its length
        self.held = 0  # how long the last note has sounded in this bar (its ties added); 0 after a rest
        self.note_start = 0  # where in the bar that note began
        self.clashing = False  # that note is a clash over the chord it began on
        self.landed = False  # this bar has a long note, or a quarter and a rest
        self.following = True  # this bar's rhythm is its model bar's so far

    def _enter(self, bar: int) -> None:
        if bar != self.bar:
            self.bar, self.held, self.clashing, self.landed, self.following = bar, 0, False, False, True

    def _place(self, grammar) -> tuple[bool, bool, list[int] | None]:
        """(a landing bar, a landing bar not landed yet, the model bar's onsets or None: none when
        the bar has already left its model's rhythm, which a bonus could no longer bring back)."""
        place = grammar.bar % theory.LEADSHEET["phraseBars"] + 1
        landing = place in self.p["landingPlaces"] or grammar.bar == grammar.bars - 1
        back = grammar.bar - self.p["repeatFrom"].get(str(place), grammar.bar + 1)
        model = self.onsets.get(back, []) if back >= 0 and self.following else None
        return landing, landing and not self.landed, model

    def take(self, grammar, token: str) -> None:
        """Note a token written (forced or drawn), before the grammar advances past it."""
        if grammar.bar < 0:
            return
        self._enter(grammar.bar)
        info = theory.read_token(token) or {"kind": "other"}
        kind = info["kind"]
        if kind in ("note", "rest", "tie"):
            self.pending = (kind, info.get("midi"), grammar.pos)
        elif kind == "length" and self.pending is not None:
            event, midi, start = self.pending
            length = info["sixteenths"]
            quarter, land = self.p["quarterSixteenths"], self.p["landSixteenths"]
            model = self._place(grammar)[2]
            if model is not None:
                self.following = (start in model) == (event == "note") and not any(
                    start < s < start + length for s in model
                )
            if event == "note":
                self.onsets.setdefault(grammar.bar, []).append(start)
                self.held, self.note_start = length, start
                self.clashing = grammar.chord is not None and midi % 12 in clash_pitch_classes(grammar.chord)
                self.landed |= length >= land
            elif event == "tie" and self.held:
                self.held += length
                self.landed |= self.held >= land
            elif event == "rest":
                self.landed |= self.held >= quarter and length >= quarter
                self.held, self.clashing = 0, False
            self.pending = None

    def bonuses(self, grammar, allowed: list[int]) -> dict[int, float]:
        """id -> bonus for the allowed ids that get one (none when nothing applies)."""
        if grammar.bar < 0:
            return {}
        self._enter(grammar.bar)
        if grammar.expect == "length":
            return self._length_bonuses(grammar, allowed)
        return self._event_bonuses(grammar, allowed)

    def _event_bonuses(self, grammar, allowed: list[int]) -> dict[int, float]:
        p, pos = self.p, grammar.pos
        _, asking, model = self._place(grammar)
        strong = pos in grammar.strong
        tones = chord_pitch_classes(grammar.chord) if grammar.chord else frozenset()
        clashes = clash_pitch_classes(grammar.chord) if grammar.chord else frozenset()
        out: dict[int, float] = {}
        for i in allowed:
            info = grammar.kinds[i]
            kind, bonus = info["kind"], 0.0
            if kind == "note":
                pc = info["midi"] % 12
                if strong and asking and pc in tones:
                    bonus += p["landingTone"]
                if strong and pc in clashes:
                    bonus += p["clash"]
                if model is not None and pos in model:
                    bonus += p["rhythmOnset"]
            elif kind in ("rest", "tie"):
                if model is not None and pos not in model:
                    bonus += p["rhythmOnset"]
                if kind == "rest" and asking and self.held >= p["quarterSixteenths"]:
                    bonus += p["landingRest"]
            elif kind == "chord":  # free mode only: follow mode's chords are forced, never drawn
                bonus += p["offKeyTone"] * off_key_tones(grammar.vocabulary[i])
            if bonus:
                out[i] = bonus
        return out

    def _length_bonuses(self, grammar, allowed: list[int]) -> dict[int, float]:
        if self.pending is None:
            return {}
        p = self.p
        quarter, land = p["quarterSixteenths"], p["landSixteenths"]
        landing, asking, model = self._place(grammar)
        event, midi, start = self.pending
        clashing = event == "note" and grammar.chord is not None and midi % 12 in clash_pitch_classes(grammar.chord)
        held = self.held if event == "tie" else 0  # what the length adds to
        if event == "tie":
            clashing = self.clashing
        begun_strong = (start if event == "note" else self.note_start) in grammar.strong
        next_onset = grammar.bar_length
        if model is not None:
            next_onset = min([s for s in model if s > start], default=grammar.bar_length)
        out: dict[int, float] = {}
        for i in allowed:
            length = grammar.kinds[i]["sixteenths"]
            bonus = 0.0
            if event == "note" or (event == "tie" and held):
                total = held + length
                if asking and begun_strong:
                    if total >= land:
                        bonus += p["landingLength"]
                    elif total >= quarter and event == "note":
                        bonus += p["landingQuarter"]
                if not landing and held < land <= total:
                    bonus += p["innerLong"]
                if clashing and total >= quarter:
                    bonus += p["clashLength"]
            elif event == "rest" and asking and self.held >= quarter and length >= quarter:
                bonus += p["landingRest"]
            if model is not None and start + length == next_onset:
                bonus += p["rhythmLength"]
            if bonus:
                out[i] = bonus
        return out
