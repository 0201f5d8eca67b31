"""Mirrors ``chalicelib.store.login_attempts``: failed-login windows in
``table("lookups")`` (``login-failures#user#<casefolded name>`` and
``login-failures#address#<address>`` -> ``{"failures", "window_started_at",
"expires_at"}``), read together with the username claim in one call, and counted or
checked inside the use case's unit of work under the same conditions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from chalicelib.domain.throttling import Counter, FailureWindow, LoginState
from chalicelib.local.memory import core
from chalicelib.local.memory.unit_of_work import UnitOfWork
from chalicelib.store.login_attempts import (
    ADDRESS_LIMIT,
    USERNAME_LIMIT,
    address_failures_key,
    username_failures_key,
)
from chalicelib.store.users import username_claim_key

__all__ = ["ADDRESS_LIMIT", "USERNAME_LIMIT", "address_failures_key", "username_failures_key"]


def _lookups() -> dict[str, dict[str, Any]]:
    return core.table("lookups")


def _window(record: dict[str, Any] | None) -> FailureWindow:
    if record is None or record.get("window_started_at") is None:
        return FailureWindow(failures=0, started_at=0)
    return FailureWindow(
        failures=int(record.get("failures") or 0), started_at=int(record["window_started_at"])
    )


def read_login_state(username: str, address: str) -> LoginState:
    with core.call("BatchGetItem"):
        claim = _lookups().get(username_claim_key(username))
        username_failures = _window(_lookups().get(username_failures_key(username)))
        address_failures = _window(_lookups().get(address_failures_key(address)))
    user_id = claim.get("user_id") if claim is not None else None
    return LoginState(
        user_id=int(user_id) if user_id is not None else None,
        username_failures=username_failures,
        address_failures=address_failures,
    )


def _below_limit(key: str, limit: int, now: int, window_seconds: int) -> bool:
    """The counter allows one more attempt: no window, an expired one, or room in it (an
    absent attribute fails a comparison, as in a DynamoDB condition)."""
    record = _lookups().get(key, {})
    failures, started_at = record.get("failures"), record.get("window_started_at")
    return (
        failures is None
        or failures < limit
        or (started_at is not None and started_at <= now - window_seconds)
    )


def stage_limit_checks(
    work: UnitOfWork, counters: list[Counter], now: int, window_seconds: int
) -> None:
    """A check per counter that it is still below its limit when the login commits."""
    for counter in counters:
        work.check(
            counter.label, partial(_below_limit, counter.key, counter.limit, now, window_seconds)
        )


def stage_failure(work: UnitOfWork, counter: Counter, now: int, window_seconds: int) -> None:
    """Count one failure in the window read, or open a new window if it had passed; either
    way only if the counter is still as read (and, in an open window, below its limit)."""
    expires_at = datetime.fromtimestamp(now + window_seconds, UTC) + timedelta(minutes=1)
    key, limit, window = counter.key, counter.limit, counter.window
    if window.started_at > now - window_seconds:

        def room_in_window_read() -> bool:
            record = _lookups().get(key, {})
            failures = record.get("failures")
            return (
                record.get("window_started_at") == window.started_at
                and failures is not None
                and failures < limit
            )

        def count() -> None:
            record = _lookups()[key]
            record["failures"] = record["failures"] + 1
            record["expires_at"] = expires_at

        work.stage(counter.label, count, room_in_window_read)
        return

    def unchanged() -> bool:
        started_at = _lookups().get(key, {}).get("window_started_at")
        if window.started_at == 0:
            return started_at is None
        return started_at == window.started_at

    def open_window() -> None:
        _lookups()[key] = {"failures": 1, "window_started_at": now, "expires_at": expires_at}

    work.stage(counter.label, open_window, unchanged)


def read_counters(keys: list[str]) -> dict[str, FailureWindow]:
    with core.call("BatchGetItem"):
        return {key: _window(_lookups().get(key)) for key in keys}
