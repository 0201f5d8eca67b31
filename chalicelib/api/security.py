"""Who is calling: header tokens, or the session cookie with a CSRF check."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import TYPE_CHECKING

from chalice.app import Request

from chalicelib.api.deferred import deferred
from chalicelib.api.http import UNSAFE_METHODS, cookies, is_id
from chalicelib.domain.entities import Session, User
from chalicelib.errors import (
    AuthenticationFailed,
    NotAuthenticated,
    PermissionDenied,
)

if TYPE_CHECKING:
    from chalicelib.services import auth
else:
    auth = deferred("chalicelib.services.auth")

SESSION_COOKIE = "sessionid"
CSRF_COOKIE = "csrftoken"
CSRF_HEADER = "x-csrftoken"
CSRF_FAILED = "CSRF Failed: CSRF token missing or incorrect."


@dataclass
class Principal:
    user: User
    session: Session


def _header_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() in ("token", "bearer") and token.strip():
        return token.strip()
    if header:
        raise AuthenticationFailed("Invalid token header.")
    return None


def _check_csrf(request: Request, session: Session, jar: dict[str, str]) -> None:
    """Double submit, bound to the session: header, cookie and session must agree."""
    header = request.headers.get(CSRF_HEADER, "")
    cookie = jar.get(CSRF_COOKIE, "")
    if not header or not hmac.compare_digest(header, cookie):
        raise PermissionDenied(CSRF_FAILED)
    if not hmac.compare_digest(header, session.csrf_token):
        raise PermissionDenied(CSRF_FAILED)


def _well_formed(token: str) -> bool:
    """Tokens are ``<user id>.<secret>``. One whose user id is no id (``²``, 39 digits)
    is refused here, before it could reach a lookup."""
    user_part, dot, secret = token.partition(".")
    return bool(dot and secret) and is_id(user_part)


_PRINCIPAL = "_shop_principal"


def identify(request: Request) -> Principal | None:
    """The caller, or None when anonymous, looked up once per request (the routing layer
    and the handler both ask). A bad header token is a 401 even on public endpoints; a
    stale cookie only makes the caller anonymous."""
    if hasattr(request, _PRINCIPAL):
        cached: Principal | None = getattr(request, _PRINCIPAL)
        return cached
    principal = _identify(request)
    setattr(request, _PRINCIPAL, principal)
    return principal


def _identify(request: Request) -> Principal | None:
    token = _header_token(request)
    if token is not None:
        if not _well_formed(token):
            raise AuthenticationFailed()
        user, session = auth.authenticate(token)
        return Principal(user, session)
    jar = cookies(request)
    cookie_token = jar.get(SESSION_COOKIE)
    if not cookie_token or not _well_formed(cookie_token):
        return None
    try:
        user, session = auth.authenticate(cookie_token)
    except AuthenticationFailed:
        return None
    if request.method in UNSAFE_METHODS:
        _check_csrf(request, session, jar)
    return Principal(user, session)


def require_user(request: Request) -> Principal:
    principal = identify(request)
    if principal is None:
        raise NotAuthenticated()
    return principal


def require_staff(request: Request) -> Principal:
    principal = require_user(request)
    if not principal.user.is_staff:
        raise PermissionDenied()
    return principal
