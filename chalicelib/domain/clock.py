from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> datetime:
    return datetime.now(UTC)


def isoformat_z(moment: datetime) -> str:
    """``2025-04-17T13:22:25.166148Z``: microseconds always present, as the Django API sent."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_isoformat_z(text: str) -> datetime:
    """What ``isoformat_z`` wrote. ``fromisoformat`` rather than ``strptime``, whose first
    call imports the ``_strptime`` module and its locale tables, on every cold read."""
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        raise ValueError(f"not a UTC timestamp: {text!r}")
    return parsed.astimezone(UTC)
