"""Users: unique usernames and emails whatever the case, also under concurrent signups."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pytest
from helpers import PASSWORD

from chalicelib.domain.accounts import NewUser, UserChanges
from chalicelib.domain.entities import User
from chalicelib.errors import InvalidInput
from chalicelib.services.accounts import signup, update_user
from chalicelib.store import users
from chalicelib.store.users import USERNAME_TAKEN

Concurrently = Callable[[Sequence[Callable[[], Any]]], list[Any]]


def signup_as(username: str, email: str) -> Callable[[], User]:
    return lambda: signup(NewUser(username=username, email=email, password=PASSWORD))


def test_a_signed_up_user_is_stored_with_a_hashed_password(store: None) -> None:
    created = signup_as("alice", "alice@example.com")()

    stored = users.get_user(created.id)
    assert stored.username == "alice"
    assert stored.password_hash.startswith("pbkdf2_sha256$1000$")


def test_a_taken_username_is_refused_whatever_the_case(store: None) -> None:
    signup_as("alice", "alice@example.com")()

    with pytest.raises(InvalidInput) as refused:
        signup_as("ALICE", "other@example.com")()
    assert refused.value.errors == {"username": [USERNAME_TAKEN]}


def test_a_taken_email_is_refused_whatever_the_case(store: None) -> None:
    signup_as("alice", "alice@example.com")()

    with pytest.raises(InvalidInput) as refused:
        signup_as("bob", "Alice@Example.COM")()
    assert set(refused.value.errors) == {"email"}


def test_a_refused_signup_leaves_its_email_free(store: None) -> None:
    signup_as("alice", "alice@example.com")()
    with pytest.raises(InvalidInput):
        signup_as("alice", "bob@example.com")()

    assert signup_as("bob", "bob@example.com")().username == "bob"


def test_of_concurrent_signups_with_one_username_exactly_one_wins(
    store: None, concurrently: Concurrently
) -> None:
    outcomes = concurrently(
        [signup_as(name, f"user{n}@example.com") for n, name in enumerate(["dora", "Dora"] * 2)]
    )

    winners = [outcome for outcome in outcomes if isinstance(outcome, User)]
    losers = [outcome for outcome in outcomes if not isinstance(outcome, User)]
    assert len(winners) == 1
    assert all(isinstance(loser, InvalidInput) for loser in losers)
    assert all(loser.errors == {"username": [USERNAME_TAKEN]} for loser in losers)


def test_of_concurrent_signups_with_one_email_exactly_one_wins(
    store: None, concurrently: Concurrently
) -> None:
    outcomes = concurrently(
        [signup_as(f"user{n}", email) for n, email in enumerate(["e@example.com", "E@example.com"])]
    )

    assert sum(isinstance(outcome, User) for outcome in outcomes) == 1
    loser = next(outcome for outcome in outcomes if not isinstance(outcome, User))
    assert isinstance(loser, InvalidInput) and set(loser.errors) == {"email"}


def test_a_user_is_found_by_username_whatever_the_case(store: None) -> None:
    alice = signup_as("Alice", "alice@example.com")()

    assert users.find_user_id_by_username("aLiCe") == alice.id


def test_an_unknown_username_finds_nobody(store: None) -> None:
    assert users.find_user_id_by_username("nobody") is None


def test_a_renamed_user_frees_the_old_username(store: None) -> None:
    alice = signup_as("alice", "alice@example.com")()

    update_user(alice, alice.id, UserChanges(username="alicia"), None)

    assert users.find_user_id_by_username("alicia") == alice.id
    assert users.find_user_id_by_username("alice") is None


def test_renaming_to_a_taken_username_is_refused_and_changes_nothing(store: None) -> None:
    alice = signup_as("alice", "alice@example.com")()
    signup_as("bob", "bob@example.com")()

    with pytest.raises(InvalidInput) as refused:
        update_user(alice, alice.id, UserChanges(username="BOB", first_name="A"), None)

    assert set(refused.value.errors) == {"username"}
    assert users.find_user_id_by_username("alice") == alice.id
    assert users.get_user(alice.id).first_name == ""


def test_changing_only_the_case_of_ones_username_is_allowed(store: None) -> None:
    alice = signup_as("alice", "alice@example.com")()

    update_user(alice, alice.id, UserChanges(username="Alice"), None)

    assert users.get_user(alice.id).username == "Alice"
    assert users.find_user_id_by_username("alice") == alice.id
