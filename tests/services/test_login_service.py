"""Login through the service: credentials, hash upgrades and failure throttling."""

from __future__ import annotations

import copy
from dataclasses import dataclass

import pytest
from helpers import CLIENT_ADDRESS, PASSWORD

from chalicelib.config import get_settings
from chalicelib.domain.entities import User
from chalicelib.errors import InvalidInput, Throttled
from chalicelib.services import auth
from chalicelib.services.storage import store

WINDOW = 15 * 60


@dataclass
class FakeClock:
    now: float = 1_800_000_000.0

    def time(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr(auth, "time", fake)
    return fake


@pytest.fixture
def address_limit(monkeypatch: pytest.MonkeyPatch) -> int:
    """A small per-address limit, so the test needs few attempts."""
    settings = copy.copy(get_settings())
    settings.login_failures_per_address = 4
    monkeypatch.setattr(auth, "get_settings", lambda: settings)
    return 4


def fail(username: str, times: int = 1, address: str = CLIENT_ADDRESS) -> None:
    for _ in range(times):
        with pytest.raises(InvalidInput):
            auth.login(username, "wrong-password", address)


def test_the_right_password_logs_in(shopper_user: User, clock: FakeClock) -> None:
    assert auth.login("shopper", PASSWORD, CLIENT_ADDRESS).user.id == shopper_user.id


def test_a_wrong_password_is_refused_with_drfs_message(
    shopper_user: User, clock: FakeClock
) -> None:
    with pytest.raises(InvalidInput) as refused:
        auth.login("shopper", "wrong-password", CLIENT_ADDRESS)

    assert refused.value.errors == {
        "non_field_errors": ["Unable to log in with provided credentials."]
    }


def test_an_unknown_username_is_refused_like_a_wrong_password(clock: FakeClock) -> None:
    with pytest.raises(InvalidInput) as refused:
        auth.login("nobody", PASSWORD, CLIENT_ADDRESS)

    assert refused.value.errors == {
        "non_field_errors": ["Unable to log in with provided credentials."]
    }


def test_ten_failures_are_each_answered_normally(shopper_user: User, clock: FakeClock) -> None:
    fail("shopper", 10)


def test_after_ten_failures_even_the_right_password_is_throttled(
    shopper_user: User, clock: FakeClock
) -> None:
    fail("shopper", 10)

    with pytest.raises(Throttled):
        auth.login("shopper", PASSWORD, CLIENT_ADDRESS)


def test_the_throttle_says_when_the_window_ends(shopper_user: User, clock: FakeClock) -> None:
    fail("shopper", 10)
    clock.now += 60

    with pytest.raises(Throttled) as throttled:
        auth.login("shopper", PASSWORD, CLIENT_ADDRESS)
    assert throttled.value.retry_after_seconds == WINDOW - 60


def test_failures_spread_over_more_than_the_window_are_not_throttled(
    shopper_user: User, clock: FakeClock
) -> None:
    fail("shopper", 9)
    clock.now += WINDOW
    fail("shopper", 9)

    assert auth.login("shopper", PASSWORD, CLIENT_ADDRESS).user.id == shopper_user.id


def test_a_throttled_username_may_log_in_once_the_window_has_passed(
    shopper_user: User, clock: FakeClock
) -> None:
    fail("shopper", 10)
    clock.now += WINDOW

    assert auth.login("shopper", PASSWORD, CLIENT_ADDRESS).user.id == shopper_user.id


def test_failures_count_for_the_username_whatever_its_case(
    shopper_user: User, clock: FakeClock
) -> None:
    fail("SHOPPER", 5)
    fail("Shopper", 5)

    with pytest.raises(Throttled):
        auth.login("shopper", PASSWORD, CLIENT_ADDRESS)


def test_failures_for_an_unknown_username_are_throttled_too(clock: FakeClock) -> None:
    fail("nobody", 10)

    with pytest.raises(Throttled):
        auth.login("nobody", PASSWORD, CLIENT_ADDRESS)


def test_a_throttled_username_does_not_block_other_users(
    shopper_user: User, staff_user: User, clock: FakeClock
) -> None:
    fail("shopper", 10, address="198.51.100.1")

    assert auth.login("staff", PASSWORD, CLIENT_ADDRESS).user.id == staff_user.id


def test_too_many_failures_from_one_address_throttle_every_username_from_it(
    shopper_user: User, clock: FakeClock, address_limit: int
) -> None:
    for number in range(address_limit):
        fail(f"someone{number}")

    with pytest.raises(Throttled):
        auth.login("shopper", PASSWORD, CLIENT_ADDRESS)


def test_a_throttled_address_does_not_block_other_addresses(
    shopper_user: User, clock: FakeClock, address_limit: int
) -> None:
    for number in range(address_limit):
        fail(f"someone{number}")

    assert auth.login("shopper", PASSWORD, "198.51.100.1").user.id == shopper_user.id


def test_a_hash_with_fewer_iterations_is_upgraded_at_login(
    shopper_user: User, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = copy.copy(get_settings())
    settings.password_iterations = 1500
    monkeypatch.setattr(auth, "get_settings", lambda: settings)

    auth.login("shopper", PASSWORD, CLIENT_ADDRESS)

    upgraded = store.users.get_user(shopper_user.id).password_hash
    assert upgraded.startswith("pbkdf2_sha256$1500$")
    assert auth.login("shopper", PASSWORD, CLIENT_ADDRESS).user.id == shopper_user.id
