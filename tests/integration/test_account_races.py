"""Accounts under concurrent requests: no lost update, one claim per username, login
limits that hold however many attempts run at once, and sessions that end with a password
change even when the index of sessions lags behind."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from helpers import CLIENT_ADDRESS, PASSWORD
from lagging_indexes import indexes_frozen

from chalicelib.config import get_settings
from chalicelib.domain.accounts import NewUser, UserChanges
from chalicelib.domain.entities import User
from chalicelib.errors import AuthenticationFailed, InvalidInput
from chalicelib.services import accounts, auth
from chalicelib.store import users

Concurrently = Callable[[Sequence[Callable[[], Any]]], list[Any]]


def outcomes(results: list[Any]) -> Counter[str]:
    return Counter(type(result).__name__ for result in results)


@pytest.fixture
def slow_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hashing as slow as in production (a few hundred milliseconds), so that a password
    change spans other requests."""
    monkeypatch.setattr(get_settings(), "password_iterations", 400_000)


def test_a_demotion_is_not_undone_by_a_password_change_running_at_the_same_time(
    staff_user: User, shopper_user: User, slow_hashing: None, concurrently: Concurrently
) -> None:
    accounts.update_user(staff_user, shopper_user.id, UserChanges(is_staff=True), None)

    def demote_a_moment_later() -> User:
        time.sleep(0.1)
        return accounts.update_user(staff_user, shopper_user.id, UserChanges(is_staff=False), None)

    concurrently(
        [
            lambda: accounts.update_user(
                shopper_user, shopper_user.id, UserChanges(password="new-horse-10"), None
            ),
            demote_a_moment_later,
        ]
    )

    stored = users.get_user(shopper_user.id)
    assert stored.is_staff is False
    assert (
        auth.login(shopper_user.username, "new-horse-10", CLIENT_ADDRESS).user.id == shopper_user.id
    )


def test_a_profile_edit_is_not_lost_to_a_concurrent_edit_of_another_field(
    staff_user: User, shopper_user: User, slow_hashing: None, concurrently: Concurrently
) -> None:
    def rename_a_moment_later() -> User:
        time.sleep(0.1)
        return accounts.update_user(
            staff_user, shopper_user.id, UserChanges(first_name="Sam"), None
        )

    concurrently(
        [
            lambda: accounts.update_user(
                shopper_user, shopper_user.id, UserChanges(password="new-horse-10"), None
            ),
            rename_a_moment_later,
        ]
    )

    assert users.get_user(shopper_user.id).first_name == "Sam"


def test_concurrent_renames_leave_the_user_one_name_and_one_claim(
    shopper_user: User, concurrently: Concurrently
) -> None:
    names = [f"name{number}" for number in range(6)]

    results = concurrently(
        [
            lambda name=name: accounts.update_user(
                shopper_user, shopper_user.id, UserChanges(username=name), None
            )
            for name in names
        ]
    )

    assert set(outcomes(results)) <= {"User", "ServiceUnavailable"}
    final = users.get_user(shopper_user.id).username
    claimed = {name for name in [*names, "shopper"] if users.find_user_id_by_username(name)}
    assert claimed == {final}


def test_a_signup_racing_a_rename_to_the_same_name_leaves_one_owner(
    shopper_user: User, concurrently: Concurrently
) -> None:
    results = concurrently(
        [
            lambda: accounts.update_user(
                shopper_user, shopper_user.id, UserChanges(username="Bob"), None
            ),
            lambda: accounts.signup(
                NewUser(username="bob", email="bob@example.com", password=PASSWORD)
            ),
        ]
    )

    winners = [result for result in results if isinstance(result, User)]
    assert len(winners) == 1
    assert all(isinstance(result, (User, InvalidInput)) for result in results)
    owner = users.find_user_id_by_username("BOB")
    assert owner == winners[0].id
    assert users.get_user(owner).username.casefold() == "bob"


def test_parallel_wrong_passwords_for_one_username_get_only_the_limit_answered(
    shopper_user: User, concurrently: Concurrently
) -> None:
    limit = get_settings().login_failures_per_username

    results = concurrently(
        [lambda: auth.login("shopper", "wrong-password-1", CLIENT_ADDRESS) for _ in range(30)]
    )

    assert outcomes(results) == {"InvalidInput": limit, "Throttled": 30 - limit}


def test_parallel_wrong_passwords_from_one_address_get_only_the_limit_answered(
    store: None, monkeypatch: pytest.MonkeyPatch, concurrently: Concurrently
) -> None:
    monkeypatch.setattr(get_settings(), "login_failures_per_address", 5)

    results = concurrently(
        [
            lambda name=f"ghost{n}": auth.login(name, "wrong-password-1", CLIENT_ADDRESS)
            for n in range(20)
        ]
    )

    assert outcomes(results) == {"InvalidInput": 5, "Throttled": 15}


def test_a_right_password_racing_wrong_ones_leaves_the_failure_limit_exact(
    shopper_user: User, concurrently: Concurrently
) -> None:
    limit = get_settings().login_failures_per_username
    attempts = [
        lambda: auth.login("shopper", "wrong-password-1", CLIENT_ADDRESS) for _ in range(20)
    ]
    attempts.insert(10, lambda: auth.login("shopper", PASSWORD, CLIENT_ADDRESS))

    results = concurrently(attempts)

    counted = outcomes(results)
    assert counted["InvalidInput"] == limit
    assert counted["LoginResult"] + counted["Throttled"] == 21 - limit


def test_a_password_change_ends_a_session_the_index_has_not_seen_yet(
    shopper_user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    changing = auth.login("shopper", PASSWORD, CLIENT_ADDRESS)
    with indexes_frozen(monkeypatch):
        other = auth.login("shopper", PASSWORD, CLIENT_ADDRESS)
        accounts.update_user(
            shopper_user, shopper_user.id, UserChanges(password="new-horse-10"), changing.session
        )

        with pytest.raises(AuthenticationFailed):
            auth.authenticate(other.token)
        assert auth.authenticate(changing.token)[0].id == shopper_user.id


def test_a_staff_password_reset_ends_every_session_of_the_user(
    staff_user: User, shopper_user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    with indexes_frozen(monkeypatch):
        session = auth.login("shopper", PASSWORD, CLIENT_ADDRESS)
        accounts.update_user(
            staff_user, shopper_user.id, UserChanges(password="new-horse-10"), None
        )

        with pytest.raises(AuthenticationFailed):
            auth.authenticate(session.token)
