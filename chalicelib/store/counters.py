from __future__ import annotations

from chalicelib.store.models.counters import CounterRecord


def next_id(kind: str) -> int:
    """The next integer id for ``kind``. A retried call may skip a number, never repeat one."""
    counter = CounterRecord(kind)
    counter.update(actions=[CounterRecord.value.add(1)])
    return int(counter.value)


def peek(kind: str) -> int:
    """The last id issued for ``kind`` (0 before the first)."""
    try:
        return int(CounterRecord.get(kind).value)
    except CounterRecord.DoesNotExist:
        return 0
