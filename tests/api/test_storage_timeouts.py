"""A database that accepts connections and never answers: requests end as this API's 503
(``Retry-After``, ``{"detail": ...}``, CORS headers) well inside the 10 s Lambda timeout,
instead of as API Gateway's timeout, and each logs its cause exactly once."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from chalice.test import Client
from helpers import ORIGIN
from log_capture import LogLines

from chalicelib import timeouts

# Timeouts and deadlines of botocore calls to a stalled server.
pytestmark = pytest.mark.dynamodb

# The Lambda timeout is 10 s; the 503 must leave API Gateway a clear margin.
ANSWERED_WITHIN_SECONDS = 8.5


class StalledServer:
    """Accepts TCP connections on the loopback interface, then never reads or answers:
    a hung dependency."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0), backlog=64)
        self._listener.settimeout(0.1)  # so that the accepting thread notices close()
        self.address = f"127.0.0.1:{self._listener.getsockname()[1]}"
        self.url = f"http://{self.address}"
        self._accepted: list[socket.socket] = []
        self._closing = threading.Event()
        self._thread = threading.Thread(target=self._accept, name="stalled-server", daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._closing.is_set():
            try:
                connection, _ = self._listener.accept()
            except TimeoutError:
                continue
            self._accepted.append(connection)  # held open, never answered

    def close(self) -> None:
        self._closing.set()
        self._thread.join()
        for connection in self._accepted:
            connection.close()
        self._listener.close()


@pytest.fixture
def stalled_server() -> Iterator[StalledServer]:
    server = StalledServer()
    yield server
    server.close()


@pytest.fixture
def stalled_client(
    stalled_server: StalledServer, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Client]:
    """The app with DynamoDB and S3 at the stalled server."""
    from app import app
    from chalicelib.config import reset_settings

    monkeypatch.setenv("AWS_ENDPOINT_URL", stalled_server.url)
    reset_settings()  # the models are bound again, to the stalled server, on first use
    with Client(app, stage_name="test") as client:
        yield client
    # Before monkeypatch restores the endpoint: the next test binds to its own again.
    reset_settings()


def timed_request(
    client: Client, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
) -> tuple[Any, float]:
    sent = {"Origin": ORIGIN, "Content-Type": "application/json", **(headers or {})}
    payload = json.dumps(body).encode() if body is not None else b""
    started = time.monotonic()
    response = client.http.request(method, path, headers=sent, body=payload)
    return response, time.monotonic() - started


def assert_timely_503(response: Any, elapsed: float) -> None:
    assert response.status_code == 503, response.body
    assert int(response.headers["Retry-After"]) > 0
    assert set(json.loads(response.body)) == {"detail"}
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert elapsed < ANSWERED_WITHIN_SECONDS


def assert_one_storage_error_line(lines: list[dict[str, Any]], expected: str) -> None:
    """Exactly one line per failed request carries ``storage_error`` (a metric filter
    counts them), and it belongs to that request."""
    (failure,) = [line for line in lines if "storage_error" in line]
    (access,) = [line for line in lines if line["logger"] == "shop.access"]
    assert failure["storage_error"] == expected
    assert failure["request_id"] == access["request_id"]


def test_a_product_read_from_a_stalled_database_is_a_503_inside_the_lambda_timeout(
    stalled_client: Client, stalled_server: StalledServer, log_lines: LogLines
) -> None:
    response, elapsed = timed_request(stalled_client, "GET", "/api/products/1/")

    assert_timely_503(response, elapsed)
    assert_one_storage_error_line(log_lines(), f"ReadTimeoutError at {stalled_server.address}")


def test_an_authenticated_write_to_a_stalled_database_is_a_503_inside_the_lambda_timeout(
    stalled_client: Client, stalled_server: StalledServer, log_lines: LogLines
) -> None:
    response, elapsed = timed_request(
        stalled_client,
        "POST",
        "/api/cart/add_item/",
        {"product_id": 1, "quantity": 1},
        headers={"Authorization": "Token 1.not-checked-before-the-session-lookup"},
    )

    assert_timely_503(response, elapsed)
    assert_one_storage_error_line(log_lines(), f"ReadTimeoutError at {stalled_server.address}")


def test_an_attempt_that_could_not_finish_before_the_deadline_is_not_started(
    stalled_client: Client, stalled_server: StalledServer
) -> None:
    """A request that has spent most of its time already: the first attempt fits and
    times out; the retry could not finish in time, so it is refused instead of made."""
    from pynamodb.exceptions import GetError

    from chalicelib.store.failures import as_shop_error, describe_storage_failure
    from chalicelib.store.models import bind_models
    from chalicelib.store.models.catalog import ProductRecord

    bind_models()
    time_for_one_attempt = timeouts.DEADLINE_MARGIN_SECONDS + timeouts.ATTEMPT_WORST_CASE_SECONDS
    budget = timeouts.start_request(seconds_left=time_for_one_attempt + 0.5)
    started = time.monotonic()
    try:
        with pytest.raises(GetError) as raised:
            ProductRecord.get(1)
    finally:
        elapsed = time.monotonic() - started
        timeouts.end_request(budget)

    # One read timeout and a short backoff, not two attempts.
    assert elapsed < timeouts.READ_TIMEOUT_SECONDS + 1
    described = describe_storage_failure(raised.value)
    assert described == f"RequestDeadlineReached at {stalled_server.address}"
    assert as_shop_error(raised.value) is not None  # a 503, like any storage failure
