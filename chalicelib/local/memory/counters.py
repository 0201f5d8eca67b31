"""Mirrors ``chalicelib.store.counters``: one counter per kind of id, in
``table("counters")``."""

from __future__ import annotations

from chalicelib.local.memory import core


def next_id(kind: str) -> int:
    """The next integer id for ``kind`` (one UpdateItem, as in DynamoDB)."""
    with core.call("UpdateItem"):
        return core.next_value(kind)


def peek(kind: str) -> int:
    """The last id issued for ``kind`` (0 before the first)."""
    with core.call("GetItem"):
        return int(core.table("counters").get(kind, 0))
