"""What may come next while a lead sheet is being written: the sampler's state machine.

The same rules run in the page's worker; the constants (token spellings, lengths, strong beats) are
theory.json's, read through builder/theory.py. The machine follows one piece from '<s>' to '</s>':

- it FORCES '<s>' first, then the style asked for ('#lofi': free mode must not write a chorale), the
  bar line of the bar's place in its phrase ('|1' ... '|8') at every bar start, '</s>' after the last
  bar and, when the chords are given (follow mode), the chord token at every chord change (right after
  the bar line);
- otherwise it expects an EVENT ('n<midi>', 'r', '~' after a note or a tie, and in free mode a chord
  token: one right after each bar line, required in the first bar, and one at half-bar) or a LENGTH
  ('d<k>' that ends at or before the next boundary: the bar end, and in follow mode the next change).

`allowed()` lists the ids the model may choose from, `forced()` the token it must take, and
`advance(token)` moves on. Tokens the vocabulary lacks are never allowed; a forced chord the
vocabulary lacks (the chord-blind baseline has none) is taken without being fed to the model.
"""

from __future__ import annotations

import math

from . import theory

EVENT, LENGTH = "event", "length"


class Grammar:
    def __init__(
        self,
        vocabulary: list[str],
        bars: int,
        meter: tuple[int, int] = (4, 4),
        changes: dict[int, str] | None = None,
        style: str = "lofi",
    ):
        """`changes`: {step: chord token} in sixteenths from the start (follow mode), the first at
        step 0; None lets the model write the chords (free mode). `style`: the collection the piece
        is asked to sound like, forced right after '<s>' when the vocabulary has its token."""
        self.vocabulary = vocabulary
        self.index = {token: i for i, token in enumerate(vocabulary)}
        self.bars = bars
        self.bar_length = theory.sixteenths_per_bar(*meter)
        self.strong = set(theory.strong_beats(*meter))
        self.changes = changes
        self.kinds = [theory.read_token(t) or {"kind": "other"} for t in vocabulary]
        self._ids = {
            kind: [i for i, k in enumerate(self.kinds) if k["kind"] == kind]
            for kind in ("note", "rest", "tie", "chord", "length")
        }
        self.bar = -1  # before the first '|'
        self.pos = 0  # sixteenths into the bar
        self.expect = EVENT
        self.started = self.done = False
        style_token = theory.STYLE_TOKENS.get(style)
        self.style_token = style_token if style_token in self.index else None  # older models have none
        self.styled = self.style_token is None
        self.chord: str | None = None  # the current chord token
        self.chord_written_at: int | None = None  # the absolute step of the last chord token
        self.last_event: str | None = None  # 'note', 'tie' or 'rest': what a '~' may continue
        self.pending: str | None = None  # the event waiting for its length

    @property
    def step(self) -> int:
        """Sixteenths from the start of the piece."""
        return max(self.bar, 0) * self.bar_length + self.pos

    def boundary(self) -> int:
        """The position in the bar that the next length must not pass."""
        end = self.bar_length
        if self.changes is not None:
            start = self.bar * self.bar_length
            later = [s - start for s in self.changes if start + self.pos < s < start + end]
            end = min(later, default=end)
        return end

    def forced(self) -> str | None:
        if not self.started:
            return theory.START
        if not self.styled:
            return self.style_token
        if self.expect == LENGTH:
            return None
        if self.bar < 0 or self.pos == self.bar_length:
            return theory.END if self.bar == self.bars - 1 else self._bar_line(self.bar + 1)
        if self.changes is not None and self.step in self.changes and self.chord_written_at != self.step:
            return self.changes[self.step]
        return None

    def _bar_line(self, bar: int) -> str:
        """The bar line of its place in the phrase ('|1'...), or a bare '|' for a model trained without."""
        token = theory.bar_token(bar)
        return token if token in self.index else theory.BAR

    def _chord_allowed(self) -> bool:
        """Free mode only: one chord right after a bar line and one at half-bar."""
        if self.changes is not None or self.chord_written_at == self.step:
            return False
        return self.pos == 0 or self.pos * 2 == self.bar_length

    def allowed(self) -> list[int]:
        """The ids that may be sampled now, in vocabulary order (empty when a token is forced)."""
        if self.done or self.forced() is not None:
            return []
        if self.expect == LENGTH:
            room = self.boundary() - self.pos
            fitting = [i for i in self._ids["length"] if self.kinds[i]["sixteenths"] <= room]
            # A vocabulary without a length short enough (a tiny corpus) gets its shortest one.
            shortest = sorted(self._ids["length"], key=lambda i: (self.kinds[i]["sixteenths"], i))[:1]
            return fitting or shortest
        chords = self._ids["chord"] if self._chord_allowed() else []
        if self.bar == 0 and self.pos == 0 and self.chord is None and chords:
            return list(chords)  # free mode: the first bar names its chord first
        ids = self._ids["note"] + self._ids["rest"] + chords
        if self.last_event in ("note", "tie"):
            ids += self._ids["tie"]
        return sorted(ids)

    def chord_tones(self) -> set[int]:
        """Pitch classes that get the strong-beat bonus now (none off the strong beats or without a chord)."""
        if self.expect != EVENT or self.pos not in self.strong or self.chord is None:
            return set()
        root, family = theory.parse_chord_token(self.chord)
        return set() if root is None else set(theory.family_pitch_classes(root, family))

    def advance(self, token: str) -> None:
        """Take the token written (forced or sampled); ValueError if the grammar does not allow it."""
        forced = self.forced()
        if token != forced and (forced is not None or self.index.get(token) not in self.allowed()):
            raise ValueError(f"{token!r} is not allowed here (bar {self.bar + 1}, sixteenth {self.pos})")
        kind = (theory.read_token(token) or {"kind": "other"})["kind"]
        if kind == "start":
            self.started = True
        elif kind == "style":
            self.styled = True
        elif kind == "end":
            self.done = True
        elif kind == "bar":
            self.bar, self.pos = self.bar + 1, 0
        elif kind == "chord":
            self.chord, self.chord_written_at = token, self.step
        elif kind in ("note", "rest", "tie"):
            self.pending, self.expect = kind, LENGTH
        elif kind == "length":
            self.pos = min(self.pos + theory.read_token(token)["sixteenths"], self.boundary())
            self.last_event, self.pending, self.expect = self.pending, None, EVENT


