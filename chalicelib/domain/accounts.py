"""Rules for usernames, passwords and who may see or change a user."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace

from chalicelib.domain.changes import UNSET, Maybe, chosen
from chalicelib.domain.entities import User

USERNAME_PATTERN = re.compile(r"^[\w.@+-]{1,150}\Z")
MIN_PASSWORD_LENGTH = 8


def username_problems(username: str) -> list[str]:
    if not USERNAME_PATTERN.match(username):
        return [
            "Enter a valid username. This value may contain only letters, numbers, "
            "and @/./+/-/_ characters, at most 150."
        ]
    return []


def password_problems(password: str, username: str) -> list[str]:
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append("This password is too short. It must contain at least 8 characters.")
    if password.isdigit():
        problems.append("This password is entirely numeric.")
    if password.casefold() == username.casefold():
        problems.append("The password is too similar to the username.")
    return problems


def can_manage_user(actor: User, target_id: int) -> bool:
    return actor.is_staff or actor.id == target_id


def normalize_username(username: str) -> str:
    """NFKC, as Django normalises usernames: full-width letters become the ASCII ones."""
    return unicodedata.normalize("NFKC", username)


@dataclass(frozen=True)
class NewUser:
    """A signup: the profile and the password (``is_staff`` is never the client's to set)."""

    username: str
    email: str
    password: str
    first_name: str = ""
    last_name: str = ""
    phone: str | None = None
    address: str = ""


@dataclass(frozen=True)
class UserChanges:
    username: Maybe[str] = UNSET
    email: Maybe[str] = UNSET
    first_name: Maybe[str] = UNSET
    last_name: Maybe[str] = UNSET
    phone: Maybe[str | None] = UNSET
    address: Maybe[str] = UNSET
    password: Maybe[str] = UNSET
    is_staff: Maybe[bool] = UNSET

    def applied_to(self, user: User) -> User:
        """The user with the new profile and role; the password is the use case's (it is
        hashed, and it ends the other sessions)."""
        return replace(
            user,
            username=chosen(self.username, user.username),
            email=chosen(self.email, user.email),
            first_name=chosen(self.first_name, user.first_name),
            last_name=chosen(self.last_name, user.last_name),
            phone=chosen(self.phone, user.phone),
            address=chosen(self.address, user.address),
            is_staff=chosen(self.is_staff, user.is_staff),
        )
