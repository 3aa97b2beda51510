"""Write public-domain works from music21's bundled corpus into content/midi/ as MIDI files.

The default training corpus is made with this script, so its provenance is reproducible:
    python tools/export_music21_corpus.py
Each work is listed in content/CREDITS.md.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from music21 import corpus


def chorales() -> list[str]:
    """Every Bach chorale in music21's corpus (four-part harmonisations, BWV numbers; public domain
    works, in encodings that music21 distributes as freely distributable)."""
    names = []
    for path in corpus.getComposer("bach"):
        stem = Path(path).name.rsplit(".", 1)[0]
        if stem.startswith("bwv") and path.suffix in (".mxl", ".xml", ".krn"):
            names.append(f"bach/{stem}")
    return sorted(set(names))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("content/midi/bach-chorales"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for name in chorales():
        target = args.out / f"{name.split('/')[-1].replace('.', '_')}.mid"
        if target.exists():
            continue
        score = corpus.parse(name)
        if len(score.parts) != 4:  # the chorale collection also holds a few instrumental movements
            continue
        try:
            score.write("midi", fp=target)
        except Exception as error:  # a handful have repeat marks music21 cannot expand
            print(f"skipped {name}: {type(error).__name__}: {error}")
            target.unlink(missing_ok=True)
            continue
        print(target)


if __name__ == "__main__":
    main()
