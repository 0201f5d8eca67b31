from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field

from chalicelib.domain.accounts import username_problems
from chalicelib.domain.entities import User
from chalicelib.schemas.base import Schema
from chalicelib.schemas.common import Email, Timestamp


def _username(value: str) -> str:
    problems = username_problems(value)
    if problems:
        raise ValueError(problems[0])
    return value


Username = Annotated[str, AfterValidator(_username)]
Password = Annotated[str, Field(max_length=128)]
PersonName = Annotated[str, Field(max_length=150)]
Phone = Annotated[str | None, Field(max_length=20)]


class UserCreate(Schema):
    """Signup. ``id``, ``is_staff`` and ``created_at`` in the body are ignored."""

    username: Username
    password: Password
    email: Email
    first_name: PersonName = ""
    last_name: PersonName = ""
    phone: Phone = None
    address: str = ""


class UserReplace(Schema):
    """PUT: the profile in full; ``password`` and ``is_staff`` only when they change."""

    username: Username
    email: Email
    first_name: PersonName = ""
    last_name: PersonName = ""
    phone: Phone = None
    address: str = ""
    password: Password | None = None
    is_staff: bool | None = None


class UserPatch(Schema):
    username: Username | None = None
    email: Email | None = None
    first_name: PersonName | None = None
    last_name: PersonName | None = None
    phone: Phone = None
    address: str | None = None
    password: Password | None = None
    is_staff: bool | None = None


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


def changes_of(update: BaseModel, *, partial: bool = True) -> dict[str, object]:
    """The fields to change: for a partial update only those sent. A null means
    "unchanged", except for ``phone`` where null is a value."""
    sent = update.model_dump(exclude_unset=partial)
    return {name: value for name, value in sent.items() if value is not None or name == "phone"}
