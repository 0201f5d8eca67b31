"""Storage failures a client can wait out become 503s; anything else stays a bug. The log
names what failed underneath, and where."""

from __future__ import annotations

from botocore.exceptions import ClientError, EndpointConnectionError, ReadTimeoutError
from pynamodb.exceptions import CancellationReason, GetError, TransactWriteError, VerboseClientError

from chalicelib import timeouts
from chalicelib.errors import ServiceUnavailable
from chalicelib.store.failures import as_shop_error, describe_storage_failure

DYNAMODB = "https://dynamodb.eu-west-1.amazonaws.com/"


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


def test_a_read_timeout_under_a_pynamodb_error_is_a_service_unavailable() -> None:
    # botocore's ReadTimeoutError has a ``response`` of None, on which PynamoDB's own
    # ``cause_response_code`` fails: this was a 500.
    error = GetError("Failed", cause=ReadTimeoutError(endpoint_url=DYNAMODB))

    assert isinstance(as_shop_error(error), ServiceUnavailable)


def test_the_503_keeps_the_storage_failure_as_its_cause() -> None:
    error = GetError("Failed", cause=client_error("ThrottlingException"))

    translated = as_shop_error(error)

    assert translated is not None and translated.__cause__ is error


def test_a_botocore_failure_is_logged_by_name_with_its_endpoint_host() -> None:
    error = GetError("Failed", cause=ReadTimeoutError(endpoint_url=DYNAMODB))

    assert describe_storage_failure(error) == (
        "ReadTimeoutError at dynamodb.eu-west-1.amazonaws.com"
    )


def test_an_aws_error_is_logged_by_code_with_the_host_of_the_latest_attempt() -> None:
    token = timeouts.start_request(seconds_left=10)
    try:
        budget = timeouts.current_budget()
        assert budget is not None
        budget.endpoint = "dynamodb.eu-west-1.amazonaws.com"

        described = describe_storage_failure(client_error("ThrottlingException"))
    finally:
        timeouts.end_request(token)

    assert described == "ThrottlingException at dynamodb.eu-west-1.amazonaws.com"


def test_a_cancelled_transaction_is_logged_with_its_reasons() -> None:
    described = describe_storage_failure(cancelled(None, "TransactionConflict"))

    assert described == "TransactionCanceledException (TransactionConflict)"


def test_a_503_raised_from_a_storage_failure_is_logged_as_one() -> None:
    try:
        try:
            raise GetError("Failed", cause=EndpointConnectionError(endpoint_url=DYNAMODB))
        except GetError as error:
            raise ServiceUnavailable(detail="The database is not answering.") from error
    except ServiceUnavailable as unavailable:
        described = describe_storage_failure(unavailable)

    assert described == "EndpointConnectionError at dynamodb.eu-west-1.amazonaws.com"


def test_a_503_for_writers_that_keep_losing_races_is_not_a_storage_failure() -> None:
    try:
        try:
            raise cancelled("ConditionalCheckFailed")
        except TransactWriteError:
            raise ServiceUnavailable(detail="Too many changes at once.")  # noqa: B904
    except ServiceUnavailable as unavailable:
        assert describe_storage_failure(unavailable) is None
