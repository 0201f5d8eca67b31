"""The session and CSRF cookies a login sets and a logout clears."""

from __future__ import annotations

from datetime import datetime

from chalicelib.api.security import CSRF_COOKIE, SESSION_COOKIE
from chalicelib.config import get_settings
from chalicelib.domain.clock import utc_now


def _cookie(name: str, value: str, max_age: int, *, http_only: bool) -> str:
    parts = [f"{name}={value}", "Path=/", f"Max-Age={max_age}", "SameSite=Lax"]
    if http_only:
        parts.append("HttpOnly")
    if get_settings().secure_cookies:
        parts.append("Secure")
    return "; ".join(parts)


def session_cookies(token: str, csrf_token: str, expires_at: datetime) -> list[str]:
    max_age = max(0, int((expires_at - utc_now()).total_seconds()))
    return [
        _cookie(SESSION_COOKIE, token, max_age, http_only=True),
        # Readable by scripts: the page copies it into the X-CSRFToken header.
        _cookie(CSRF_COOKIE, csrf_token, max_age, http_only=False),
    ]


def cleared_cookies() -> list[str]:
    return [
        _cookie(SESSION_COOKIE, "", 0, http_only=True),
        _cookie(CSRF_COOKIE, "", 0, http_only=False),
    ]
