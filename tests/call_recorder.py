"""Recording the DynamoDB calls the code makes (the ``dynamodb_calls`` fixture of
tests/integration), so that a test can assert how many calls a path costs."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Call:
    operation: str
    tables: tuple[str, ...]
    params: dict[str, Any] = field(compare=False, repr=False)


def _tables(params: dict[str, Any]) -> tuple[str, ...]:
    if "TableName" in params:
        return (params["TableName"],)
    if "RequestItems" in params:
        return tuple(sorted(params["RequestItems"]))
    names = set()
    for item in params.get("TransactItems", []):
        for action in item.values():
            names.add(action["TableName"])
    return tuple(sorted(names))


@dataclass
class DynamoDBCalls:
    """The DynamoDB operations made while recording, in the order they were made."""

    calls: list[Call] = field(default_factory=list)
    recording: bool = True
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, operation: str, params: dict[str, Any]) -> None:
        if self.recording:
            with self._lock:
                self.calls.append(Call(operation, _tables(params), params))

    @property
    def operations(self) -> list[str]:
        return [call.operation for call in self.calls]

    def per_operation(self) -> Counter[str]:
        return Counter(self.operations)

    def clear(self) -> None:
        with self._lock:
            self.calls.clear()

    @contextmanager
    def counting(self) -> Iterator[DynamoDBCalls]:
        """Record only what happens inside the block (forgetting earlier calls)."""
        self.clear()
        self.recording = True
        try:
            yield self
        finally:
            self.recording = False
