"""builder/copyguard.py: the runs it hashes, the lengths it takes out, the page's twin hashing the same
text to the same number, and a composition that cannot copy a run of the pieces it guards."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from builder.copyguard import (
    RUN,
    CopyGuard,
    build_guard,
    guard_file_bytes,
    longest_copied_run,
    read_guard_file,
    run_hash,
    run_text,
)
from builder.generate import compose
from builder.leadsheet import grammar_tokens
from builder.stepper import Stepper
from builder.train import build_model

REPO = Path(__file__).resolve().parent.parent
NODE = shutil.which("node") or "node"
TINY = {"embedding": 8, "lstm_units": [16], "dropout": 0.0, "dense_units": 16, "learning_rate": 0.01}
VOCAB = [*grammar_tokens(), "@0:maj7", "@9:m7", *(f"n{m}" for m in range(60, 73))]
TEXTS = [
    [],
    ["n67 d4"],
    ["n67 d4", "r d2", "~ d4", "n60 d2"],
    ["héllo wörld", "𝄞 d1", "n5"],
    [f"n{60 + i} d{1 + i % 4}" for i in range(13)],
    ["n128 d4", "n007 d2", "n60 d4"],  # not notes (music/tokens.js readToken): left as they are
]


def sheet(midis: list[int]) -> list[str]:
    """A piece of quarter notes, four a bar."""
    tokens = ["<s>"]
    for i, midi in enumerate(midis):
        if i % 4 == 0:
            tokens.append("|")
        tokens += [f"n{midi}", "d4"]
    return tokens + ["</s>"]


def test_the_page_hashes_the_same_runs_to_the_same_numbers():
    script = r"""
    import { pathToFileURL } from 'node:url';
    const { runHash } = await import(pathToFileURL(process.argv[1]).href);
    process.stdout.write(JSON.stringify(JSON.parse(process.argv[2]).map(runHash)));
    """
    result = subprocess.run(
        [NODE, "--input-type=module", "-e", script, str(REPO / "web_src/js/ai/copyguard.js"), json.dumps(TEXTS)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    ours = [run_hash(t) for t in TEXTS]
    assert json.loads(result.stdout) == ours
    assert ours[0] == 0x811C9DC5 and len(set(ours)) == len(ours) and all(0 <= h < 2**32 for h in ours)
    assert run_text(TEXTS[2]) == "n0 d4 r d2 ~ d4 n-7 d2"
    assert run_text(TEXTS[-1]) == "n128 d4 n007 d2 n0 d4"  # the first note is n60


def fed(guard: CopyGuard, midis: list[int]) -> CopyGuard:
    """The guard after the first 12 of `midis` as quarter notes and the 13th note, its length to come."""
    for midi in midis[: RUN - 1]:
        guard.take(f"n{midi}")
        guard.take("d4")
    guard.take(f"n{midis[RUN - 1]}")
    return guard


def test_a_run_is_guarded_in_every_key():
    """The model learns the lead sheets transposed too: the same run a fourth higher is refused."""
    midis = [60 + (i * 5) % 12 for i in range(13)]
    guard = fed(CopyGuard(build_guard([sheet(midis)])), [m + 5 for m in midis])
    lengths = [VOCAB.index(t) for t in ("d2", "d4")]
    assert [VOCAB[i] for i in guard.allowed(lengths, VOCAB)] == ["d2"]


def test_every_run_of_13_events_is_hashed_and_no_shorter_one():
    midis = [60 + (i * 5) % 12 for i in range(20)]
    guard = build_guard([sheet(midis)])
    assert guard["n"] == RUN and len(guard["hashes"]) == 20 - RUN + 1
    events = [f"n{m} d4" for m in midis]
    assert run_hash(events[:RUN]) in guard["hashes"] and run_hash(events[1 : RUN + 1]) in guard["hashes"]
    assert run_hash(events[: RUN - 1]) not in guard["hashes"]
    assert guard["hashes"] == sorted(guard["hashes"])


def test_the_length_that_would_copy_a_13th_event_is_taken_out_unless_it_is_the_only_one():
    midis = [60 + (i * 5) % 12 for i in range(16)]
    guard = fed(CopyGuard(build_guard([sheet(midis)])), midis)
    lengths = [VOCAB.index(t) for t in ("d2", "d4", "d8")]
    assert [VOCAB[i] for i in guard.allowed(lengths, VOCAB)] == ["d2", "d8"]
    assert guard.allowed([VOCAB.index("d4")], VOCAB) == [VOCAB.index("d4")]  # nothing else fits: allowed
    guard.take("d2")  # the run is broken: the next one is free again
    guard.take(f"n{midis[13]}")
    assert guard.allowed(lengths, VOCAB) == lengths


def test_longest_copied_run_counts_events_in_a_row_of_one_piece():
    source = [60, 62, 64, 65, 67, 69, 71, 72, 71, 69, 67, 65, 64, 62, 60, 62]
    copied = sheet([61, 61] + source[:12] + [66, 66])
    assert longest_copied_run(copied, [sheet(source), sheet([61, 61, 61])]) == 12
    assert longest_copied_run(sheet(source[:13]), [sheet(source)]) == 13
    assert longest_copied_run(sheet([70, 70]), [sheet(source)]) == 0


def test_a_guarded_composition_never_copies_a_run_of_the_guarded_pieces():
    """A tiny untrained model at temperature 0 repeats itself; guarded by runs of its own first piece
    (n = 4 so that the guard bites often), it writes something else and copies no run of 4."""
    model = build_model(TINY, vocab_size=len(VOCAB))
    chords = [{"step": 0, "length": 16, "symbol": "Cmaj7"}, {"step": 16, "length": 16, "symbol": "Am7"}]
    free = compose(Stepper(model), VOCAB, bars=8, seed=3, chords=chords, temperature=0.0)["tokens"]
    guard = build_guard([free], n=4)
    guarded = compose(Stepper(model), VOCAB, bars=8, seed=3, chords=chords, temperature=0.0, copy_guard=guard)
    assert longest_copied_run(free, [free]) == len([t for t in free if t.startswith("d")])
    assert guarded["tokens"] != free
    assert longest_copied_run(guarded["tokens"], [free]) <= 3


def test_the_built_model_ships_its_guard_to_the_page(built_site):
    """meta.json records the guard of the lead sheets it was trained on; the page's compose() gets it
    from copyguard.u32, which generation.json names (the tiny content has no lead sheets: a guard
    with nothing to refuse)."""
    meta = json.loads((built_site.parent / "content" / "model" / "meta.json").read_text())
    generation = json.loads((built_site / "model" / "generation.json").read_text())
    assert meta["copyGuard"] == {"n": RUN, "hashes": []}
    assert generation["copyGuard"] == {"n": RUN, "url": "copyguard.u32", "count": 0}
    assert (
        read_guard_file((built_site / "model" / generation["copyGuard"]["url"]).read_bytes())
        == meta["copyGuard"]["hashes"]
    )


def test_the_guard_file_holds_each_hash_in_four_bytes():
    hashes = [4294243781, 41145, 0, 2**31]
    data = guard_file_bytes(hashes)
    assert len(data) == 16 and data[:4] == bytes(4)  # sorted, little-endian
    assert read_guard_file(data) == sorted(hashes)
    with pytest.raises(ValueError, match="4 bytes a hash"):
        read_guard_file(data[:-1])
