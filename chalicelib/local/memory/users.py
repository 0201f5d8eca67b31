"""Mirrors ``chalicelib.store.users``: users in ``table("users")`` by id, as ``User``
objects whose ``version`` is the stored version, and the uniqueness claims on their
username and email in ``table("lookups")`` (``username#<casefolded>`` and
``email#<casefolded>`` -> ``{"user_id": id}``), written in the same units of work."""

from __future__ import annotations

import copy
from datetime import UTC

from chalicelib.domain.entities import User
from chalicelib.domain.storage import ConditionsFailed, Page, WriteConflict
from chalicelib.errors import NotFound
from chalicelib.local.memory import core
from chalicelib.local.memory.counters import next_id
from chalicelib.local.memory.pages import id_ordered_page
from chalicelib.local.memory.unit_of_work import UnitOfWork, unit_of_work
from chalicelib.store.models.accounts import UserRecord
from chalicelib.store.pagination import key_types
from chalicelib.store.users import (
    EMAIL,
    EMAIL_TAKEN,
    USER,
    USERNAME,
    USERNAME_TAKEN,
    claim_keys,
    email_claim_key,
    moved_claims,
    raise_for_new_user,
    raise_for_user_change,
    to_record,
    username_claim_key,
)

# Pure, so the same in both stores: keys, messages, and the answers to a cancelled unit of
# work (they only read its labels).
__all__ = [
    "EMAIL",
    "EMAIL_TAKEN",
    "USER",
    "USERNAME",
    "USERNAME_TAKEN",
    "claim_keys",
    "email_claim_key",
    "moved_claims",
    "raise_for_new_user",
    "raise_for_user_change",
    "username_claim_key",
]

# The users_by_id index's LastEvaluatedKey, which the listing's cursors carry.
_USER_KEY_TYPES = key_types(UserRecord, UserRecord.by_id)


def _users() -> dict[int, User]:
    return core.table("users")


def _lookups() -> dict[str, dict[str, object]]:
    return core.table("lookups")


def _as_stored(user: User, version: int) -> User:
    """What a write of ``user`` stores: a copy, its time as DynamoDB reads it back."""
    stored = copy.deepcopy(user)
    stored.created_at = stored.created_at.astimezone(UTC)
    stored.version = version
    return stored


def _on_version(user_id: int, version: int | None) -> bool:
    """The condition PynamoDB adds to a versioned write: the stored version is the one
    read (None: the item has no version, which a missing item satisfies too)."""
    stored = _users().get(user_id)
    if version is None:
        return stored is None or stored.version is None
    return stored is not None and stored.version == version


def _stage_claim(work: UnitOfWork, label: str, key: str, user_id: int) -> None:
    def free() -> bool:
        return key not in _lookups()

    def claim() -> None:
        _lookups()[key] = {"user_id": user_id}

    work.stage(label, claim, free)


def _stage_release(work: UnitOfWork, label: str, key: str, user_id: int) -> None:
    """Delete the claim only while it is still this user's."""

    def held() -> bool:
        return _lookups().get(key, {}).get("user_id") == user_id

    def release() -> None:
        _lookups().pop(key, None)

    work.stage(label, release, held)


def new_user_id() -> int:
    return next_id("user")


def create_user(user: User) -> User:
    """Write the user and claim its username and email, all or nothing."""
    try:
        with unit_of_work() as work:
            for label, key in claim_keys(user).items():
                _stage_claim(work, label, key, user.id)
            stored = _as_stored(user, 1)

            def new() -> bool:
                # id does not exist, and the put's version condition on a new record.
                return user.id not in _users() and user.version is None

            def put() -> None:
                _users()[user.id] = stored

            work.stage(USER, put, new)
    except ConditionsFailed as failed:
        raise_for_new_user(failed)
    user.version = 1
    return user


def find_user(user_id: int) -> User | None:
    with core.call("GetItem"):
        return copy.deepcopy(_users().get(user_id))


def get_user(user_id: int) -> User:
    found = find_user(user_id)
    if found is None:
        raise NotFound()
    return found


def list_users(limit: int, cursor: str | None) -> Page[User]:
    return id_ordered_page(
        lambda: _users().values(),
        id_of=lambda user: user.id,
        record_of=to_record,
        scope="users",
        key_names=_USER_KEY_TYPES,
        limit=limit,
        cursor=cursor,
    )


def stage_user_change(work: UnitOfWork, updated: User, previous: User) -> None:
    """Write ``updated`` on the version ``previous`` was read at, moving the username and
    email claims that change. A claim is released only while it is still this user's."""
    for label, old_key, new_key in moved_claims(previous, updated):
        _stage_release(work, f"{label}-release", old_key, updated.id)
        _stage_claim(work, label, new_key, updated.id)
    # As the DynamoDB store's record: the version read is previous's, else updated's.
    read_at = previous.version if previous.version is not None else updated.version
    stored = _as_stored(updated, (read_at or 0) + 1)

    def unchanged() -> bool:
        return updated.id in _users() and _on_version(updated.id, read_at)

    def put() -> None:
        _users()[updated.id] = stored

    work.stage(USER, put, unchanged)


def delete_user(user: User) -> None:
    """Delete the user as read, with its claims; ``WriteConflict`` if it changed."""
    try:
        with unit_of_work() as work:
            for label, key in claim_keys(user).items():
                _stage_release(work, f"{label}-release", key, user.id)

            def unchanged() -> bool:
                # Only the version condition, as in DynamoDB: a user that is gone and was
                # read without a version is deleted again without complaint.
                return _on_version(user.id, user.version)

            def delete() -> None:
                _users().pop(user.id, None)

            work.stage(USER, delete, unchanged)
    except ConditionsFailed as failed:
        raise WriteConflict() from failed


def stage_password_hash(work: UnitOfWork, user: User) -> None:
    """Store a re-hashed password (same password, so sessions stay valid)."""
    password_hash = user.password_hash

    def unchanged() -> bool:
        return user.id in _users() and _on_version(user.id, user.version)

    def update() -> None:
        stored = _users()[user.id]
        stored.password_hash = password_hash
        stored.version = (stored.version or 0) + 1

    work.stage(USER, update, unchanged)
