"""What every benchmark's JSON starts with: the machine it ran on and how busy it was, since these
machines are shared and a figure means little without its load."""

from __future__ import annotations

import os


def machine() -> dict:
    return {
        "browser": "headless Chromium",
        "cpus": os.cpu_count(),
        "load_average_1min_at_start": round(os.getloadavg()[0], 2),
    }
