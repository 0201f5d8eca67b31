from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.api.deferred import schemas, services
from chalicelib.api.http import json_body, path_id, query_params
from chalicelib.api.pages import page_response
from chalicelib.api.responses import model_response, no_content
from chalicelib.api.routing import endpoint
from chalicelib.api.security import Call
from chalicelib.schemas.validation import validate

users = Blueprint(__name__)
USER = "/api/users/{user_id}"


@endpoint(
    users, "/api/users", "POST", summary="Sign up", body="users:UserCreate",
    response="users:UserPublic", status=201,
)  # fmt: skip
def signup(call: Call) -> Response:
    fields = validate(schemas.users.UserCreate, json_body(call.request))
    user = services.accounts.signup(schemas.users.new_user(fields))
    return model_response(schemas.users.UserPublic.of(user), 201)


@endpoint(
    users, "/api/users", "GET", summary="Staff: every user; others: only themselves",
    access="user", response="users:UserPublic", many=True, paged=True,
    query="queries:PageQuery",
)  # fmt: skip
def list_users(call: Call) -> Response:
    query = validate(schemas.queries.PageQuery, query_params(call.request))
    page = services.accounts.list_users(call.user, query.limit, query.cursor)
    views = [schemas.users.UserPublic.of(u) for u in page.items]
    return page_response(call.request, views, page.next_cursor)


@endpoint(users, "/api/users/me", "GET", summary="The current user", access="user",
          response="users:UserPublic")  # fmt: skip
def me(call: Call) -> Response:
    return model_response(schemas.users.UserPublic.of(call.user))


@endpoint(users, USER, "GET", summary="A user (themself or staff)", access="user",
          response="users:UserPublic")  # fmt: skip
def get_user(call: Call, user_id: str) -> Response:
    user = services.accounts.get_user(call.user, path_id(user_id))
    return model_response(schemas.users.UserPublic.of(user))


def _update(
    call: Call,
    user_id: str,
    schema: type[schemas.users.UserReplace] | type[schemas.users.UserPatch],
) -> Response:
    target = path_id(user_id)  # a malformed id is a 404 before the body is judged
    changes = schemas.users.user_changes(validate(schema, json_body(call.request)))
    user = services.accounts.update_user(call.user, target, changes, call.session)
    return model_response(schemas.users.UserPublic.of(user))


@endpoint(users, USER, "PUT", summary="Replace a user's profile", access="user",
          body="users:UserReplace", response="users:UserPublic")  # fmt: skip
def replace_user(call: Call, user_id: str) -> Response:
    return _update(call, user_id, schemas.users.UserReplace)


@endpoint(users, USER, "PATCH", summary="Change some of a user's fields", access="user",
          body="users:UserPatch", response="users:UserPublic")  # fmt: skip
def patch_user(call: Call, user_id: str) -> Response:
    return _update(call, user_id, schemas.users.UserPatch)


@endpoint(users, USER, "DELETE", summary="Delete a user, their sessions and cart",
          access="user", status=204)  # fmt: skip
def delete_user(call: Call, user_id: str) -> Response:
    services.accounts.delete_user(call.user, path_id(user_id))
    return no_content()
