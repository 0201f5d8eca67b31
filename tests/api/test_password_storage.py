"""Passwords are stored only as Django-format PBKDF2 hashes; a hash made
with fewer iterations than configured (an old Django export) still logs in and is
upgraded to the configured work factor."""

from __future__ import annotations

from typing import Any

import pytest
from helpers import PASSWORD

# A hash from an older export is planted with the DynamoDB store's own write.
pytestmark = pytest.mark.dynamodb


def stored_hash(user_id: int) -> str:
    from chalicelib.store import users

    return users.get_user(user_id).password_hash


def store_weaker_hash(user_id: int, password: str, iterations: int) -> str:
    """What a record exported from an older Django would hold."""
    from chalicelib.domain import passwords
    from chalicelib.store import users

    user = users.get_user(user_id)
    user.password_hash = passwords.hash_password(password, iterations)
    users.save_password_hash(user)
    return user.password_hash


def login(api: Any, password: str = PASSWORD) -> Any:
    return api.post("/api/auth/login/", {"username": "shopper", "password": password})


def test_signup_stores_a_django_pbkdf2_hash_with_the_configured_iterations(settings, people):
    user = people.signup("shopper")
    algorithm, iterations, salt, digest = stored_hash(user["id"]).split("$")
    assert (algorithm, int(iterations)) == ("pbkdf2_sha256", settings.password_iterations)
    assert salt and digest and PASSWORD not in stored_hash(user["id"])


def test_a_hash_with_fewer_iterations_still_logs_in(api, people):
    user = people.signup("shopper")
    store_weaker_hash(user["id"], PASSWORD, iterations=500)
    assert login(api).status == 200


def test_logging_in_upgrades_a_weaker_hash_to_the_configured_iterations(settings, api, people):
    user = people.signup("shopper")
    weaker = store_weaker_hash(user["id"], PASSWORD, iterations=500)
    login(api)
    upgraded = stored_hash(user["id"])
    assert upgraded != weaker
    assert upgraded.startswith(f"pbkdf2_sha256${settings.password_iterations}$")
    assert login(api).status == 200


def test_a_wrong_password_does_not_upgrade_a_weaker_hash(api, people):
    user = people.signup("shopper")
    weaker = store_weaker_hash(user["id"], PASSWORD, iterations=500)
    assert login(api, "wrong-password-1").status == 400
    assert stored_hash(user["id"]) == weaker


def test_a_hash_at_the_configured_iterations_is_left_as_it_is(api, people):
    user = people.signup("shopper")
    before = stored_hash(user["id"])
    login(api)
    assert stored_hash(user["id"]) == before