def vocabulary_chords(vocabulary: list[str]) -> list[tuple[str, int, str]]:
    """The vocabulary's chord tokens as (token, root, family), in theory.json's family order, then by
    root: the order that breaks ties, as theory.family_of's does."""
    chords = []
    for token in vocabulary:
        parsed = theory.parse_chord_token(token)
        if parsed and parsed[0] is not None:
            chords.append((token, *parsed))
    return sorted(chords, key=lambda c: (theory.FAMILY_NAMES.index(c[2]), c[1]))


def guide_tones(root: int, family: str) -> set[int]:
    """The pitch classes that say what a seventh chord is, its third (or sus fourth) and its seventh:
    its family's second and last core tones. Empty for a family without a seventh."""
    info = theory.FAMILIES[family]
    return {(root + info["core"][1]) % 12, (root + info["core"][-1]) % 12} if info["seventh"] else set()


def _fit(chord: theory.Chord, root: int, family: str) -> float:
    """How well a vocabulary chord fits a chord's pitch classes, scored as theory.family_of scores."""
    return theory.family_fit(chord.pitch_classes, chord.bass, root, family)


def nearest_chord_token(chord: theory.Chord, vocabulary: list[str]) -> str | None:
    """The token for a chord (already in the model's key): its own family's when the vocabulary has
    it, else the vocabulary's chord that fits its pitch classes best (_fit; the first best in
    vocabulary_chords order). A seventh chord keeps its 7th where it can: the best seventh chord
    that holds its guide tones and no tone outside the chord and its family's voicing (Ab13 without a
    dominant 7th on Ab is Cm7b5, Ab9 without its root, not Ab6; Cmaj7 without maj7 on C is Em7, its
    maj9). '@NC' for no chord if the vocabulary has it; None when nothing fits.
    web_src/js/ai/compose.js maps the same way."""
    if chord.root is None:
        return theory.NO_CHORD_TOKEN if theory.NO_CHORD_TOKEN in vocabulary else None
    own = theory.chord_token(chord.root, chord.family)
    if own in vocabulary:
        return own
    choices = vocabulary_chords(vocabulary)
    guides = guide_tones(chord.root, chord.family)
    room = set(chord.pitch_classes) | set(theory.family_pitch_classes(chord.root, chord.family))
    keeping = [
        (token, root, family)
        for token, root, family in choices
        if theory.FAMILIES[family]["seventh"] and guides <= _core(root, family) <= room
    ]
    candidates = keeping if guides and keeping else choices
    best, best_score = None, -math.inf
    for token, root, family in candidates:
        score = _fit(chord, root, family)
        if score > best_score:
            best, best_score = token, score
    return best


def _core(root: int, family: str) -> set[int]:
    return {(root + i) % 12 for i in theory.FAMILIES[family]["core"]}
