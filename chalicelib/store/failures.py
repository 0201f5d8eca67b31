"""Turn storage failures that a client could cause or wait out into domain errors."""

from __future__ import annotations

from botocore.exceptions import BotoCoreError, ClientError
from pynamodb.exceptions import PynamoDBException, TransactWriteError

from chalicelib.errors import ServiceUnavailable, ShopError

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
        if exc.cause_response_code:
            return exc.cause_response_code
        return error_code(exc.cause) if exc.cause else None
    if isinstance(exc, ClientError):
        return str(exc.response.get("Error", {}).get("Code"))
    return None


# Why a transaction item was cancelled, when waiting helps: another transaction held the
# item (two signups claiming one username at once), or the table was throttled.
RETRYABLE_CANCELLATIONS = frozenset(
    {"TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded"}
)


def _cancelled_by_contention(exc: BaseException) -> bool:
    if not isinstance(exc, TransactWriteError):
        return False
    return any(
        reason is not None and reason.code in RETRYABLE_CANCELLATIONS
        for reason in exc.cancellation_reasons
    )


def as_shop_error(exc: BaseException) -> ShopError | None:
    """The domain error for an infrastructure failure, or None for a real bug."""
    code = error_code(exc)
    if code in RETRYABLE_CODES or _cancelled_by_contention(exc):
        return ServiceUnavailable(retry_after_seconds=1)
    if isinstance(exc, (BotoCoreError, PynamoDBException)) and code is None:
        # Connection-level failures (timeouts, endpoint unreachable).
        return ServiceUnavailable(retry_after_seconds=2)
    return None
