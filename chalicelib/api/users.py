from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint, Response
from chalice.app import Request

from chalicelib.api.deferred import deferred
from chalicelib.api.http import json_body, path_id, query_params
from chalicelib.api.pages import page_response
from chalicelib.api.responses import model_response, no_content
from chalicelib.api.routing import endpoint
from chalicelib.api.security import require_user
from chalicelib.schemas.validation import validate

if TYPE_CHECKING:
    from chalicelib.schemas import queries
    from chalicelib.schemas import users as schemas
    from chalicelib.schemas.users import UserPatch, UserReplace
    from chalicelib.services import accounts
else:
    queries = deferred("chalicelib.schemas.queries")
    schemas = deferred("chalicelib.schemas.users")
    accounts = deferred("chalicelib.services.accounts")

users = Blueprint(__name__)
USER = "/api/users/{user_id}"


@endpoint(
    users, "/api/users", "POST", summary="Sign up", body="users:UserCreate",
    response="users:UserPublic", status=201,
)  # fmt: skip
def signup(request: Request) -> Response:
    fields = validate(schemas.UserCreate, json_body(request))
    return model_response(schemas.UserPublic.of(accounts.signup(fields.model_dump())), 201)


@endpoint(
    users, "/api/users", "GET", summary="Staff: every user; others: only themselves",
    access="user", response="users:UserPublic", many=True, paged=True,
    query="queries:PageQuery",
)  # fmt: skip
def list_users(request: Request) -> Response:
    actor = require_user(request).user
    query = validate(queries.PageQuery, query_params(request))
    page = accounts.list_users(actor, query.limit, query.cursor)
    return page_response(request, [schemas.UserPublic.of(u) for u in page.items], page.next_cursor)


@endpoint(users, "/api/users/me", "GET", summary="The current user", access="user",
          response="users:UserPublic")  # fmt: skip
def me(request: Request) -> Response:
    return model_response(schemas.UserPublic.of(require_user(request).user))


@endpoint(users, USER, "GET", summary="A user (themself or staff)", access="user",
          response="users:UserPublic")  # fmt: skip
def get_user(request: Request, user_id: str) -> Response:
    actor = require_user(request).user
    return model_response(schemas.UserPublic.of(accounts.get_user(actor, path_id(user_id))))


def _update(
    request: Request, user_id: str, schema: type[UserReplace] | type[UserPatch]
) -> Response:
    principal = require_user(request)
    target = path_id(user_id)  # a malformed id is a 404 before the body is judged
    # PUT requires what signup requires, but like DRF's ModelSerializer it changes only the
    # fields sent: an optional field left out keeps its value instead of being blanked.
    changes = schemas.changes_of(validate(schema, json_body(request)), partial=True)
    user = accounts.update_user(principal.user, target, changes, principal.session)
    return model_response(schemas.UserPublic.of(user))


@endpoint(users, USER, "PUT", summary="Replace a user's profile", access="user",
          body="users:UserReplace", response="users:UserPublic")  # fmt: skip
def replace_user(request: Request, user_id: str) -> Response:
    return _update(request, user_id, schemas.UserReplace)


@endpoint(users, USER, "PATCH", summary="Change some of a user's fields", access="user",
          body="users:UserPatch", response="users:UserPublic")  # fmt: skip
def patch_user(request: Request, user_id: str) -> Response:
    return _update(request, user_id, schemas.UserPatch)


@endpoint(users, USER, "DELETE", summary="Delete a user, their sessions and cart",
          access="user", status=204)  # fmt: skip
def delete_user(request: Request, user_id: str) -> Response:
    actor = require_user(request).user
    accounts.delete_user(actor, path_id(user_id))
    return no_content()
