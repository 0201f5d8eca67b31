from __future__ import annotations

from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    ValidationInfo,
    field_validator,
)

from chalicelib.domain.accounts import (
    NewUser,
    UserChanges,
    normalize_username,
    password_problems,
    username_problems,
)
from chalicelib.domain.entities import User
from chalicelib.schemas.base import Schema, sent, sent_nullable
from chalicelib.schemas.common import NULL_CHARACTERS, Email, Line, Text, Timestamp
from chalicelib.schemas.validation import several_messages


def _normalized(value: Any) -> Any:
    # As Django's AbstractBaseUser.normalize_username: full-width "bob" is "bob".
    return normalize_username(value) if isinstance(value, str) else value


def _username(value: str) -> str:
    problems = username_problems(value)
    if problems:
        raise ValueError(problems[0])
    return value


def _no_null(value: str) -> str:
    # Django refuses NUL in every CharField, passwords included; any other character goes.
    if "\x00" in value:
        raise ValueError(NULL_CHARACTERS)
    return value


# The patterns describe the rules for the document: letters, digits and @.+-_ (after
# NFKC); a password of 8 to 128 characters, not all digits, without NUL (nor too similar
# to the username, which no pattern can say).
Username = Annotated[
    str,
    BeforeValidator(_normalized),
    AfterValidator(_username),
    Field(json_schema_extra={"pattern": r"^[\w.@+-]{1,150}$", "minLength": 1, "maxLength": 150}),
]
Password = Annotated[
    str,
    Field(max_length=128, json_schema_extra={"pattern": r"^[^\x00]*$", "format": "password"}),
    AfterValidator(_no_null),
]
NewPassword = Annotated[
    Password,
    Field(json_schema_extra={"pattern": r"^[^\x00]*[^\x00\d][^\x00]*$", "minLength": 8}),
]
PersonName = Annotated[Line, Field(max_length=150)]
Phone = Annotated[Line | None, Field(max_length=20)]


def _password_rules(password: str | None, info: ValidationInfo) -> str | None:
    """Checked with the other fields, so a 400 names every problem at once; the username
    is the one sent with it, when it is valid (the use case checks against the stored
    username when none is sent)."""
    if password is None:
        return None
    problems = password_problems(password, info.data.get("username") or "")
    if problems:
        raise several_messages(problems)
    return password


class UserCreate(Schema):
    """Signup. ``id``, ``is_staff`` and ``created_at`` in the body are ignored."""

    username: Username
    password: NewPassword
    email: Email
    first_name: PersonName = ""
    last_name: PersonName = ""
    phone: Phone = None
    address: Text = ""

    _password = field_validator("password")(_password_rules)


class UserReplace(Schema):
    """PUT: the profile in full; ``password`` and ``is_staff`` only when they change."""

    username: Username
    email: Email
    first_name: PersonName = ""
    last_name: PersonName = ""
    phone: Phone = None
    address: Text = ""
    password: NewPassword | None = None
    is_staff: bool | None = None

    _password = field_validator("password")(_password_rules)


class UserPatch(Schema):
    username: Username | None = None
    email: Email | None = None
    first_name: PersonName | None = None
    last_name: PersonName | None = None
    phone: Phone = None
    address: Text | None = None
    password: NewPassword | None = None
    is_staff: bool | None = None

    _password = field_validator("password")(_password_rules)


class UserPublic(Schema):
    id: int
    username: str
    first_name: str
    last_name: str
    email: str
    phone: str | None
    address: str
    is_staff: bool
    created_at: Timestamp

    @classmethod
    def of(cls, user: User) -> UserPublic:
        return cls(
            id=user.id,
            username=user.username,
            first_name=user.first_name,
            last_name=user.last_name,
            email=user.email,
            phone=user.phone,
            address=user.address,
            is_staff=user.is_staff,
            created_at=user.created_at,
        )


def new_user(fields: UserCreate) -> NewUser:
    return NewUser(
        username=fields.username,
        email=fields.email,
        password=fields.password,
        first_name=fields.first_name,
        last_name=fields.last_name,
        phone=fields.phone,
        address=fields.address,
    )


def user_changes(update: UserReplace | UserPatch) -> UserChanges:
    return UserChanges(
        username=sent(update, "username", update.username),
        email=sent(update, "email", update.email),
        first_name=sent(update, "first_name", update.first_name),
        last_name=sent(update, "last_name", update.last_name),
        phone=sent_nullable(update, "phone", update.phone),
        address=sent(update, "address", update.address),
        password=sent(update, "password", update.password),
        is_staff=sent(update, "is_staff", update.is_staff),
    )
