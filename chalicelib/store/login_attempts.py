"""Failed-login counters, read together with the username claim in one BatchGetItem."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from pynamodb.exceptions import UpdateError

from chalicelib.domain.throttling import FailureWindow
from chalicelib.store.conflicts import failed_its_condition
from chalicelib.store.models import LookupRecord, bind_models
from chalicelib.store.users import username_claim_key


def username_failures_key(username: str) -> str:
    return f"login-failures#user#{username.casefold()}"


def address_failures_key(address: str) -> str:
    return f"login-failures#address#{address}"


@dataclass
class LoginState:
    user_id: int | None
    username_failures: FailureWindow
    address_failures: FailureWindow


def _window(record: LookupRecord | None) -> FailureWindow:
    if record is None or record.window_started_at is None:
        return FailureWindow(failures=0, started_at=0)
    return FailureWindow(
        failures=int(record.failures or 0), started_at=int(record.window_started_at)
    )


def read_login_state(username: str, address: str) -> LoginState:
    bind_models()
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


def record_failure(key: str, now: int, window_seconds: int) -> None:
    """Count one failure in the open window, or open a new window when it has passed."""
    bind_models()
    record = LookupRecord(key)
    expires_at = datetime.fromtimestamp(now + window_seconds, UTC) + timedelta(minutes=1)
    try:
        record.update(
            actions=[LookupRecord.failures.add(1), LookupRecord.expires_at.set(expires_at)],
            condition=LookupRecord.window_started_at > now - window_seconds,
        )
    except UpdateError as error:
        if not failed_its_condition(error):
            raise
        LookupRecord(key, failures=1, window_started_at=now, expires_at=expires_at).save()


def record_login_failure(username: str, address: str, now: int, window_seconds: int) -> None:
    record_failure(username_failures_key(username), now, window_seconds)
    record_failure(address_failures_key(address), now, window_seconds)
