"""Session and guest-cart tokens are ``<record id>.<secret>``; one reading of them serves
both, so a token that one kind refuses the other refuses too."""

from __future__ import annotations

import pytest

from chalicelib.domain.tokens import MAX_ID_DIGITS, hash_token, id_of, new_token


def test_a_new_token_names_its_record() -> None:
    assert id_of(new_token(42)) == 42


def test_two_tokens_of_one_record_differ() -> None:
    assert new_token(7) != new_token(7)


@pytest.mark.parametrize(
    "token",
    ["", "42", "42.", ".secret", "x.secret", "-1.secret", "².secret", "4 2.secret"],
)
def test_a_token_without_an_id_and_a_secret_names_nothing(token: str) -> None:
    assert id_of(token) is None


def test_an_id_longer_than_any_issued_names_nothing() -> None:
    assert id_of("9" * (MAX_ID_DIGITS + 1) + ".secret") is None
    assert id_of("9" * MAX_ID_DIGITS + ".secret") == int("9" * MAX_ID_DIGITS)


def test_only_a_hash_is_kept_and_it_is_the_same_for_the_same_token() -> None:
    token = new_token(3)

    assert hash_token(token) == hash_token(token) and token not in hash_token(token)
