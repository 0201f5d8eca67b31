"""Django-compatible PBKDF2 hashes: records exported from the Django backend log in."""

from __future__ import annotations

import base64
import hashlib

from chalicelib.domain.passwords import hash_password, needs_rehash, verify_password

# Published by Django's own test suite: make_password("lètmein", "seasalt", "pbkdf2_sha256")
# with Django's default of 600,000 iterations.
DJANGO_HASH = "pbkdf2_sha256$600000$seasalt$OAXyhAQ/4ZDA9V5RMExt3C1OwQdUpLZ99vm1McFlLRA="


def django_pbkdf2_sha256(password: str, salt: str, iterations: int) -> str:
    """What Django's PBKDF2PasswordHasher.encode produces, rebuilt from the standard library."""
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), iterations)
    encoded = base64.b64encode(digest).decode("ascii").strip()
    return f"pbkdf2_sha256${iterations}${salt}${encoded}"


def test_a_hash_published_by_django_verifies() -> None:
    assert verify_password("lètmein", DJANGO_HASH)


def test_a_hash_built_the_way_django_builds_it_verifies() -> None:
    encoded = django_pbkdf2_sha256("s3cret-Pässword", "Xy7pQ2rS9tUv", 1000)

    assert verify_password("s3cret-Pässword", encoded)


def test_a_wrong_password_does_not_verify() -> None:
    assert not verify_password("letmein", DJANGO_HASH)


def test_a_password_differing_only_in_case_does_not_verify() -> None:
    encoded = django_pbkdf2_sha256("Secret-password", "salt", 1000)

    assert not verify_password("secret-password", encoded)


def test_a_new_hash_has_the_django_format() -> None:
    algorithm, iterations, salt, digest = hash_password("s3cret-password", 1000).split("$")

    assert (algorithm, iterations) == ("pbkdf2_sha256", "1000")
    assert len(salt) >= 12 and salt.isalnum()
    assert len(base64.b64decode(digest, validate=True)) == 32


def test_a_new_hash_is_what_django_would_compute_for_its_salt() -> None:
    encoded = hash_password("s3cret-password", 1000)
    salt = encoded.split("$")[2]

    assert encoded == django_pbkdf2_sha256("s3cret-password", salt, 1000)


def test_each_hash_of_one_password_has_its_own_salt() -> None:
    assert hash_password("s3cret-password", 1000) != hash_password("s3cret-password", 1000)


def test_a_new_hash_verifies_with_its_password() -> None:
    assert verify_password("s3cret-password", hash_password("s3cret-password", 1000))


def test_a_hash_of_another_algorithm_does_not_verify() -> None:
    encoded = django_pbkdf2_sha256("s3cret-password", "salt", 1000).replace("sha256", "sha1", 1)

    assert not verify_password("s3cret-password", encoded)


def test_malformed_hashes_do_not_verify() -> None:
    for encoded in ("", "!unusable", "pbkdf2_sha256$many$salt$hash", "pbkdf2_sha256$1000$salt"):
        assert not verify_password("s3cret-password", encoded)


def test_a_hash_with_fewer_iterations_than_configured_needs_a_rehash() -> None:
    assert needs_rehash(django_pbkdf2_sha256("pw", "salt", 1000), 600_000)


def test_a_hash_with_the_configured_iterations_needs_no_rehash() -> None:
    assert not needs_rehash(DJANGO_HASH, 600_000)


def test_a_hash_with_more_iterations_than_configured_needs_no_rehash() -> None:
    assert not needs_rehash(django_pbkdf2_sha256("pw", "salt", 1_000_000), 600_000)


def test_an_unreadable_hash_needs_a_rehash() -> None:
    assert needs_rehash("md5$salt$hash", 1000)
