"""Username and password rules, as the Django backend applied them."""

from __future__ import annotations

import pytest

from chalicelib.domain.accounts import password_problems, username_problems


@pytest.mark.parametrize(
    "username", ["a", "alice", "Alice_99", "a.b@c+d-e", "ünïcödé", "名前", "x" * 150]
)
def test_usernames_of_letters_digits_and_at_dot_plus_minus_underscore_are_valid(
    username: str,
) -> None:
    assert username_problems(username) == []


@pytest.mark.parametrize(
    "username", ["", "x" * 151, "with space", "slash/ed", "semi;colon", "hash#tag", "new\nline"]
)
def test_other_usernames_are_invalid(username: str) -> None:
    assert username_problems(username) != []


def test_a_username_with_a_trailing_newline_is_invalid() -> None:
    assert username_problems("alice\n") != []


def test_a_long_password_of_letters_and_digits_is_accepted() -> None:
    assert password_problems("correct-horse-9", "alice") == []


def test_a_password_of_seven_characters_is_too_short() -> None:
    assert password_problems("abcde-7", "alice") == [
        "This password is too short. It must contain at least 8 characters."
    ]


def test_a_password_of_eight_characters_is_long_enough() -> None:
    assert password_problems("abcdef-8", "alice") == []


def test_a_password_of_only_digits_is_refused() -> None:
    assert password_problems("1234567890", "alice") == ["This password is entirely numeric."]


def test_a_password_equal_to_the_username_is_refused_whatever_the_case() -> None:
    assert password_problems("Alice-Smith", "alice-smith") == [
        "The password is too similar to the username."
    ]


def test_a_short_numeric_password_reports_every_problem() -> None:
    assert len(password_problems("123", "alice")) == 2
