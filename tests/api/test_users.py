"""Listing, reading, changing and deleting users."""
# ruff: noqa: F811  (test parameters name the fixtures imported from module_tables)

from __future__ import annotations

import itertools
from typing import Any

import pytest
from helpers import PASSWORD

# Tables emptied once per module: these fixtures replace the per-test ones of the same names.
from module_tables import api, shopper, staff  # noqa: F401

serial = itertools.count(1)


# Each test here works on records of its own, so the module shares one set of tables
# (see tests/api/conftest.py).


@pytest.fixture
def me(people: Any) -> dict[str, Any]:
    username = f"shopper{next(serial)}"
    return people.signup(username, first_name="Nur", phone="+977", address="Kohalpur")


@pytest.fixture
def client(people: Any, me: dict[str, Any]) -> Any:
    return people.client(me["username"])


@pytest.fixture
def stranger(people: Any) -> dict[str, Any]:
    return people.signup(f"stranger{next(serial)}")


def can_log_in(api: Any, username: str, password: str = PASSWORD) -> bool:
    reply = api.post("/api/auth/login/", {"username": username, "password": password})
    return bool(reply.status == 200)


# --- listing ---------------------------------------------------------------------------


def test_staff_list_every_user_in_id_order(staff, me, stranger):
    reply = staff.get("/api/users/?limit=500")
    assert reply.status == 200
    assert {"staff", me["username"], stranger["username"]} <= {u["username"] for u in reply.body}
    ids = [user["id"] for user in reply.body]
    assert ids == sorted(ids)


def test_a_shopper_lists_only_themselves(client, me, stranger):
    reply = client.get("/api/users/")
    assert (reply.status, reply.body) == (200, [me])


def test_listing_users_anonymously_is_401(api, me):
    assert api.get("/api/users/").status == 401


def test_the_staff_user_list_is_paged(staff, me, stranger):
    reply = staff.get("/api/users/?limit=2")
    assert len(reply.body) == 2
    assert 'rel="next"' in reply.headers["Link"]


# --- reading ---------------------------------------------------------------------------


def test_a_user_reads_their_own_record(client, me):
    assert client.get(f"/api/users/{me['id']}/").body == me


def test_me_is_the_current_user(client, me):
    assert client.get("/api/users/me/").body == me


def test_me_anonymously_is_401(api):
    assert api.get("/api/users/me/").status == 401


def test_staff_read_any_user(staff, me):
    assert staff.get(f"/api/users/{me['id']}/").body == me


def test_a_user_cannot_read_another_user(client, stranger):
    reply = client.get(f"/api/users/{stranger['id']}/")
    assert reply.status in (403, 404)
    assert set(reply.body) == {"detail"}


def test_reading_a_user_anonymously_is_401(api, me):
    assert api.get(f"/api/users/{me['id']}/").status == 401


def test_staff_reading_an_unknown_user_get_404(staff):
    reply = staff.get("/api/users/999/")
    assert (reply.status, reply.body) == (404, {"detail": "Not found."})


# --- changing --------------------------------------------------------------------------


def test_patch_changes_only_the_fields_sent(client, me):
    reply = client.patch(f"/api/users/{me['id']}/", {"last_name": "Karki"})
    assert reply.status == 200
    assert reply.body == {**me, "last_name": "Karki"}


def test_put_replaces_the_profile(client, me):
    profile = {
        "username": "renamed", "email": "renamed@example.com", "first_name": "A",
        "last_name": "B", "phone": None, "address": "Kathmandu",
    }  # fmt: skip
    reply = client.put(f"/api/users/{me['id']}/", profile)
    assert reply.status == 200
    assert reply.body == {**me, **profile}


def test_put_requires_the_username_and_email(client, me):
    reply = client.put(f"/api/users/{me['id']}/", {"first_name": "A"})
    assert reply.status == 400
    assert set(reply.body) == {"username", "email"}


def test_put_keeps_optional_fields_it_does_not_send(client, me):
    # As DRF's ModelSerializer does: a full update requires the required fields and sets
    # the ones sent; optional fields left out keep their values.
    reply = client.put(
        f"/api/users/{me['id']}/", {"username": me["username"], "email": me["email"]}
    )
    assert reply.status == 200
    assert (reply.body["first_name"], reply.body["address"]) == ("Nur", "Kohalpur")


def test_patch_can_clear_the_phone_with_null(client, me):
    reply = client.patch(f"/api/users/{me['id']}/", {"phone": None})
    assert reply.body["phone"] is None


def test_patch_validates_what_it_sends(client, me):
    reply = client.patch(f"/api/users/{me['id']}/", {"email": "nope", "username": "a b"})
    assert reply.status == 400
    assert set(reply.body) == {"email", "username"}


def test_a_username_taken_in_another_case_cannot_be_patched_in(client, me, stranger):
    reply = client.patch(f"/api/users/{me['id']}/", {"username": stranger["username"].upper()})
    assert reply.status == 400
    assert list(reply.body) == ["username"]


def test_a_taken_email_cannot_be_patched_in(client, me, stranger):
    reply = client.patch(f"/api/users/{me['id']}/", {"email": stranger["email"]})
    assert reply.status == 400
    assert list(reply.body) == ["email"]


def test_a_renamed_user_frees_the_old_username(api, people, client, me):
    client.patch(f"/api/users/{me['id']}/", {"username": f"{me['username']}-renamed"})
    again = people.signup(me["username"], email=f"again-{me['email']}")
    assert again["username"] == me["username"]


