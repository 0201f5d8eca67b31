"""Failed-login counters, read together with the username claim in one BatchGetItem.

A password check is answered only once its outcome is counted: a failure is written as an
increment conditioned on the limit not being reached (``count_failure``), and a success
commits its session together with a check that neither counter reached its limit
(``stage_limit_checks``). However many attempts run at once, at most ``limit`` of them per
window are answered with anything but 429.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pynamodb.expressions.condition import Condition

from chalicelib.domain.throttling import Counter, FailureWindow, LoginState
from chalicelib.store.models.accounts import LookupRecord
from chalicelib.store.unit_of_work import UnitOfWork
from chalicelib.store.users import username_claim_key

USERNAME_LIMIT = "username-limit"
ADDRESS_LIMIT = "address-limit"


def username_failures_key(username: str) -> str:
    return f"login-failures#user#{username.casefold()}"


def address_failures_key(address: str) -> str:
    return f"login-failures#address#{address}"


def _window(record: LookupRecord | None) -> FailureWindow:
    if record is None or record.window_started_at is None:
        return FailureWindow(failures=0, started_at=0)
    return FailureWindow(
        failures=int(record.failures or 0), started_at=int(record.window_started_at)
    )


def read_login_state(username: str, address: str) -> LoginState:
    keys = [
        username_claim_key(username),
        username_failures_key(username),
        address_failures_key(address),
    ]
    found = {record.key: record for record in LookupRecord.batch_get(keys, consistent_read=True)}
    claim = found.get(keys[0])
    return LoginState(
        user_id=int(claim.user_id) if claim and claim.user_id is not None else None,
        username_failures=_window(found.get(keys[1])),
        address_failures=_window(found.get(keys[2])),
    )


def _below_limit(counter: Counter, now: int, window_seconds: int) -> Condition:
    """The counter allows one more attempt: no window, an expired one, or room in it."""
    return (
        LookupRecord.failures.does_not_exist()
        | (LookupRecord.failures < counter.limit)
        | (LookupRecord.window_started_at <= now - window_seconds)
    )


def stage_limit_checks(
    work: UnitOfWork, counters: list[Counter], now: int, window_seconds: int
) -> None:
    """A successful login commits only if no counter reached its limit meanwhile."""
    for counter in counters:
        work.check(
            counter.label, LookupRecord, counter.key, _below_limit(counter, now, window_seconds)
        )


def stage_failure(work: UnitOfWork, counter: Counter, now: int, window_seconds: int) -> None:
    """Count one failure in the window read, or open a new window if it had passed; either
    way only if the counter is still as read (and, in an open window, below its limit)."""
    expires_at = datetime.fromtimestamp(now + window_seconds, UTC) + timedelta(minutes=1)
    window = counter.window
    if window.started_at > now - window_seconds:
        work.update(
            counter.label,
            LookupRecord(counter.key),
            actions=[LookupRecord.failures.add(1), LookupRecord.expires_at.set(expires_at)],
            condition=(LookupRecord.window_started_at == window.started_at)
            & (LookupRecord.failures < counter.limit),
        )
        return
    unchanged = (
        LookupRecord.window_started_at.does_not_exist()
        if window.started_at == 0
        else LookupRecord.window_started_at == window.started_at
    )
    work.put(
        counter.label,
        LookupRecord(counter.key, failures=1, window_started_at=now, expires_at=expires_at),
        condition=unchanged,
    )


def read_counters(keys: list[str]) -> dict[str, FailureWindow]:
    found = {record.key: record for record in LookupRecord.batch_get(keys, consistent_read=True)}
    return {key: _window(found.get(key)) for key in keys}
