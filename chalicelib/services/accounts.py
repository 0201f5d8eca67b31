"""Signup and the management of user accounts."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from chalicelib.config import get_settings
from chalicelib.domain import passwords
from chalicelib.domain.accounts import can_manage_user, password_problems
from chalicelib.domain.clock import utc_now
from chalicelib.domain.entities import Session, User
from chalicelib.errors import InvalidInput, NotFound, PermissionDenied
from chalicelib.services import ratings
from chalicelib.store import carts, sessions, users
from chalicelib.store.pagination import Page

PROFILE_FIELDS = ("username", "email", "first_name", "last_name", "phone", "address")


def _check_password(password: str, username: str) -> None:
    problems = password_problems(password, username)
    if problems:
        raise InvalidInput({"password": problems})


def signup(fields: dict[str, Any], *, is_staff: bool = False) -> User:
    """``fields`` is validated input; ``is_staff`` and ``id`` are never taken from it."""
    _check_password(fields["password"], fields["username"])
    settings = get_settings()
    user = User(
        id=users.new_user_id(),
        password_hash=passwords.hash_password(fields["password"], settings.password_iterations),
        created_at=utc_now(),
        is_staff=is_staff,
        **{name: fields[name] for name in PROFILE_FIELDS if name in fields},
    )
    return users.create_user(user)


def create_superuser(username: str, email: str, password: str) -> User:
    return signup({"username": username, "email": email, "password": password}, is_staff=True)


def list_users(actor: User, limit: int, cursor: str | None) -> Page[User]:
    if actor.is_staff:
        return users.list_users(limit, cursor)
    return Page([actor], None)


def get_user(actor: User, user_id: int) -> User:
    # Someone else's account is "not found" rather than "forbidden": ids are not probed.
    if not can_manage_user(actor, user_id):
        raise NotFound()
    return users.get_user(user_id)


def update_user(
    actor: User, user_id: int, changes: dict[str, Any], current_session: Session | None
) -> User:
    previous = get_user(actor, user_id)
    promoting = "is_staff" in changes and bool(changes["is_staff"]) != previous.is_staff
    if promoting and not actor.is_staff:
        raise PermissionDenied("Only staff may change is_staff.")
    updated = replace(
        previous,
        **{name: changes[name] for name in (*PROFILE_FIELDS, "is_staff") if name in changes},
    )
    password = changes.get("password")
    if password is not None:
        _check_password(password, updated.username)
        updated.password_hash = passwords.hash_password(
            password, get_settings().password_iterations
        )
    saved = users.save_user(updated, previous)
    if saved.username != previous.username:
        ratings.rename_author(user_id, saved.username)
    if password is not None:
        # Every other session of this user ends; the caller's own stays when it is theirs.
        keep = current_session.token_hash if current_session and actor.id == user_id else None
        sessions.delete_sessions_of_user(user_id, keep_token_hash=keep)
    return saved


def delete_user(actor: User, user_id: int) -> None:
    user = get_user(actor, user_id)
    users.delete_user(user)
    sessions.delete_sessions_of_user(user_id)
    carts.delete_user_cart(user_id)  # their orders stay, with their own copy of the name
    # After the user is gone no rating of theirs can be written any more (every rating
    # write checks that its author exists), so the sweep is not racing new ones.
    ratings.remove_ratings_of_user(user_id)
