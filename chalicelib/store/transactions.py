"""Helpers for reading why a TransactWriteItems was cancelled."""

from __future__ import annotations

from pynamodb.exceptions import TransactWriteError


def failed_condition_positions(error: TransactWriteError) -> list[int]:
    """Positions (in the order PynamoDB *sent* the actions) whose condition failed.

    PynamoDB sends condition checks, then deletes, then puts, then updates, whatever order
    they were added in; callers must map positions with that order in mind.
    """
    reasons = error.cancellation_reasons or []
    return [
        position
        for position, reason in enumerate(reasons)
        if reason is not None and reason.code == "ConditionalCheckFailed"
    ]
