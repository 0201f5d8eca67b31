"""The limits on AWS calls: one call at its worst fits in the Lambda timeout, every client
the app creates uses them, and every client refuses an attempt that could not finish
before its request's deadline. No network: clients are built, not used."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from chalicelib import timeouts

PROJECT_DIR = Path(__file__).resolve().parents[2]


def lambda_timeout_seconds() -> int:
    config = json.loads((PROJECT_DIR / ".chalice" / "config.json").read_text())
    return int(config["lambda_timeout"])


def test_one_call_at_its_worst_ends_before_the_deadline() -> None:
    one_attempt = timeouts.CONNECT_TIMEOUT_SECONDS + timeouts.READ_TIMEOUT_SECONDS
    worst_call = (
        timeouts.MAX_ATTEMPTS * one_attempt
        + (timeouts.MAX_ATTEMPTS - 1) * timeouts.RETRY_BACKOFF_MAX_SECONDS
    )
    budget = lambda_timeout_seconds() - timeouts.DEADLINE_MARGIN_SECONDS

    assert one_attempt == timeouts.ATTEMPT_WORST_CASE_SECONDS
    assert worst_call == timeouts.CALL_WORST_CASE_SECONDS
    assert worst_call <= budget  # 2 x (1 + 2) + 1 = 7 <= 10 - 2


def test_the_margin_leaves_room_for_a_backoff_and_the_503() -> None:
    assert timeouts.DEADLINE_MARGIN_SECONDS > timeouts.RETRY_BACKOFF_MAX_SECONDS


def test_a_request_deadline_keeps_the_margin_back_from_the_lambda_time_left() -> None:
    token = timeouts.start_request(seconds_left=10)
    try:
        budget = timeouts.current_budget()
        assert budget is not None
        expected = time.monotonic() + 10 - timeouts.DEADLINE_MARGIN_SECONDS
        assert abs(budget.deadline - expected) < 0.5
    finally:
        timeouts.end_request(token)
    assert timeouts.current_budget() is None


@pytest.fixture
def bound_models() -> Iterator[None]:
    from chalicelib.store.models import bind_models

    bind_models()
    yield


def dynamodb_clients() -> list[Any]:
    from chalicelib.store.models import shared_connection
    from chalicelib.store.models.catalog import ProductRecord

    return [ProductRecord._get_connection().connection.client, shared_connection().client]


def s3_client() -> Any:
    from chalicelib.config import get_settings
    from chalicelib.store.images import _client

    return _client(get_settings())


def test_dynamodb_clients_wait_1_s_to_connect_2_s_to_read_and_try_twice(bound_models) -> None:
    for client in dynamodb_clients():
        config = client.meta.config
        assert (config.connect_timeout, config.read_timeout) == (1, 2)
        assert config.retries == {"total_max_attempts": 2, "mode": "standard"}


def test_the_s3_client_waits_1_s_to_connect_2_s_to_read_and_tries_twice() -> None:
    config = s3_client().meta.config
    assert (config.connect_timeout, config.read_timeout) == (1, 2)
    assert config.retries == {"mode": "standard", "total_max_attempts": 2}


def attempt(client: Any, event: str) -> None:
    """What botocore does before each attempt: the ``before-send`` handlers run."""
    client.meta.events.emit(event, request=SimpleNamespace(url="https://aws.example:443/"))


def test_every_client_refuses_an_attempt_that_could_not_finish_in_time(bound_models) -> None:
    from chalicelib.store.deadline import RequestDeadlineReached

    clients = [(client, "before-send.dynamodb.GetItem") for client in dynamodb_clients()]
    clients.append((s3_client(), "before-send.s3.PutObject"))
    token = timeouts.start_request(
        seconds_left=timeouts.DEADLINE_MARGIN_SECONDS + timeouts.ATTEMPT_WORST_CASE_SECONDS - 0.5
    )
    try:
        for client, event in clients:
            with pytest.raises(RequestDeadlineReached, match=r"aws\.example"):
                attempt(client, event)
    finally:
        timeouts.end_request(token)


def test_an_attempt_that_fits_goes_ahead_and_its_endpoint_is_noted(bound_models) -> None:
    (client, _) = dynamodb_clients()
    token = timeouts.start_request(seconds_left=10)
    try:
        attempt(client, "before-send.dynamodb.GetItem")
        budget = timeouts.current_budget()
        assert budget is not None and budget.endpoint == "aws.example:443"
    finally:
        timeouts.end_request(token)


def test_outside_a_request_no_deadline_applies(bound_models) -> None:
    (client, _) = dynamodb_clients()
    assert timeouts.current_budget() is None
    attempt(client, "before-send.dynamodb.GetItem")  # does not raise
