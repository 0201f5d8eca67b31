"""Turn storage failures that a client could cause or wait out into domain errors."""

from __future__ import annotations

from botocore.exceptions import BotoCoreError, ClientError
from pynamodb.exceptions import PynamoDBException

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


def as_shop_error(exc: BaseException) -> ShopError | None:
    """The domain error for an infrastructure failure, or None for a real bug."""
    code = error_code(exc)
    if code in RETRYABLE_CODES:
        return ServiceUnavailable(retry_after_seconds=1)
    if isinstance(exc, (BotoCoreError, PynamoDBException)) and code is None:
        # Connection-level failures (timeouts, endpoint unreachable).
        return ServiceUnavailable(retry_after_seconds=2)
    return None
