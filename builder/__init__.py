"""Lofi Player: a static-site builder for a pure-browser lo-fi hip-hop player."""

__version__ = "0.1.0"
