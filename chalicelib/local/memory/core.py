"""The in-memory store's tables, its one lock, and the faults a test can plan.

Every repository function of the in-memory store is one *call*, as each DynamoDB or S3
call of the DynamoDB store is: it runs inside ``call(operation)``, which counts it, holds
the store's lock while it reads or writes (so concurrent use cases see each call as
atomic, as DynamoDB's items and transactions are), and fails it when a test planned a
fault at that step. A fault either refuses the call before it happened (a throttled or
timed-out request that never reached the table) or loses its answer after it happened
(a write that landed while the client timed out), the two ways an AWS call fails.
"""

from __future__ import annotations

import copy
import threading
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from chalicelib.domain.storage import WriteConflict
from chalicelib.errors import ServiceUnavailable

_lock = threading.RLock()
_tables: defaultdict[str, dict[Any, Any]] = defaultdict(dict)


def table(name: str) -> dict[Any, Any]:
    """The rows of table ``name`` by key. Read and write it only inside ``call``."""
    return _tables[name]


def reset() -> None:
    """Empty every table and forget planned faults and counted calls."""
    with _lock:
        _tables.clear()
        FAULTS.clear()


def saved() -> Callable[[], None]:
    """A copy of every table now; the function returned puts it back (for tests that run
    a use case many times from the same data)."""
    with _lock:
        copied = copy.deepcopy(dict(_tables))

    def restore() -> None:
        with _lock:
            _tables.clear()
            _tables.update(copy.deepcopy(copied))

    return restore


# --- faults -----------------------------------------------------------------------------


def throttled() -> Exception:
    """What the use cases get from a call AWS kept refusing or that timed out: the
    contract's 503 with Retry-After (the DynamoDB store's failures map to the same)."""
    return ServiceUnavailable(retry_after_seconds=1)


def transaction_conflict() -> Exception:
    """Another transaction held one of the items: nothing was written, retry."""
    return WriteConflict()


@dataclass(frozen=True)
class Fault:
    """Fail the call at ``step`` (1 = the first call counted after ``plan``) with
    ``error()``; with ``answer_lost`` the call is applied first and only its answer is
    lost."""

    step: int
    error: Callable[[], Exception] = throttled
    answer_lost: bool = False


@dataclass
class FaultPlan:
    faults: dict[int, Fault] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)

    def clear(self) -> None:
        self.faults.clear()
        self.calls.clear()

    def plan(self, *faults: Fault) -> None:
        """Count calls from now, and fail those at the faults' steps."""
        with _lock:
            self.calls.clear()
            self.faults = {fault.step: fault for fault in faults}

    def _next(self, operation: str) -> Fault | None:
        self.calls.append(operation)
        return self.faults.get(len(self.calls))


FAULTS = FaultPlan()


@contextmanager
def call(operation: str) -> Iterator[None]:
    """One call to the store, named like the AWS operation it stands for (``GetItem``,
    ``Query``, ``TransactWriteItems``, ``PutObject`` ...)."""
    with _lock:
        fault = FAULTS._next(operation)
        if fault is not None and not fault.answer_lost:
            raise fault.error()
        yield
    if fault is not None:
        raise fault.error()
