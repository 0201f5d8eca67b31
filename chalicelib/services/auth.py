"""Login, logout and resolving a session token to its user."""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta

from chalicelib.config import get_settings
from chalicelib.domain import passwords
from chalicelib.domain.clock import utc_now
from chalicelib.domain.entities import Session, User
from chalicelib.errors import AuthenticationFailed, InvalidInput, Throttled
from chalicelib.store import login_attempts, sessions, users

BAD_CREDENTIALS = "Unable to log in with provided credentials."


@dataclass
class LoginResult:
    token: str
    session: Session
    user: User


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _user_id_of(token: str) -> int | None:
    """Tokens are ``<user id>.<secret>`` so that one read fetches session and user."""
    user_part, dot, secret = token.partition(".")
    if not dot or not user_part.isdigit() or not secret:
        return None
    return int(user_part)


def start_session(user: User) -> LoginResult:
    settings = get_settings()
    token = f"{user.id}.{secrets.token_urlsafe(32)}"
    now = utc_now()
    session = Session(
        token_hash=hash_token(token),
        user_id=user.id,
        csrf_token=secrets.token_urlsafe(32),
        created_at=now,
        expires_at=now + timedelta(days=settings.session_days),
    )
    sessions.save_session(session)
    return LoginResult(token=token, session=session, user=user)


def login(username: str, password: str, client_address: str) -> LoginResult:
    settings = get_settings()
    now = int(time.time())
    state = login_attempts.read_login_state(username, client_address)
    window = settings.login_window_seconds
    blocked_for = max(
        state.username_failures.seconds_blocked(settings.login_failures_per_username, now, window),
        state.address_failures.seconds_blocked(settings.login_failures_per_address, now, window),
    )
    if blocked_for:
        raise Throttled(blocked_for)
    user = users.find_user(state.user_id) if state.user_id is not None else None
    # An inactive user is refused like a wrong password (as Django's ModelBackend does),
    # after the same work, so the answer tells nothing about the account.
    verified = user is not None and passwords.verify_password(password, user.password_hash)
    if user is None or not verified or not user.is_active:
        if user is None:
            passwords.burn_time_like_a_check(settings.password_iterations)
        login_attempts.record_login_failure(username, client_address, now, window)
        raise InvalidInput({"non_field_errors": [BAD_CREDENTIALS]})
    if passwords.needs_rehash(user.password_hash, settings.password_iterations):
        user.password_hash = passwords.hash_password(password, settings.password_iterations)
        users.save_password_hash(user)
    return start_session(user)


def authenticate(token: str) -> tuple[User, Session]:
    user_id = _user_id_of(token)
    if user_id is None:
        raise AuthenticationFailed()
    session, user = sessions.get_session_and_user(hash_token(token), user_id)
    if session is None or user is None or session.user_id != user.id or not user.is_active:
        raise AuthenticationFailed()
    # TTL deletion is lazy (up to days late), so expiry is checked on every read.
    if session.expires_at <= utc_now():
        raise AuthenticationFailed("Session expired.")
    return user, session


def logout(session: Session) -> None:
    sessions.delete_session(session.token_hash)
