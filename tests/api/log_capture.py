"""Capturing the app's JSON log lines in a test (the ``log_lines`` fixture)."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest

LogLines = Callable[[], list[dict[str, Any]]]


@pytest.fixture
def log_lines() -> Iterator[LogLines]:
    """What the app's log handler writes, parsed line by line (a line that is not JSON
    fails the test)."""
    import app  # noqa: F401  (its middleware installs the JSON handler)
    from chalicelib.api.logs import JsonFormatter

    (handler,) = [
        handler
        for handler in logging.getLogger("shop").handlers
        if isinstance(handler.formatter, JsonFormatter)
    ]
    assert isinstance(handler, logging.StreamHandler)
    written = io.StringIO()
    previous = handler.setStream(written)
    try:
        yield lambda: [json.loads(line) for line in written.getvalue().splitlines()]
    finally:
        handler.setStream(previous)
