"""Turn storage failures that a client could cause or wait out into domain errors."""

from __future__ import annotations

from urllib.parse import urlsplit

from botocore.exceptions import BotoCoreError, ClientError
from pynamodb.exceptions import PynamoDBException, TransactWriteError

from chalicelib.domain.storage import WriteConflict
from chalicelib.errors import ServiceUnavailable, ShopError
from chalicelib.timeouts import current_budget

# Codes after which waiting helps; botocore has already retried them with backoff.
RETRYABLE_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        "TransactionConflictException",
        "TransactionInProgressException",
        "InternalServerError",
        "ServiceUnavailable",
    }
)


def error_code(exc: BaseException) -> str | None:
    if isinstance(exc, PynamoDBException):
        # Not PynamoDB's ``cause_response_code``: it fails on a cause whose ``response`` is
        # None, which botocore's ReadTimeoutError has.
        return error_code(exc.cause) if exc.cause is not None else None
    if isinstance(exc, ClientError):
        return str(exc.response.get("Error", {}).get("Code"))
    return None


# Why a transaction item was cancelled, when waiting helps: another transaction held the
# item (two signups claiming one username at once), or the table was throttled.
RETRYABLE_CANCELLATIONS = frozenset(
    {"TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded"}
)


def cancelled_by_contention(exc: BaseException) -> bool:
    """A transaction cancelled because another one held one of its items at the same
    moment, or because the table was throttled: nothing was written, a retry may pass."""
    if not isinstance(exc, TransactWriteError):
        return False
    return any(
        reason is not None and reason.code in RETRYABLE_CANCELLATIONS
        for reason in exc.cancellation_reasons or []
    )


def as_shop_error(exc: BaseException) -> ShopError | None:
    """The domain error for an infrastructure failure, or None for a real bug. It keeps
    ``exc`` as its ``__cause__``, for the log."""
    error: ShopError | None = None
    code = error_code(exc)
    if isinstance(exc, WriteConflict):
        # A lost race that no retry loop caught: nothing was written, a retry may succeed.
        error = ServiceUnavailable(retry_after_seconds=1)
    elif code in RETRYABLE_CODES or cancelled_by_contention(exc):
        error = ServiceUnavailable(retry_after_seconds=1)
    elif isinstance(exc, (BotoCoreError, PynamoDBException)) and code is None:
        # Connection-level failures (timeouts, endpoint unreachable, request deadline).
        error = ServiceUnavailable(retry_after_seconds=2)
    if error is not None:
        error.__cause__ = exc
    return error


def _aws_failure(exc: BaseException) -> BaseException | None:
    """The failed AWS call under ``exc``: the botocore exception, or the error AWS
    answered, found through explicit causes (``raise ... from``) and PynamoDB's wrapping.
    Implicit context is not followed: a 503 raised while handling a lost race is not a
    storage failure."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, (ClientError, BotoCoreError)):
            return current
        if isinstance(current, PynamoDBException):
            # PynamoDB's own failure when it has no cause (a batch left unprocessed items).
            return current.cause or current
        current = current.__cause__
    return None


def _endpoint_host(failure: BaseException) -> str | None:
    """Where the failed attempt went: botocore's connection errors name their URL; for
    the others, the host of the request's latest attempt (recorded by store.deadline)."""
    url = getattr(failure, "kwargs", {}).get("endpoint_url")
    if url:
        return urlsplit(str(url)).netloc or str(url)
    budget = current_budget()
    return budget.endpoint if budget else None


def describe_storage_failure(exc: BaseException) -> str | None:
    """What failed underneath ``exc``, for the log: the AWS error code or the botocore
    exception, and the endpoint host, e.g. ``ReadTimeoutError at
    dynamodb.eu-west-1.amazonaws.com`` or ``ThrottlingException at ...``. None when no AWS
    call failed under it."""
    failure = _aws_failure(exc)
    if failure is None:
        return None
    name = error_code(failure) or type(failure).__name__
    reasons = sorted(
        {reason.code for reason in getattr(failure, "cancellation_reasons", None) or [] if reason}
    )
    if reasons:
        name = f"{name} ({', '.join(reasons)})"
    host = _endpoint_host(failure)
    return f"{name} at {host}" if host else name
