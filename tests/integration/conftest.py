"""Fixtures for store and service tests against the moto server.

``dynamodb_calls`` records every DynamoDB request the code makes, from any thread and any
PynamoDB connection, so a test can assert how many calls a path costs and that none of
them is a Scan.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from botocore.client import BaseClient
from call_recorder import DynamoDBCalls


@pytest.fixture
def dynamodb_calls(store: None, monkeypatch: pytest.MonkeyPatch) -> DynamoDBCalls:
    """Patched at the botocore client class: PynamoDB builds one client per connection
    (and the batch and transaction helpers call the client directly), so a hook on any one
    botocore session would miss some of them."""
    recorder = DynamoDBCalls(recording=False)
    original: Callable[..., Any] = BaseClient._make_api_call

    def recording_call(client: BaseClient, operation: str, params: dict[str, Any]) -> Any:
        if client.meta.service_model.service_name == "dynamodb":
            recorder.add(operation, params)
        return original(client, operation, params)

    monkeypatch.setattr(BaseClient, "_make_api_call", recording_call)
    return recorder


def run_concurrently(calls: Sequence[Callable[[], Any]]) -> list[Any]:
    """Start every call at the same moment, each on its own thread; the result of each, or
    the exception it raised, in the order given."""
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], Any]) -> Any:
        barrier.wait()
        try:
            return call()
        except Exception as error:
            return error

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


@pytest.fixture
def concurrently() -> Callable[[Sequence[Callable[[], Any]]], list[Any]]:
    return run_concurrently
