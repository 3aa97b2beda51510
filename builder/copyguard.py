"""No copying: the sampler may not write more than N - 1 melody events in a row of one lead sheet.

A small model trained on a few dozen lead sheets can reproduce a stretch of one of them, most of all
at low temperatures. The build hashes every run of N melody events (an event with its length,
"n67 d4", "r d2", "~ d4", as builder/leadsheet_metrics.melody_events reads them, in the model's key)
of the encoded lead sheets into a set of 32-bit FNV-1a hashes shipped with the model (meta.json's
"copyGuard": {"n", "hashes"}). A run is hashed with its notes counted from its first note, so that
one hash stands for the run in every key: the model also learns the lead sheets transposed, and a
melody copied a fifth higher is still copied. While composing, a length that would complete a run whose hash is in
the set is not allowed, unless every length would. web_src/js/ai/copyguard.js is the page's twin
(the same hash of the same text; tests/test_copyguard.py checks both).
"""

from __future__ import annotations

import struct

from . import theory
from .leadsheet_metrics import melody_events

RUN = 13  # events: a copied run may be 12 long at most


def run_text(events: list[str]) -> str:
    """The events joined by spaces, each note's number made relative to the run's first note
    ("n67 d4 n70 d2" -> "n0 d4 n3 d2")."""
    first, words = None, []
    for event in events:
        for word in event.split(" "):
            read = theory.read_token(word)  # the one token reader: a note is what it says is a note
            if read and read["kind"] == "note":
                first = read["midi"] if first is None else first
                word = f"{theory.LEADSHEET['notePrefix']}{read['midi'] - first}"
            words.append(word)
    return " ".join(words)


def run_hash(events: list[str]) -> int:
    """FNV-1a (32 bits) over the UTF-16 code units of run_text(events)."""
    h = 0x811C9DC5
    text = run_text(events)
    data = text.encode("utf-16-le", "surrogatepass")
    for i in range(0, len(data), 2):
        h = ((h ^ (data[i] | (data[i + 1] << 8))) * 0x01000193) & 0xFFFFFFFF
    return h


def build_guard(pieces: list[list[str]], n: int = RUN) -> dict:
    """{"n", "hashes": sorted distinct hashes of every run of n events} for token sequences."""
    hashes = set()
    for tokens in pieces:
        events = melody_events(tokens)
        hashes.update(run_hash(events[i : i + n]) for i in range(len(events) - n + 1))
    return {"n": n, "hashes": sorted(hashes)}


def longest_copied_run(tokens: list[str], pieces: list[list[str]]) -> int:
    """The most events in a row of `tokens` equal to a run of events of one of `pieces`."""
    events = melody_events(tokens)
    best = 0
    for other in pieces:
        theirs = melody_events(other)
        previous = [0] * (len(theirs) + 1)  # longest common run ending here (dynamic programming)
        for mine in events:
            current = [0] * (len(theirs) + 1)
            for j, event in enumerate(theirs):
                if event == mine:
                    current[j + 1] = previous[j] + 1
                    best = max(best, current[j + 1])
            previous = current
    return best


class CopyGuard:
    """Follows the piece being written and takes out the lengths that would copy a run."""

    def __init__(self, guard: dict):
        self.n = int(guard["n"])
        self.hashes = set(guard["hashes"])
        self.events: list[str] = []  # the last n - 1 events
        self.pending: str | None = None

    def take(self, token: str) -> None:
        kind = (theory.read_token(token) or {"kind": "other"})["kind"]
        if kind in ("note", "rest", "tie"):
            self.pending = token
        elif kind == "length" and self.pending is not None:
            self.events = (self.events + [f"{self.pending} {token}"])[-(self.n - 1) :] if self.n > 1 else []
            self.pending = None

    def allowed(self, ids: list[int], vocabulary: list[str]) -> list[int]:
        """`ids` without the lengths that would complete a guarded run (all of them if none is left)."""
        if self.pending is None or len(self.events) < self.n - 1:
            return ids
        kept = [
            i
            for i in ids
            if theory.read_token(vocabulary[i])["kind"] != "length"
            or run_hash([*self.events, f"{self.pending} {vocabulary[i]}"]) not in self.hashes
        ]
        return kept or ids


def guard_file_bytes(hashes: list[int]) -> bytes:
    """The guard's hashes as ai/copyguard.js GuardFile reads them (builder/export.py writes the
    file): sorted, 4 bytes each (FNV-1a's 32 bits, little-endian). A third of the same list written
    as JSON numbers, and the page fetches it before a lead sheet's first AI note."""
    return struct.pack(f"<{len(hashes)}I", *sorted(hashes))


def read_guard_file(data: bytes) -> list[int]:
    """guard_file_bytes' hashes again."""
    if len(data) % 4:
        raise ValueError(f"a guard file is 4 bytes a hash, not {len(data)} bytes")
    return list(struct.unpack(f"<{len(data) // 4}I", data))
