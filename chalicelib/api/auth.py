from __future__ import annotations

from chalice import Blueprint, Response
from chalice.app import Request

from chalicelib.api.cookies import cleared_cookies, session_cookies
from chalicelib.api.http import client_address, json_body
from chalicelib.api.responses import model_response
from chalicelib.api.routing import endpoint
from chalicelib.api.security import require_user
from chalicelib.schemas.auth import Detail, LoginRequest, LoginResponse
from chalicelib.schemas.users import UserPublic
from chalicelib.schemas.validation import validate
from chalicelib.services import auth

auth_routes = Blueprint(__name__)


@endpoint(
    auth_routes,
    "/api/auth/login",
    "POST",
    summary="Log in; returns a token and sets the session and CSRF cookies",
    body=LoginRequest,
    response=LoginResponse,
    errors=(400, 429),
)
def login(request: Request) -> Response:
    credentials = validate(LoginRequest, json_body(request))
    result = auth.login(credentials.username, credentials.password, client_address(request))
    body = LoginResponse(token=result.token, user=UserPublic.of(result.user))
    cookies = session_cookies(result.token, result.session.csrf_token, result.session.expires_at)
    return model_response(body, headers={"Set-Cookie": cookies})


@endpoint(
    auth_routes,
    "/api/auth/logout",
    "POST",
    summary="End the current session at once",
    access="user",
    response=Detail,
)
def logout(request: Request) -> Response:
    principal = require_user(request)
    auth.logout(principal.session)
    body = Detail(detail="Successfully logged out.")
    return model_response(body, headers={"Set-Cookie": cleared_cookies()})


@endpoint(
    auth_routes,
    "/api/auth/user",
    "GET",
    summary="The current user",
    access="user",
    response=UserPublic,
)
def current_user(request: Request) -> Response:
    return model_response(UserPublic.of(require_user(request).user))
