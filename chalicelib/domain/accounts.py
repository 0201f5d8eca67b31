"""Rules for usernames, passwords and who may see or change a user."""

from __future__ import annotations

import re
import unicodedata

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
