"""Django-compatible password hashes: ``pbkdf2_sha256$<iterations>$<salt>$<base64 hash>``.

Records exported from the Django backend keep working, and a hash made with fewer
iterations than configured is upgraded at the next successful login.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

ALGORITHM = "pbkdf2_sha256"
SALT_CHARACTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def _derive(password: str, salt: str, iterations: int) -> str:
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), iterations)
    return base64.b64encode(digest).decode("ascii")


def hash_password(password: str, iterations: int) -> str:
    salt = "".join(secrets.choice(SALT_CHARACTERS) for _ in range(22))
    return f"{ALGORITHM}${iterations}${salt}${_derive(password, salt, iterations)}"


def _parse(encoded: str) -> tuple[int, str, str] | None:
    parts = encoded.split("$", 3)
    if len(parts) != 4 or parts[0] != ALGORITHM or not parts[1].isdigit():
        return None
    return int(parts[1]), parts[2], parts[3]


def verify_password(password: str, encoded: str) -> bool:
    parsed = _parse(encoded)
    if parsed is None:
        return False
    iterations, salt, expected = parsed
    return hmac.compare_digest(_derive(password, salt, iterations), expected)


def needs_rehash(encoded: str, iterations: int) -> bool:
    parsed = _parse(encoded)
    return parsed is None or parsed[0] < iterations


def burn_time_like_a_check(iterations: int) -> None:
    """Spend the time of one verification, so that an unknown username answers as slowly
    as a wrong password (no user enumeration by timing)."""
    _derive("not a password", "not a salt", iterations)
