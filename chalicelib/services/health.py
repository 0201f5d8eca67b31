from __future__ import annotations

from chalicelib.store import counters


def check_database() -> None:
    """One cheap read; a failure surfaces as 503 through the usual error mapping."""
    counters.peek("product")
