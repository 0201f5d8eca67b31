from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.api.cookies import cleared_cookies, session_cookies
from chalicelib.api.deferred import schemas, services
from chalicelib.api.http import client_address, json_body
from chalicelib.api.responses import model_response
from chalicelib.api.routing import endpoint
from chalicelib.api.security import Call
from chalicelib.schemas.validation import validate

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
def login(call: Call) -> Response:
    credentials = validate(schemas.auth.LoginRequest, json_body(call.request))
    result = services.auth.login(
        credentials.username, credentials.password, client_address(call.request)
    )
    user = schemas.users.UserPublic.of(result.user)
    body = schemas.auth.LoginResponse(token=result.token, user=user)
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
def logout(call: Call) -> Response:
    services.auth.logout(call.session)
    body = schemas.auth.Detail(detail="Successfully logged out.")
    return model_response(body, headers={"Set-Cookie": cleared_cookies()})


@endpoint(
    auth_routes,
    "/api/auth/user",
    "GET",
    summary="The current user",
    access="user",
    response="users:UserPublic",
)
def current_user(call: Call) -> Response:
    return model_response(schemas.users.UserPublic.of(call.user))
