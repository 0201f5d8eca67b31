"""Users and the uniqueness claims on their username and email."""

from __future__ import annotations

from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.domain.entities import User
from chalicelib.errors import InvalidInput, NotFound
from chalicelib.store.counters import next_id
from chalicelib.store.models import LookupRecord, UserRecord, bind_models, shared_connection
from chalicelib.store.models.accounts import USER_SCOPE
from chalicelib.store.pagination import Page, query_page
from chalicelib.store.transactions import failed_condition_positions

USERNAME_TAKEN = "A user with that username already exists."
EMAIL_TAKEN = "user with this email already exists."


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
    )


def to_record(user: User) -> UserRecord:
    return UserRecord(
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
    )


def _raise_claim_errors(error: TransactWriteError, sent_actions: list[str]) -> None:
    """Map failed conditions back to fields; ``sent_actions[i]`` names the i-th action sent
    ("username", "email", "user" for the user record, "" for an unconditional action)."""
    errors: dict[str, list[str]] = {}
    messages = {"username": USERNAME_TAKEN, "email": EMAIL_TAKEN}
    for position in failed_condition_positions(error):
        action = sent_actions[position] if position < len(sent_actions) else ""
        if action == "user":
            raise NotFound() from error
        if action in messages:
            errors[action] = [messages[action]]
    if errors:
        raise InvalidInput(errors) from error
    raise error


def new_user_id() -> int:
    return next_id("user")


def create_user(user: User) -> User:
    """Write the user and claim its username and email, all or nothing."""
    bind_models()
    try:
        with TransactWrite(connection=shared_connection()) as transaction:
            transaction.save(
                LookupRecord(username_claim_key(user.username), user_id=user.id),
                condition=LookupRecord.key.does_not_exist(),
            )
            transaction.save(
                LookupRecord(email_claim_key(user.email), user_id=user.id),
                condition=LookupRecord.key.does_not_exist(),
            )
            transaction.save(to_record(user), condition=UserRecord.id.does_not_exist())
    except TransactWriteError as error:
        _raise_claim_errors(error, ["username", "email", "user"])
    return user


def get_user(user_id: int) -> User:
    bind_models()
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
    bind_models()
    try:
        claim = LookupRecord.get(username_claim_key(username), consistent_read=True)
    except DoesNotExist:
        return None
    return int(claim.user_id) if claim.user_id is not None else None


def list_users(limit: int, cursor: str | None) -> Page[User]:
    bind_models()
    return query_page(
        UserRecord,
        UserRecord.by_id,
        USER_SCOPE,
        convert=to_user,
        scope="users",
        limit=limit,
        cursor=cursor,
    )


def save_user(updated: User, previous: User) -> User:
    """Store changed fields, moving the username/email claims when those change."""
    bind_models()
    claim_fields: list[str] = []
    try:
        with TransactWrite(connection=shared_connection()) as transaction:
            if username_claim_key(updated.username) != username_claim_key(previous.username):
                transaction.delete(LookupRecord(username_claim_key(previous.username)))
                transaction.save(
                    LookupRecord(username_claim_key(updated.username), user_id=updated.id),
                    condition=LookupRecord.key.does_not_exist(),
                )
                claim_fields.append("username")
            if email_claim_key(updated.email) != email_claim_key(previous.email):
                transaction.delete(LookupRecord(email_claim_key(previous.email)))
                transaction.save(
                    LookupRecord(email_claim_key(updated.email), user_id=updated.id),
                    condition=LookupRecord.key.does_not_exist(),
                )
                claim_fields.append("email")
            transaction.save(to_record(updated), condition=UserRecord.id.exists())
    except TransactWriteError as error:
        # Sent order: the claim deletes, then the claim puts, then the user put.
        deletes = [""] * len(claim_fields)
        _raise_claim_errors(error, deletes + claim_fields + ["user"])
    return updated


def delete_user(user: User) -> None:
    bind_models()
    with TransactWrite(connection=shared_connection()) as transaction:
        transaction.delete(LookupRecord(username_claim_key(user.username)))
        transaction.delete(LookupRecord(email_claim_key(user.email)))
        transaction.delete(UserRecord(user.id))


def save_password_hash(user: User) -> None:
    bind_models()
    UserRecord(user.id).update(
        actions=[UserRecord.password_hash.set(user.password_hash)],
        condition=UserRecord.id.exists(),
    )