@pytest.mark.parametrize("method", ["PUT", "PATCH"])
def test_a_user_cannot_change_another_user(client, stranger, staff, method):
    body = {"username": stranger["username"], "email": "taken-over@example.com"}
    reply = client.request(method, f"/api/users/{stranger['id']}/", body)
    assert reply.status in (403, 404)
    assert staff.get(f"/api/users/{stranger['id']}/").body["email"] == stranger["email"]


def test_changing_a_user_anonymously_is_401(api, me):
    assert api.patch(f"/api/users/{me['id']}/", {"first_name": "X"}).status == 401


def test_staff_change_any_user(staff, me):
    reply = staff.patch(f"/api/users/{me['id']}/", {"address": "Pokhara"})
    assert (reply.status, reply.body["address"]) == (200, "Pokhara")


def test_a_user_cannot_make_themselves_staff(client, staff, me):
    reply = client.patch(f"/api/users/{me['id']}/", {"is_staff": True})
    assert reply.status == 403
    assert staff.get(f"/api/users/{me['id']}/").body["is_staff"] is False


def test_a_user_cannot_make_themselves_staff_with_put(client, staff, me):
    body = {"username": me["username"], "email": me["email"], "is_staff": True}
    assert client.put(f"/api/users/{me['id']}/", body).status == 403
    assert staff.get(f"/api/users/{me['id']}/").body["is_staff"] is False


def test_staff_can_make_a_user_staff(staff, client, me):
    reply = staff.patch(f"/api/users/{me['id']}/", {"is_staff": True})
    assert (reply.status, reply.body["is_staff"]) == (200, True)
    assert client.get("/api/categories/").status == 200
    assert client.post("/api/categories/", {"name": "Hats"}).status == 201


# --- passwords -------------------------------------------------------------------------


def test_a_new_password_replaces_the_old_one(api, client, me):
    client.patch(f"/api/users/{me['id']}/", {"password": "brand-new-pass-2"})
    assert can_log_in(api, me["username"], "brand-new-pass-2")
    assert not can_log_in(api, me["username"], PASSWORD)


def test_a_new_password_is_stored_hashed(client, me):
    from chalicelib.services.storage import store

    client.patch(f"/api/users/{me['id']}/", {"password": "brand-new-pass-2"})
    stored = store.users.get_user(me["id"]).password_hash
    assert stored.startswith("pbkdf2_sha256$") and "brand-new-pass-2" not in stored


def test_a_new_password_follows_the_password_rules(api, client, me):
    reply = client.patch(f"/api/users/{me['id']}/", {"password": "12345678"})
    assert reply.status == 400
    assert list(reply.body) == ["password"]
    assert can_log_in(api, me["username"], PASSWORD)


def test_changing_the_password_ends_the_users_other_sessions(people, client, me):
    other_device = people.client(me["username"])
    client.patch(f"/api/users/{me['id']}/", {"password": "brand-new-pass-2"})
    assert other_device.get("/api/users/me/").status == 401


def test_changing_the_password_keeps_the_callers_own_session(client, me):
    client.patch(f"/api/users/{me['id']}/", {"password": "brand-new-pass-2"})
    assert client.get("/api/users/me/").status == 200


def test_staff_changing_a_password_end_every_session_of_that_user(staff, client, me):
    staff.patch(f"/api/users/{me['id']}/", {"password": "brand-new-pass-2"})
    assert client.get("/api/users/me/").status == 401
    assert staff.get("/api/users/me/").status == 200


def test_a_profile_change_without_a_password_keeps_other_sessions(people, client, me):
    other_device = people.client(me["username"])
    client.patch(f"/api/users/{me['id']}/", {"first_name": "Changed"})
    assert other_device.get("/api/users/me/").status == 200


# --- deleting --------------------------------------------------------------------------


def test_a_user_deletes_their_own_account(client, staff, me):
    reply = client.delete(f"/api/users/{me['id']}/")
    assert (reply.status, reply.body) == (204, None)
    assert staff.get(f"/api/users/{me['id']}/").status == 404


def test_deleting_a_user_ends_their_sessions(people, client, me):
    other_device = people.client(me["username"])
    client.delete(f"/api/users/{me['id']}/")
    assert client.get("/api/users/me/").status == 401
    assert other_device.get("/api/users/me/").status == 401


def test_a_deleted_user_can_no_longer_log_in(api, client, me):
    client.delete(f"/api/users/{me['id']}/")
    assert not can_log_in(api, me["username"])


def test_a_deleted_users_username_and_email_are_free_again(people, client, me):
    client.delete(f"/api/users/{me['id']}/")
    again = people.signup(me["username"], email=me["email"])
    assert again["id"] != me["id"]


def test_staff_delete_any_user(staff, client, me):
    assert staff.delete(f"/api/users/{me['id']}/").status == 204
    assert client.get("/api/users/me/").status == 401


def test_a_user_cannot_delete_another_user(client, staff, stranger):
    assert client.delete(f"/api/users/{stranger['id']}/").status in (403, 404)
    assert staff.get(f"/api/users/{stranger['id']}/").status == 200


def test_deleting_a_user_anonymously_is_401(api, me):
    assert api.delete(f"/api/users/{me['id']}/").status == 401


def test_deleting_an_unknown_user_is_404(staff):
    assert staff.delete("/api/users/999/").status == 404
