from __future__ import annotations

from chalicelib.store.models.counters import CounterRecord


def reserve_ids(kind: str, count: int) -> list[int]:
    """``count`` consecutive new ids for ``kind`` in one atomic counter update (a retried
    call may skip a block, never repeat one)."""
    if count < 1:
        return []
    counter = CounterRecord(kind)
    counter.update(actions=[CounterRecord.value.add(count)])
    last = int(counter.value)
    return list(range(last - count + 1, last + 1))
