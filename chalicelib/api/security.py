"""Who is calling: header tokens, or the session cookie with a CSRF check; and the call a
handler gets, with the caller its route's declared access admitted."""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from chalice.app import Request

from chalicelib.api.deferred import services
from chalicelib.api.http import UNSAFE_METHODS, cookies, is_id
from chalicelib.domain.entities import Session, User
from chalicelib.errors import (
    AuthenticationFailed,
    NotAuthenticated,
    PermissionDenied,
)

SESSION_COOKIE = "sessionid"
CSRF_COOKIE = "csrftoken"
CSRF_HEADER = "x-csrftoken"
CSRF_FAILED = "CSRF Failed: CSRF token missing or incorrect."


@dataclass
class Principal:
    user: User
    session: Session


@dataclass(frozen=True)
class Call:
    """What a handler gets: the request, and the caller that the route's declared access
    admitted (None on a public route, and on a cart route called with a guest token)."""

    request: Request
    principal: Principal | None = None

    @property
    def user(self) -> User:
        """The logged-in caller, whom a "user" or "staff" route always has."""
        return self._logged_in().user

    @property
    def session(self) -> Session:
        """The logged-in caller's session."""
        return self._logged_in().session

    def _logged_in(self) -> Principal:
        if self.principal is None:
            raise NotAuthenticated()
        return self.principal


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
        user, session = services.auth.authenticate(token)
        return Principal(user, session)
    jar = cookies(request)
    cookie_token = jar.get(SESSION_COOKIE)
    if not cookie_token or not _well_formed(cookie_token):
        return None
    try:
        user, session = services.auth.authenticate(cookie_token)
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


def admitted(access: str, request: Request) -> Principal | None:
    """The caller a route with this access admits, checked before its handler runs: a
    handler cannot forget it, and the OpenAPI document and the authorization tests read the
    same declaration. A public route never looks at credentials (its answer is the same
    for everyone, see ``routing.is_catalog_read``)."""
    if access == "user":
        return require_user(request)
    if access == "staff":
        return require_staff(request)
    if access == "cart":
        return identify(request)
    return None
