"""Login, logout and resolving a session token to its user."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, replace
from datetime import timedelta

from chalicelib.config import get_settings
from chalicelib.domain import passwords
from chalicelib.domain.clock import utc_now
from chalicelib.domain.entities import Session, User
from chalicelib.domain.storage import ConditionsFailed, WriteConflict
from chalicelib.domain.throttling import Counter, LoginState
from chalicelib.domain.tokens import hash_token, id_of, new_token
from chalicelib.errors import AuthenticationFailed, InvalidInput, Throttled
from chalicelib.services.contention import retried
from chalicelib.services.storage import store

BAD_CREDENTIALS = "Unable to log in with provided credentials."


@dataclass
class LoginResult:
    token: str
    session: Session
    user: User


def new_session(user: User) -> tuple[str, Session]:
    settings = get_settings()
    token = new_token(user.id)
    now = utc_now()
    session = Session(
        token_hash=hash_token(token),
        user_id=user.id,
        csrf_token=secrets.token_urlsafe(32),
        created_at=now,
        expires_at=now + timedelta(days=settings.session_days),
        user_epoch=user.session_epoch,
    )
    return token, session


def start_session(user: User) -> LoginResult:
    token, session = new_session(user)
    with store.unit_of_work.unit_of_work() as work:
        store.sessions.stage_new_session(work, session)
    return LoginResult(token=token, session=session, user=user)


def _counters(username: str, address: str, state: LoginState) -> list[Counter]:
    settings = get_settings()
    return [
        Counter(
            store.login_attempts.username_failures_key(username),
            store.login_attempts.USERNAME_LIMIT,
            state.username_failures,
            settings.login_failures_per_username,
        ),
        Counter(
            store.login_attempts.address_failures_key(address),
            store.login_attempts.ADDRESS_LIMIT,
            state.address_failures,
            settings.login_failures_per_address,
        ),
    ]


def _seconds_blocked(counters: list[Counter], now: int) -> int:
    window = get_settings().login_window_seconds
    return max(counter.window.seconds_blocked(counter.limit, now, window) for counter in counters)


def _reread(counters: list[Counter]) -> list[Counter]:
    windows = store.login_attempts.read_counters([counter.key for counter in counters])
    return [replace(counter, window=windows[counter.key]) for counter in counters]


def _throttled_now(counters: list[Counter], now: int) -> Throttled:
    """The answer when a counter reached its limit while this attempt was checked."""
    blocked_for = _seconds_blocked(_reread(counters), now)
    return Throttled(blocked_for or get_settings().login_window_seconds)


def _count_failure(counters: list[Counter], now: int) -> None:
    """Count the failure in both counters, on the windows read; if either changed
    meanwhile, read them again. Throttled when a limit is reached first: that attempt's
    outcome is never told."""
    window = get_settings().login_window_seconds
    attempts = iter([counters])

    def count() -> None:
        current = next(attempts, None) or _reread(counters)
        blocked_for = _seconds_blocked(current, now)
        if blocked_for:
            raise Throttled(blocked_for)
        try:
            with store.unit_of_work.unit_of_work() as work:
                for counter in current:
                    store.login_attempts.stage_failure(work, counter, now, window)
        except ConditionsFailed as failed:
            raise WriteConflict() from failed

    retried(count)


def login(username: str, password: str, client_address: str) -> LoginResult:
    """A password check is answered only once counted: a failure by its increment of the
    failure counters (refused at their limits), a success by a session committed together
    with a check that no counter reached its limit meanwhile. So however many attempts
    run at once, at most the limit of them per window learn whether a password was right.
    """
    settings = get_settings()
    now = int(time.time())
    state = store.login_attempts.read_login_state(username, client_address)
    counters = _counters(username, client_address, state)
    blocked_for = _seconds_blocked(counters, now)
    if blocked_for:
        raise Throttled(blocked_for)
    user = store.users.find_user(state.user_id) if state.user_id is not None else None
    # An inactive user is refused like a wrong password (as Django's ModelBackend does),
    # after the same work, so the answer tells nothing about the account.
    verified = user is not None and passwords.verify_password(password, user.password_hash)
    if user is None or not verified or not user.is_active:
        if user is None:
            passwords.burn_time_like_a_check(settings.password_iterations)
        _count_failure(counters, now)
        raise InvalidInput({"non_field_errors": [BAD_CREDENTIALS]})
    token, session = new_session(user)
    rehash = passwords.needs_rehash(user.password_hash, settings.password_iterations)
    try:
        with store.unit_of_work.unit_of_work() as work:
            store.login_attempts.stage_limit_checks(
                work, counters, now, settings.login_window_seconds
            )
            if rehash:
                user.password_hash = passwords.hash_password(password, settings.password_iterations)
                store.users.stage_password_hash(work, user)
            store.sessions.stage_new_session(work, session)
    except ConditionsFailed as failed:
        if failed.labels & {
            store.login_attempts.USERNAME_LIMIT,
            store.login_attempts.ADDRESS_LIMIT,
        }:
            raise _throttled_now(counters, now) from failed
        # The user changed since it was read (only a re-hash writes it): the session is
        # not started; the client may simply log in again. (A resent transaction whose
        # first answer was lost is answered from its ClientRequestToken, by DynamoDB and
        # by the local emulator alike, so it never lands here.)
        raise WriteConflict() from failed
    if rehash:
        user.version = (user.version or 0) + 1
    return LoginResult(token=token, session=session, user=user)


def authenticate(token: str) -> tuple[User, Session]:
    user_id = id_of(token)
    if user_id is None:
        raise AuthenticationFailed()
    session, user = store.sessions.get_session_and_user(hash_token(token), user_id)
    if session is None or user is None or session.user_id != user.id or not user.is_active:
        raise AuthenticationFailed()
    # A password change since the session started ended it.
    if session.user_epoch != user.session_epoch:
        raise AuthenticationFailed()
    # TTL deletion is lazy (up to days late), so expiry is checked on every read.
    if session.expires_at <= utc_now():
        raise AuthenticationFailed("Session expired.")
    return user, session


def logout(session: Session) -> None:
    store.sessions.delete_session(session.token_hash)
