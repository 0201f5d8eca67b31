"""Login, the credentials later requests carry, logout and sessions.
Every test logs in a user of its own, so the module shares one set of tables."""
# ruff: noqa: F811  (test parameters name the fixtures imported from module_tables)

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

import pytest
from helpers import BAD_CREDENTIALS

# Tables emptied once per module: these fixtures replace the per-test ones of the same names.
from module_tables import api, shopper, staff  # noqa: F401

serial = itertools.count(1)


def set_cookies(reply: Any) -> dict[str, dict[str, str]]:
    """``{"sessionid": {"value": ..., "path": "/", "httponly": "", ...}}`` from Set-Cookie."""
    headers = reply.headers.get("Set-Cookie") or []
    cookies: dict[str, dict[str, str]] = {}
    for header in [headers] if isinstance(headers, str) else headers:
        pair, *attributes = (part.strip() for part in header.split(";"))
        name, _, value = pair.partition("=")
        parsed = {"value": value}
        for attribute in attributes:
            key, _, setting = attribute.partition("=")
            parsed[key.lower()] = setting
        cookies[name] = parsed
    return cookies


def log_in(api: Any, username: str, password: str = "correct-horse-9") -> Any:
    return api.post("/api/auth/login/", {"username": username, "password": password})


# Each test here works on records of its own, so the module shares one set of tables
# (see tests/api/conftest.py).


@pytest.fixture
def registered(people: Any) -> dict[str, Any]:
    username = f"shopper{next(serial)}"
    return people.signup(username, first_name="Nur", last_name="Karki")


@pytest.fixture
def shopper(people: Any, registered: dict[str, Any]) -> Any:
    return people.client(registered["username"])


def test_login_answers_a_token_and_the_user(api, registered):
    reply = log_in(api, registered["username"])
    assert reply.status == 200
    assert isinstance(reply.body["token"], str) and len(reply.body["token"]) >= 20
    assert reply.body["user"] == registered


def test_login_sets_an_http_only_lax_session_cookie_holding_the_token(api, registered):
    reply = log_in(api, registered["username"])
    session = set_cookies(reply)["sessionid"]
    assert session["value"] == reply.body["token"]
    assert "httponly" in session
    assert session["samesite"].lower() == "lax"
    assert session["path"] == "/"


def test_login_cookies_are_not_secure_in_the_local_test_stage(api, registered):
    cookies = set_cookies(log_in(api, registered["username"]))
    assert "secure" not in cookies["sessionid"]
    assert "secure" not in cookies["csrftoken"]


def test_login_cookies_are_secure_outside_the_local_stages(monkeypatch, settings, api, registered):
    monkeypatch.setattr(settings, "stage", "prod")
    cookies = set_cookies(log_in(api, registered["username"]))
    assert "secure" in cookies["sessionid"]
    assert "secure" in cookies["csrftoken"]


def test_login_sets_a_csrf_cookie_that_scripts_can_read(api, registered):
    csrf = set_cookies(log_in(api, registered["username"]))["csrftoken"]
    assert len(csrf["value"]) >= 20
    assert "httponly" not in csrf
    assert csrf["path"] == "/"


def test_each_login_starts_a_new_session(api, registered):
    assert (
        log_in(api, registered["username"]).body["token"]
        != log_in(api, registered["username"]).body["token"]
    )


def test_login_with_a_wrong_password_is_refused_with_non_field_errors(api, registered):
    reply = log_in(api, registered["username"], password="wrong-password-1")
    assert (reply.status, reply.body) == (400, BAD_CREDENTIALS)
    assert "Set-Cookie" not in reply.headers


def test_login_with_an_unknown_username_is_refused_the_same_way(api, registered):
    reply = log_in(api, username="nobody")
    assert (reply.status, reply.body) == (400, BAD_CREDENTIALS)


def test_login_without_a_password_names_the_missing_field(api, registered):
    reply = api.post("/api/auth/login/", {"username": registered["username"]})
    assert reply.status == 400
    assert reply.body == {"password": ["This field is required."]}


@pytest.mark.parametrize("scheme", ["Token", "Bearer"])
def test_a_token_authenticates_with_either_header_scheme(api, registered, scheme):
    token = log_in(api, registered["username"]).body["token"]
    reply = api.get("/api/auth/user/", headers={"Authorization": f"{scheme} {token}"})
    assert (reply.status, reply.body) == (200, registered)


