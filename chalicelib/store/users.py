"""Users and the uniqueness claims on their username and email."""

from __future__ import annotations

from typing import NoReturn

from pynamodb.exceptions import DoesNotExist
from pynamodb.expressions.condition import Condition

from chalicelib.domain.entities import User
from chalicelib.domain.storage import WriteConflict
from chalicelib.errors import InvalidInput, NotFound
from chalicelib.store.counters import next_id
from chalicelib.store.models.accounts import USER_SCOPE, LookupRecord, UserRecord
from chalicelib.store.pagination import Page, query_page
from chalicelib.store.unit_of_work import ConditionsFailed, UnitOfWork, unit_of_work

USERNAME_TAKEN = "A user with that username already exists."
EMAIL_TAKEN = "user with this email already exists."
# Labels of the unit of work's actions.
USER, USERNAME, EMAIL = "user", "username", "email"


def username_claim_key(username: str) -> str:
    return f"username#{username.casefold()}"


def email_claim_key(email: str) -> str:
    return f"email#{email.casefold()}"


def to_user(record: UserRecord) -> User:
    return User(
        id=int(record.id),
        username=record.username,
        email=record.email,
        password_hash=record.password_hash,
        created_at=record.created_at,
        first_name=record.first_name,
        last_name=record.last_name,
        phone=record.phone,
        address=record.address,
        is_staff=bool(record.is_staff),
        is_superuser=bool(record.is_superuser),
        is_active=record.is_active is not False,
        session_epoch=int(record.session_epoch or 0),
        version=None if record.version is None else int(record.version),
    )


def _at_version(record: UserRecord, version: int | None) -> UserRecord:
    """``record`` to be written on ``version`` (None: no version stored yet)."""
    if version is not None:
        record.version = version
    return record


def to_record(user: User) -> UserRecord:
    record = UserRecord(
        user.id,
        scope=USER_SCOPE,
        username=user.username,
        email=user.email,
        password_hash=user.password_hash,
        first_name=user.first_name,
        last_name=user.last_name,
        phone=user.phone,
        address=user.address,
        is_staff=user.is_staff,
        is_superuser=user.is_superuser,
        is_active=user.is_active,
        created_at=user.created_at,
        session_epoch=user.session_epoch or None,
    )
    return _at_version(record, user.version)


def claim_keys(user: User) -> dict[str, str]:
    """The keys of the user's username and email claims, by the label of their action."""
    return {USERNAME: username_claim_key(user.username), EMAIL: email_claim_key(user.email)}


def moved_claims(previous: User, updated: User) -> list[tuple[str, str, str]]:
    """``(label, old key, new key)`` of each claim that a change from ``previous`` to
    ``updated`` moves (a username or email that changed)."""
    old_claims, new_claims = claim_keys(previous), claim_keys(updated)
    return [
        (label, old_claims[label], new_claims[label])
        for label in (USERNAME, EMAIL)
        if old_claims[label] != new_claims[label]
    ]


def _taken(labels: frozenset[str]) -> InvalidInput:
    messages = {USERNAME: USERNAME_TAKEN, EMAIL: EMAIL_TAKEN}
    return InvalidInput({label: [messages[label]] for label in sorted(labels) if label in messages})


def raise_for_new_user(failed: ConditionsFailed) -> NoReturn:
    """The answer to a cancelled ``create_user``: the id was taken (``WriteConflict``: a
    fresh one is drawn), else a username or email is taken."""
    if USER in failed.labels:
        raise WriteConflict() from failed
    raise _taken(failed.labels) from failed


def new_user_id() -> int:
    return next_id("user")


def create_user(user: User) -> User:
    """Write the user and claim its username and email, all or nothing."""
    try:
        with unit_of_work() as work:
            for label, key in claim_keys(user).items():
                work.put(
                    label,
                    LookupRecord(key, user_id=user.id),
                    condition=LookupRecord.key.does_not_exist(),
                )
            work.put(USER, to_record(user), condition=UserRecord.id.does_not_exist())
    except ConditionsFailed as failed:
        raise_for_new_user(failed)
    user.version = 1
    return user


def get_user(user_id: int) -> User:
    try:
        return to_user(UserRecord.get(user_id, consistent_read=True))
    except DoesNotExist:
        raise NotFound() from None


def find_user(user_id: int) -> User | None:
    try:
        return get_user(user_id)
    except NotFound:
        return None


def find_user_id_by_username(username: str) -> int | None:
    try:
        claim = LookupRecord.get(username_claim_key(username), consistent_read=True)
    except DoesNotExist:
        return None
    return int(claim.user_id) if claim.user_id is not None else None


def list_users(limit: int, cursor: str | None) -> Page[User]:
    return query_page(
        UserRecord,
        UserRecord.by_id,
        USER_SCOPE,
        convert=to_user,
        scope="users",
        limit=limit,
        cursor=cursor,
    )


def _held_by(user_id: int) -> Condition:
    return LookupRecord.user_id == user_id


def stage_user_change(work: UnitOfWork, updated: User, previous: User) -> None:
    """Write ``updated`` on the version ``previous`` was read at, moving the username and
    email claims that change. A claim is released only while it is still this user's."""
    for label, old_key, new_key in moved_claims(previous, updated):
        work.delete(f"{label}-release", LookupRecord(old_key), _held_by(updated.id))
        work.put(
            label,
            LookupRecord(new_key, user_id=updated.id),
            condition=LookupRecord.key.does_not_exist(),
        )
    record = _at_version(to_record(updated), previous.version)
    work.put(USER, record, condition=UserRecord.id.exists())


def raise_for_user_change(failed: ConditionsFailed) -> NoReturn:
    """The answer to a cancelled ``stage_user_change``: the user changed (or went) since it
    was read, so the use case reads again; else a username or email is taken."""
    if failed.labels & {USER, f"{USERNAME}-release", f"{EMAIL}-release"}:
        raise WriteConflict() from failed
    if failed.labels & {USERNAME, EMAIL}:
        raise _taken(failed.labels) from failed
    raise failed


def delete_user(user: User) -> None:
    """Delete the user as read, with its claims; ``WriteConflict`` if it changed."""
    try:
        with unit_of_work() as work:
            for label, key in claim_keys(user).items():
                work.delete(f"{label}-release", LookupRecord(key), _held_by(user.id))
            work.delete(USER, _at_version(UserRecord(user.id), user.version))
    except ConditionsFailed as failed:
        raise WriteConflict() from failed


def stage_password_hash(work: UnitOfWork, user: User) -> None:
    """Store a re-hashed password (same password, so sessions stay valid)."""
    work.update(
        USER,
        _at_version(UserRecord(user.id), user.version),
        actions=[UserRecord.password_hash.set(user.password_hash)],
        condition=UserRecord.id.exists(),
    )


def save_password_hash(user: User) -> None:
    try:
        with unit_of_work() as work:
            stage_password_hash(work, user)
    except ConditionsFailed as failed:
        raise WriteConflict() from failed
    user.version = (user.version or 0) + 1
