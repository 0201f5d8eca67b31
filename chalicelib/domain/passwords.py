"""Django-compatible password hashes.

New hashes are ``pbkdf2_sha256$<iterations>$<salt>$<base64 hash>``. Every hasher in
Django's default ``PASSWORD_HASHERS`` verifies, so accounts migrated from the Django
backend log in with their old passwords:

- ``pbkdf2_sha256$<iterations>$<salt>$<b64>`` and ``pbkdf2_sha1$...`` (any iteration count)
- ``argon2$argon2id$v=19$m=...,t=...,p=...$<salt>$<hash>`` (argon2-cffi)
- ``bcrypt_sha256$$2b$<rounds>$<salt+checksum>`` (bcrypt of the hex SHA-256 of the password)
- ``scrypt$<n>$<salt>$<r>$<p>$<b64>`` (``hashlib.scrypt``, 64-byte key)

A successful login with any hash that is not ``pbkdf2_sha256`` at the configured
iterations or more is re-hashed (``needs_rehash``), as Django's ``must_update`` does.
Hashes starting with ``!`` are Django's unusable passwords and never verify. argon2-cffi
and bcrypt are imported only when such a hash is verified, so a cold start never loads
them.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets

ALGORITHM = "pbkdf2_sha256"
SALT_CHARACTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
UNUSABLE_PREFIX = "!"
PBKDF2_DIGESTS = {"pbkdf2_sha256": "sha256", "pbkdf2_sha1": "sha1"}
# What Django's scrypt hasher allows; the key derivation needs 128 * r * n bytes.
SCRYPT_MAX_MEMORY = 256 * 1024 * 1024


def _derive(password: str, salt: str, iterations: int, digest: str = "sha256") -> str:
    derived = hashlib.pbkdf2_hmac(digest, password.encode(), salt.encode(), iterations)
    return base64.b64encode(derived).decode("ascii")


def hash_password(password: str, iterations: int) -> str:
    salt = "".join(secrets.choice(SALT_CHARACTERS) for _ in range(22))
    return f"{ALGORITHM}${iterations}${salt}${_derive(password, salt, iterations)}"


def algorithm_of(encoded: str) -> str:
    return encoded.split("$", 1)[0]


def is_usable(encoded: str) -> bool:
    return bool(encoded) and not encoded.startswith(UNUSABLE_PREFIX)


def _parse_pbkdf2(encoded: str) -> tuple[str, int, str, str] | None:
    parts = encoded.split("$", 3)
    if len(parts) != 4 or parts[0] not in PBKDF2_DIGESTS or not parts[1].isdigit():
        return None
    return PBKDF2_DIGESTS[parts[0]], int(parts[1]), parts[2], parts[3]


def _verify_pbkdf2(password: str, encoded: str) -> bool:
    parsed = _parse_pbkdf2(encoded)
    if parsed is None or parsed[1] < 1:
        return False
    digest, iterations, salt, expected = parsed
    return hmac.compare_digest(_derive(password, salt, iterations, digest), expected)


def _verify_argon2(password: str, encoded: str) -> bool:
    import argon2  # loaded only for migrated argon2 hashes

    _, rest = encoded.split("$", 1)
    try:
        return bool(argon2.PasswordHasher().verify("$" + rest, password))
    except (argon2.exceptions.VerificationError, argon2.exceptions.InvalidHashError):
        return False


def _verify_bcrypt_sha256(password: str, encoded: str) -> bool:
    import bcrypt  # loaded only for migrated bcrypt hashes

    _, data = encoded.split("$", 1)
    prehashed = binascii.hexlify(hashlib.sha256(password.encode()).digest())
    try:
        return bool(bcrypt.checkpw(prehashed, data.encode("ascii")))
    except (ValueError, UnicodeEncodeError):
        return False


def _verify_scrypt(password: str, encoded: str) -> bool:
    parts = encoded.split("$")
    if len(parts) != 6 or not all(part.isdigit() for part in (parts[1], parts[3], parts[4])):
        return False
    _, n, salt, r, p, expected = parts
    try:
        derived = hashlib.scrypt(
            password.encode(),
            salt=salt.encode(),
            n=int(n),
            r=int(r),
            p=int(p),
            maxmem=SCRYPT_MAX_MEMORY,
            dklen=64,
        )
    except (ValueError, MemoryError):
        return False
    return hmac.compare_digest(base64.b64encode(derived).decode("ascii"), expected)


VERIFIERS = {
    "pbkdf2_sha256": _verify_pbkdf2,
    "pbkdf2_sha1": _verify_pbkdf2,
    "argon2": _verify_argon2,
    "bcrypt_sha256": _verify_bcrypt_sha256,
    "scrypt": _verify_scrypt,
}


def verify_password(password: str, encoded: str) -> bool:
    """Whether ``password`` matches ``encoded``; an unusable or unknown hash never does."""
    if not is_usable(encoded):
        return False
    verifier = VERIFIERS.get(algorithm_of(encoded))
    return verifier is not None and verifier(password, encoded)


def is_supported_hash(encoded: str) -> bool:
    """A hash some login could verify (or an unusable one): what an import accepts."""
    return not is_usable(encoded) or algorithm_of(encoded) in VERIFIERS


def needs_rehash(encoded: str, iterations: int) -> bool:
    """After a successful login: anything but ``pbkdf2_sha256`` with at least the
    configured iterations is replaced by a fresh hash."""
    parsed = _parse_pbkdf2(encoded)
    return parsed is None or algorithm_of(encoded) != ALGORITHM or parsed[1] < iterations


def burn_time_like_a_check(iterations: int) -> None:
    """Spend the time of one verification, so that an unknown username answers as slowly
    as a wrong password (no user enumeration by timing)."""
    _derive("not a password", "not a salt", iterations)
