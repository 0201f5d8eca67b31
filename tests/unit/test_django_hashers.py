"""Passwords of accounts migrated from Django: every hasher of Django's default list
verifies (hashes made as Django's own hashers encode them), outdated ones are marked for
re-hashing, unusable ones never verify, and the optional libraries load only when needed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from django_dump import django_argon2, django_bcrypt_sha256, django_pbkdf2, django_scrypt
from helpers import PASSWORD

from chalicelib.domain import passwords

CONFIGURED = 1000
PROJECT_DIR = Path(__file__).resolve().parents[2]

HASHES = {
    "pbkdf2_sha256": lambda p: django_pbkdf2(p, "saltsaltsalt", 1200),
    "pbkdf2_sha256 few iterations": lambda p: django_pbkdf2(p, "saltsaltsalt", 20),
    "pbkdf2_sha1": lambda p: django_pbkdf2(p, "saltsaltsalt", 1000, "sha1"),
    "argon2": lambda p: django_argon2(p, "argonsaltargonsalt"),
    "argon2 other parameters": lambda p: django_argon2(p, "saltsaltsalt", 3, 2048, 1),
    "bcrypt_sha256": lambda p: django_bcrypt_sha256(p),
    "scrypt": lambda p: django_scrypt(p, "scryptsalt", n=2**10, r=8, p=2),
}


@pytest.mark.parametrize("name", HASHES)
def test_each_django_format_verifies_the_right_password_only(name):
    encoded = HASHES[name](PASSWORD)
    assert passwords.verify_password(PASSWORD, encoded)
    assert not passwords.verify_password("correct-horse-8", encoded)
    assert not passwords.verify_password("", encoded)


def test_known_vectors_verify():
    # Non-ASCII passwords are encoded as UTF-8, as Django's force_bytes does.
    assert passwords.verify_password("lètmein", django_pbkdf2("lètmein", "seasalt", 100000))
    encoded = django_pbkdf2("password", "salt", 1, "sha1")
    # RFC 6070 test vector 1: Django keeps the digest's own length (20 bytes for SHA-1).
    assert encoded.startswith("pbkdf2_sha1$1$salt$DGDID5YfDnHzqbUkr2ASBi/gN6Y=")
    assert passwords.verify_password("password", encoded)


def test_only_current_pbkdf2_sha256_hashes_are_left_as_they_are():
    current = passwords.hash_password(PASSWORD, CONFIGURED)
    assert not passwords.needs_rehash(current, CONFIGURED)
    assert not passwords.needs_rehash(HASHES["pbkdf2_sha256"](PASSWORD), CONFIGURED)
    for name in HASHES:
        if name != "pbkdf2_sha256":
            assert passwords.needs_rehash(HASHES[name](PASSWORD), CONFIGURED), name


@pytest.mark.parametrize(
    "encoded",
    [
        "!",
        "!" + "x" * 40,
        "!pbkdf2_sha256$1000$salt$abc",
        "",
        "md5$salt$0123456789abcdef0123456789abcdef",
        "unsalted_md5$",
        "pbkdf2_sha256$notanumber$salt$abc",
        "pbkdf2_sha256$0$salt$abc",
        "argon2$argon2id$garbage",
        "bcrypt_sha256$$2b$garbage",
        "scrypt$16384$salt$8$1",
        "scrypt$16384$salt$8$1$abc",
    ],
)
def test_unusable_unknown_and_broken_hashes_never_verify(encoded):
    assert not passwords.verify_password("", encoded)
    assert not passwords.verify_password(PASSWORD, encoded)


def test_an_import_accepts_unusable_and_supported_hashes_only():
    assert passwords.is_supported_hash("!" + "x" * 40)
    assert all(passwords.is_supported_hash(make(PASSWORD)) for make in HASHES.values())
    assert not passwords.is_supported_hash("md5$salt$0123")
    assert not passwords.is_supported_hash("plain text")


def test_argon2_and_bcrypt_load_only_when_such_a_hash_is_verified():
    script = (
        "import sys\n"
        "from chalicelib.domain import passwords\n"
        "passwords.verify_password('x', passwords.hash_password('x', 10))\n"
        "assert 'argon2' not in sys.modules and 'bcrypt' not in sys.modules\n"
        f"passwords.verify_password('x', {django_bcrypt_sha256('x')!r})\n"
        "assert 'bcrypt' in sys.modules and 'argon2' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", script], cwd=PROJECT_DIR, check=True)
