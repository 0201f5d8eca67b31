"""Retrying a use case whose optimistic write lost a race, and telling whether a delete
whose answer was lost landed."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

from chalicelib.domain.storage import WriteConflict
from chalicelib.errors import NotFound, ServiceUnavailable

ResultT = TypeVar("ResultT")

MAX_ATTEMPTS = 10
FIRST_BACKOFF_SECONDS = 0.01
MAX_BACKOFF_SECONDS = 0.2
BUSY = "Too many changes to the same records at once. Please retry."


def retried[ResultT](use_case: Callable[[], ResultT]) -> ResultT:
    """Run ``use_case`` again, from its reads, while a write it based on them lost a race;
    jittered exponential backoff keeps racing requests apart. A use case that keeps losing
    ends as a 503 with Retry-After (nothing of it was written)."""
    for attempt in range(MAX_ATTEMPTS):
        try:
            return use_case()
        except WriteConflict:
            if attempt + 1 < MAX_ATTEMPTS:
                ceiling = min(MAX_BACKOFF_SECONDS, FIRST_BACKOFF_SECONDS * 2**attempt)
                time.sleep(random.uniform(0, ceiling))
    raise ServiceUnavailable(retry_after_seconds=1, detail=BUSY)


def gone(read_again: Callable[[], object]) -> bool:
    """Whether the record ``read_again`` reads is known to be gone (a failed read says
    nothing): after a delete that failed, whether it landed all the same."""
    try:
        read_again()
    except NotFound:
        return True
    except Exception:
        return False
    return False
