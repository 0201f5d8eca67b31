"""Checkout when the database refuses or conflicts a transaction, and the database
client's own retries: what PynamoDB and botocore do, so against the moto server."""

from __future__ import annotations

from typing import Any

import pytest
from helpers import add_to_cart, check_out, stock_of
from pynamodb.connection.base import Connection
from pynamodb.exceptions import CancellationReason, TransactWriteError, VerboseClientError

pytestmark = pytest.mark.dynamodb


def transaction_cancelled_by(code: str) -> TransactWriteError:
    cause = VerboseClientError(
        {"Error": {"Code": "TransactionCanceledException", "Message": code}},
        "TransactWriteItems",
        cancellation_reasons=[CancellationReason(code=code)],
    )
    return TransactWriteError("Failed to write transaction items", cause=cause)


def throttled_call() -> TransactWriteError:
    cause = VerboseClientError(
        {"Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"}},
        "TransactWriteItems",
    )
    return TransactWriteError("Failed to write transaction items", cause=cause)


@pytest.fixture
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.services import contention

    monkeypatch.setattr(contention.time, "sleep", lambda seconds: None)


@pytest.mark.parametrize(
    "failure",
    [
        lambda: transaction_cancelled_by("TransactionConflict"),
        lambda: transaction_cancelled_by("ThrottlingError"),
        throttled_call,
    ],
    ids=["conflict", "throttled-item", "throttled-call"],
)
def test_a_busy_database_is_a_503_with_retry_after_and_nothing_written(
    api, shopper, jacket, monkeypatch, no_backoff, failure
) -> None:
    add_to_cart(shopper, jacket, 2)

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise failure()

    monkeypatch.setattr(Connection, "transact_write_items", refuse)
    reply = check_out(shopper)
    monkeypatch.undo()

    assert reply.status == 503
    assert int(reply.headers["Retry-After"]) >= 1
    assert stock_of(api, jacket) == 5
    assert len(shopper.get("/api/cart/items/").body["items"]) == 1
    assert shopper.get("/api/orders/").body == []


def test_a_transaction_conflict_is_retried_until_it_goes_through(
    api, shopper, jacket, monkeypatch, no_backoff
) -> None:
    add_to_cart(shopper, jacket, 2)
    real = Connection.transact_write_items
    failures = [transaction_cancelled_by("TransactionConflict") for _ in range(2)]

    def conflict_twice(self: Connection, *args: Any, **kwargs: Any) -> Any:
        if failures:
            raise failures.pop()
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Connection, "transact_write_items", conflict_twice)

    assert check_out(shopper).status == 201
    assert stock_of(api, jacket) == 3


def test_the_database_client_retries_throttling_with_backoff() -> None:
    from chalicelib.store.models import shared_connection

    retries = shared_connection().client.meta.config.retries

    assert retries["mode"] in ("standard", "adaptive")
    assert retries["total_max_attempts"] > 1
