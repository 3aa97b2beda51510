"""The build's small exception hierarchy.

Content problems are collected, not raised one at a time, so that a musician sees every problem in
their files after one run (as MkDocs does), each on one line naming the file and the place.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one content file: where it is and what is wrong."""

    path: Path | str
    message: str
    where: str = ""  # "bar 3, beat 2", "line 12", "token 'X'"...

    def __str__(self) -> str:
        place = f" ({self.where})" if self.where else ""
        return f"{self.path}{place}: {self.message}"


class BuildError(Exception):
    """The build cannot go on. Its problems are printed one per line, without a traceback."""

    def __init__(self, problems: list[Problem] | Problem | str):
        if isinstance(problems, (Problem, str)):
            problems = [problems]
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class ContentError(BuildError):
    """Something in content/ (a MIDI file, a song, a sample, the site config) is wrong."""
