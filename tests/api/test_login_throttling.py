"""More than 10 failures for one username, or more than the per-address
limit from one client address, within 15 minutes → 429 with Retry-After."""

from __future__ import annotations

import time
from types import SimpleNamespace
from typing import Any

import pytest
from helpers import PASSWORD

WINDOW_SECONDS = 15 * 60


def attempt(api: Any, username: str, password: str) -> Any:
    return api.post("/api/auth/login/", {"username": username, "password": password})


def fail(api: Any, username: str, times: int) -> None:
    for _ in range(times):
        assert attempt(api, username, "wrong-password-1").status == 400


def travel_seconds(monkeypatch: pytest.MonkeyPatch, seconds: int) -> None:
    """Move the clock the login windows are judged by (only the login service's view of it)."""
    from chalicelib.services import auth

    later = time.time() + seconds
    monkeypatch.setattr(auth, "time", SimpleNamespace(time=lambda: later))


@pytest.fixture
def registered(people: Any) -> None:
    people.signup("shopper")


def test_ten_failures_are_still_answered_as_wrong_credentials(api, registered):
    fail(api, "shopper", 9)
    assert attempt(api, "shopper", "wrong-password-1").status == 400


def test_the_eleventh_attempt_is_throttled_even_with_the_right_password(api, registered):
    fail(api, "shopper", 10)
    reply = attempt(api, "shopper", PASSWORD)
    assert reply.status == 429
    assert set(reply.body) == {"detail"}
    assert 0 < int(reply.headers["Retry-After"]) <= WINDOW_SECONDS


def test_a_throttled_login_sets_no_session(api, registered):
    fail(api, "shopper", 10)
    assert "Set-Cookie" not in attempt(api, "shopper", PASSWORD).headers


def test_failures_for_one_username_do_not_throttle_another(api, people, registered):
    people.signup("neighbour")
    fail(api, "shopper", 10)
    assert attempt(api, "neighbour", PASSWORD).status == 200


def test_logins_are_allowed_again_once_the_window_has_passed(monkeypatch, api, registered):
    fail(api, "shopper", 10)
    travel_seconds(monkeypatch, WINDOW_SECONDS + 1)
    assert attempt(api, "shopper", PASSWORD).status == 200


def test_failures_for_an_unknown_username_are_throttled_too(api):
    fail(api, "ghost", 10)
    assert attempt(api, "ghost", "wrong-password-1").status == 429


def test_too_many_failures_from_one_address_throttle_every_username(
    monkeypatch, settings, api, people
):
    # The default per-address limit (100) is lowered so the test stays fast; every request
    # of the test client comes from the same address.
    monkeypatch.setattr(settings, "login_failures_per_address", 3)
    people.signup("fourth")
    for username in ("first", "second", "third"):
        fail(api, username, 1)
    reply = attempt(api, "fourth", PASSWORD)
    assert reply.status == 429
    assert int(reply.headers["Retry-After"]) > 0


def test_failures_below_the_address_limit_do_not_throttle_a_new_username(
    monkeypatch, settings, api, people
):
    monkeypatch.setattr(settings, "login_failures_per_address", 3)
    people.signup("third")
    for username in ("first", "second"):
        fail(api, username, 1)
    assert attempt(api, "third", PASSWORD).status == 200
