"""Write public-domain works from music21's bundled corpus into content/midi/ as MIDI files.

The default training corpus is made with this script, so its provenance is reproducible:
    python tools/export_music21_corpus.py
Each work is listed in content/CREDITS.md.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from music21 import corpus

# Bach's four-part chorales (public domain works; encodings shipped with music21's BSD-licensed corpus).
CHORALES = [
    "bach/bwv1.6", "bach/bwv2.6", "bach/bwv3.6", "bach/bwv4.8", "bach/bwv5.7", "bach/bwv6.6",
    "bach/bwv7.7", "bach/bwv8.6", "bach/bwv9.7", "bach/bwv10.7", "bach/bwv11.6", "bach/bwv13.6",
    "bach/bwv14.5", "bach/bwv16.6", "bach/bwv17.7", "bach/bwv18.5", "bach/bwv19.7", "bach/bwv20.7",
    "bach/bwv20.11", "bach/bwv24.6", "bach/bwv25.6", "bach/bwv26.6", "bach/bwv27.6", "bach/bwv28.6",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("content/midi/bach-chorales"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for name in CHORALES:
        score = corpus.parse(name)
        target = args.out / f"{name.split('/')[-1].replace('.', '_')}.mid"
        score.write("midi", fp=target)
        print(target)


if __name__ == "__main__":
    main()