def test_the_session_cookie_alone_authenticates_a_read(api, registered):
    token = log_in(api, registered["username"]).body["token"]
    reply = api.get("/api/auth/user/", headers={"Cookie": f"sessionid={token}"})
    assert (reply.status, reply.body["username"]) == (200, registered["username"])


def test_the_current_user_endpoint_needs_credentials(api):
    reply = api.get("/api/auth/user/")
    assert reply.status == 401
    assert set(reply.body) == {"detail"}


@pytest.mark.parametrize(
    "header",
    [
        "Token garbage",
        "Token 1.not-the-secret",
        "Token 999.not-a-user",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
    ],
)
def test_an_invalid_token_on_a_protected_endpoint_is_401(api, registered, header):
    reply = api.get("/api/users/me/", headers={"Authorization": header})
    assert reply.status == 401
    assert set(reply.body) == {"detail"}


def test_a_token_of_one_user_cannot_be_replayed_under_another_user_id(api, people, registered):
    other = people.signup(f"other-{registered['username']}")
    token = log_in(api, registered["username"]).body["token"]
    forged = f"{other['id']}." + token.partition(".")[2]
    reply = api.get("/api/users/me/", headers={"Authorization": f"Token {forged}"})
    assert reply.status == 401


def test_logout_answers_successfully_logged_out(shopper):
    reply = shopper.post("/api/auth/logout/")
    assert (reply.status, reply.body) == (200, {"detail": "Successfully logged out."})


def test_logout_clears_the_session_and_csrf_cookies(shopper):
    cookies = set_cookies(shopper.post("/api/auth/logout/"))
    assert cookies["sessionid"]["value"] == "" and cookies["sessionid"]["max-age"] == "0"
    assert cookies["csrftoken"]["max-age"] == "0"


def test_a_token_is_dead_right_after_logout(shopper):
    shopper.post("/api/auth/logout/")
    assert shopper.get("/api/auth/user/").status == 401


def test_logout_ends_only_the_session_it_was_called_with(api, people, registered):
    first, second = people.client(registered["username"]), people.client(registered["username"])
    first.post("/api/auth/logout/")
    assert second.get("/api/auth/user/").status == 200


def test_logout_without_credentials_is_401(api):
    assert api.post("/api/auth/logout/").status == 401


def travel(monkeypatch: pytest.MonkeyPatch, delta: timedelta) -> None:
    """Move the clock that session expiry is judged by.

    The clock is moved rather than a stored expiry rewritten: the test then shows that a
    session record which still exists in the table (TTL deletion is lazy) is refused once
    its configured lifetime has passed, without writing table items by hand.
    """
    from chalicelib.domain.clock import utc_now
    from chalicelib.services import auth

    later = utc_now() + delta
    monkeypatch.setattr(auth, "utc_now", lambda: later)


def test_a_session_still_works_just_before_fourteen_days(monkeypatch, shopper):
    travel(monkeypatch, timedelta(days=14) - timedelta(minutes=1))
    assert shopper.get("/api/auth/user/").status == 200


def test_a_session_older_than_fourteen_days_is_401(monkeypatch, shopper):
    travel(monkeypatch, timedelta(days=14, seconds=1))
    reply = shopper.get("/api/auth/user/")
    assert reply.status == 401
    assert set(reply.body) == {"detail"}


def test_an_expired_session_cookie_is_401_on_a_protected_endpoint(monkeypatch, api, registered):
    token = log_in(api, registered["username"]).body["token"]
    travel(monkeypatch, timedelta(days=15))
    assert api.get("/api/auth/user/", headers={"Cookie": f"sessionid={token}"}).status == 401


def test_the_session_lifetime_follows_session_days(monkeypatch, settings, people, registered):
    monkeypatch.setattr(settings, "session_days", 2)
    client = people.client(registered["username"])
    travel(monkeypatch, timedelta(days=2, seconds=1))
    assert client.get("/api/auth/user/").status == 401


def test_the_session_cookie_lives_as_long_as_the_session(api, registered):
    max_age = int(set_cookies(log_in(api, registered["username"]))["sessionid"]["max-age"])
    assert abs(max_age - 14 * 24 * 3600) <= 5
