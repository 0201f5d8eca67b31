"""Public signup, `POST /api/users/`. Every test signs up names of its
own, so the module shares one set of tables."""
# ruff: noqa: F811  (test parameters name the fixtures imported from module_tables)

from __future__ import annotations

import itertools
from typing import Any

import pytest
from helpers import PASSWORD, TIMESTAMP

# Tables emptied once per module: these fixtures replace the per-test ones of the same names.
from module_tables import api, shopper, staff  # noqa: F401

USER_FIELDS = {
    "id", "username", "first_name", "last_name", "email", "phone", "address", "created_at",
    "is_staff",
}  # fmt: skip
serial = itertools.count(1)


# Each test here works on records of its own, so the module shares one set of tables
# (see tests/api/conftest.py).


def fresh(prefix: str = "shopper") -> str:
    return f"{prefix}{next(serial)}"


def sign_up(api: Any, **fields: Any) -> Any:
    """Signup with a fresh username and email unless the test names them."""
    name = fresh()
    body = {"username": name, "password": PASSWORD, "email": f"{name}@example.com"}
    return api.post("/api/users/", {**body, **fields})


def test_signup_answers_201_with_the_new_user(api):
    reply = sign_up(api, username="nurpratap", email="nurpratap@example.com")
    assert reply.status == 201
    assert set(reply.body) >= USER_FIELDS
    assert reply.body["username"] == "nurpratap"
    assert reply.body["email"] == "nurpratap@example.com"
    assert isinstance(reply.body["id"], int) and reply.body["id"] > 0


def test_a_new_user_has_a_null_phone_an_empty_address_and_names(api):
    body = sign_up(api).body
    assert (body["phone"], body["address"]) == (None, "")
    assert (body["first_name"], body["last_name"]) == ("", "")
    assert body["is_staff"] is False


def test_signup_never_returns_the_password(api):
    reply = sign_up(api)
    assert not [key for key in reply.body if "password" in key]
    assert PASSWORD not in str(reply.body)


def test_created_at_is_iso_utc_with_microseconds_and_z(api):
    assert TIMESTAMP.match(sign_up(api).body["created_at"])


def test_signup_stores_the_optional_profile_fields(api):
    reply = sign_up(api, first_name="Nur", last_name="Karki", phone="+977 1", address="Kohalpur")
    body = reply.body
    assert (body["first_name"], body["last_name"]) == ("Nur", "Karki")
    assert (body["phone"], body["address"]) == ("+977 1", "Kohalpur")


def test_the_new_user_can_log_in_with_the_chosen_password(api):
    username = sign_up(api).body["username"]
    reply = api.post("/api/auth/login/", {"username": username, "password": PASSWORD})
    assert reply.status == 200


def test_signup_ignores_is_staff_id_and_created_at_in_the_body(api):
    reply = sign_up(api, is_staff=True, id=999, created_at="2001-01-01T00:00:00.000000Z")
    assert reply.status == 201
    assert reply.body["is_staff"] is False
    assert reply.body["id"] != 999
    assert not reply.body["created_at"].startswith("2001")


def test_ids_are_assigned_in_increasing_order(api):
    first = sign_up(api).body["id"]
    second = sign_up(api).body["id"]
    assert second > first


@pytest.mark.parametrize("field", ["username", "password", "email"])
def test_a_missing_required_field_is_named(api, field):
    name = fresh()
    body = {"username": name, "password": PASSWORD, "email": f"{name}@example.com"}
    del body[field]
    reply = api.post("/api/users/", body)
    assert (reply.status, reply.body) == (400, {field: ["This field is required."]})


@pytest.mark.parametrize(
    "username",
    ["", "has space", "semi;colon", "slash/", "quote'", "x" * 151],
    ids=["empty", "space", "semicolon", "slash", "quote", "151-chars"],
)
def test_an_invalid_username_is_refused(api, username):
    reply = sign_up(api, username=username)
    assert reply.status == 400
    assert list(reply.body) == ["username"]


@pytest.mark.parametrize(
    "username", ["a", "x" * 150, "first.last@shop+1-2_3", "Jürgen"],
    ids=["one-char", "150-chars", "every-symbol", "non-ascii-letters"],
)  # fmt: skip
def test_a_valid_username_is_accepted(api, username):
    assert sign_up(api, username=username).status == 201


def test_a_username_is_unique_regardless_of_case(api):
    taken = sign_up(api).body["username"]
    reply = sign_up(api, username=taken.upper())
    assert reply.status == 400
    assert list(reply.body) == ["username"]


@pytest.mark.parametrize(
    "email", ["not-an-email", "missing@tld", "two@@example.com", "a b@example.com", ""]
)
def test_an_invalid_email_is_refused(api, email):
    reply = sign_up(api, email=email)
    assert reply.status == 400
    assert list(reply.body) == ["email"]


def test_an_email_is_unique(api):
    taken = sign_up(api).body["email"]
    reply = sign_up(api, email=taken)
    assert reply.status == 400
    assert list(reply.body) == ["email"]


def test_a_refused_signup_leaves_nothing_claimed(api):
    """A username clash must not keep the email of the failed attempt."""
    taken = sign_up(api).body["username"]
    assert sign_up(api, username=taken, email="fresh@example.com").status == 400
    assert sign_up(api, email="fresh@example.com").status == 201


@pytest.mark.parametrize(
    ("username", "password"),
    [("weakling1", "short1!"), ("weakling2", "1234567890"), ("longusername1", "longusername1")],
    ids=["under-8-chars", "all-digits", "equals-username"],
)
def test_a_weak_password_is_refused(api, username, password):
    reply = sign_up(api, username=username, password=password)
    assert reply.status == 400
    assert list(reply.body) == ["password"]
    assert reply.body["password"]


def test_an_eight_character_password_is_enough(api):
    assert sign_up(api, password="abcdefg1").status == 201
