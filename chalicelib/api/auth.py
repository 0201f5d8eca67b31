from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint, Response
from chalice.app import Request

from chalicelib.api.cookies import cleared_cookies, session_cookies
from chalicelib.api.deferred import deferred
from chalicelib.api.http import client_address, json_body
from chalicelib.api.responses import model_response
from chalicelib.api.routing import endpoint
from chalicelib.api.security import require_user
from chalicelib.schemas.validation import validate

if TYPE_CHECKING:
    from chalicelib.schemas import auth as schemas
    from chalicelib.schemas import users as user_schemas
    from chalicelib.services import auth
else:
    schemas = deferred("chalicelib.schemas.auth")
    user_schemas = deferred("chalicelib.schemas.users")
    auth = deferred("chalicelib.services.auth")

auth_routes = Blueprint(__name__)


@endpoint(
    auth_routes,
    "/api/auth/login",
    "POST",
    summary="Log in; returns a token and sets the session and CSRF cookies",
    body="auth:LoginRequest",
    response="auth:LoginResponse",
    errors=(400, 429),
)
def login(request: Request) -> Response:
    credentials = validate(schemas.LoginRequest, json_body(request))
    result = auth.login(credentials.username, credentials.password, client_address(request))
    body = schemas.LoginResponse(token=result.token, user=user_schemas.UserPublic.of(result.user))
    cookies = session_cookies(result.token, result.session.csrf_token, result.session.expires_at)
    return model_response(body, headers={"Set-Cookie": cookies})


@endpoint(
    auth_routes,
    "/api/auth/logout",
    "POST",
    summary="End the current session at once",
    access="user",
    response="auth:Detail",
)
def logout(request: Request) -> Response:
    principal = require_user(request)
    auth.logout(principal.session)
    body = schemas.Detail(detail="Successfully logged out.")
    return model_response(body, headers={"Set-Cookie": cleared_cookies()})


@endpoint(
    auth_routes,
    "/api/auth/user",
    "GET",
    summary="The current user",
    access="user",
    response="users:UserPublic",
)
def current_user(request: Request) -> Response:
    return model_response(user_schemas.UserPublic.of(require_user(request).user))
