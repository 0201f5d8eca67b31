"""Storage failures a client can wait out become 503s; anything else stays a bug."""

from __future__ import annotations

from botocore.exceptions import ClientError, EndpointConnectionError
from pynamodb.exceptions import CancellationReason, GetError, TransactWriteError, VerboseClientError

from chalicelib.errors import ServiceUnavailable
from chalicelib.store.failures import as_shop_error


def client_error(code: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": code}}, "GetItem")


def cancelled(*codes: str | None) -> TransactWriteError:
    reasons = [None if code is None else CancellationReason(code=code) for code in codes]
    cause = VerboseClientError(
        {"Error": {"Code": "TransactionCanceledException", "Message": "cancelled"}},
        "TransactWriteItems",
        cancellation_reasons=reasons,
    )
    return TransactWriteError("Failed to write transaction items", cause=cause)


def test_a_throttled_read_is_a_service_unavailable() -> None:
    error = GetError("Failed to get item", cause=client_error("ThrottlingException"))

    assert isinstance(as_shop_error(error), ServiceUnavailable)


def test_an_unreachable_database_is_a_service_unavailable() -> None:
    error = GetError("Failed", cause=EndpointConnectionError(endpoint_url="http://x"))

    assert isinstance(as_shop_error(error), ServiceUnavailable)


def test_a_transaction_cancelled_by_a_concurrent_one_is_a_service_unavailable() -> None:
    assert isinstance(as_shop_error(cancelled(None, "TransactionConflict")), ServiceUnavailable)


def test_a_transaction_cancelled_by_a_condition_is_not_a_storage_failure() -> None:
    assert as_shop_error(cancelled("ConditionalCheckFailed", None)) is None


def test_a_validation_error_is_not_a_storage_failure() -> None:
    assert as_shop_error(client_error("ValidationException")) is None


def test_a_programming_error_is_not_a_storage_failure() -> None:
    assert as_shop_error(KeyError("id")) is None
