"""Optimistic writes that lost a race: the caller reads again and retries."""

from __future__ import annotations

from pynamodb.exceptions import PynamoDBException, TransactWriteError

from chalicelib.store.failures import RETRYABLE_CANCELLATIONS, error_code


class WriteConflict(Exception):
    """What the write was based on changed before it landed; nothing was written."""


def lost_a_race(error: TransactWriteError) -> bool:
    """Cancelled because another transaction held one of the items at the same moment."""
    return any(
        reason is not None and reason.code in RETRYABLE_CANCELLATIONS
        for reason in error.cancellation_reasons or []
    )


def failed_its_condition(error: PynamoDBException) -> bool:
    return error_code(error) == "ConditionalCheckFailedException"
