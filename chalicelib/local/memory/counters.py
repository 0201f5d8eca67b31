"""Mirrors ``chalicelib.store.counters`` and ``chalicelib.store.id_blocks``: one counter
per kind of id, in ``table("counters")``, each move one UpdateItem."""

from __future__ import annotations

from chalicelib.local.memory import core


def reserve_ids(kind: str, count: int) -> list[int]:
    """``count`` consecutive new ids for ``kind`` in one counter update."""
    if count < 1:
        return []
    with core.call("UpdateItem"):
        counters = core.table("counters")
        counters[kind] = counters.get(kind, 0) + count
        last = int(counters[kind])
    return list(range(last - count + 1, last + 1))


def next_id(kind: str) -> int:
    """The next integer id for ``kind``."""
    return reserve_ids(kind, 1)[0]


def peek(kind: str) -> int:
    """The last id issued for ``kind`` (0 before the first)."""
    with core.call("GetItem"):
        return int(core.table("counters").get(kind, 0))
