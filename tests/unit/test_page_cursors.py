"""Opaque page cursors: only cursors this API issued for the same list are accepted."""

from __future__ import annotations

import base64
import json

import pytest

from chalicelib.errors import InvalidInput
from chalicelib.store.pagination import decode_cursor, encode_cursor

KEY = {"id": {"N": "42"}, "scope": {"S": "P"}}
KEY_NAMES = {"id", "scope"}


def assert_refused(scope: str, cursor: str, key_names: set[str] = KEY_NAMES) -> None:
    with pytest.raises(InvalidInput) as refused:
        decode_cursor(scope, cursor, key_names)
    assert refused.value.errors == {"cursor": ["Invalid cursor."]}


def test_a_cursor_decodes_to_the_key_it_was_made_from() -> None:
    cursor = encode_cursor("products-id", KEY)

    assert decode_cursor("products-id", cursor, KEY_NAMES) == KEY


def test_a_cursor_is_safe_in_a_query_string() -> None:
    cursor = encode_cursor("products-id", {"name_key": {"S": "Ä/b+c?d&e=f#1"}})

    assert all(character.isalnum() or character in "-_." for character in cursor)


def test_a_cursor_of_another_list_is_refused() -> None:
    assert_refused("products-price", encode_cursor("products-id", KEY))


def test_a_cursor_with_a_changed_key_is_refused() -> None:
    token, _, digest = encode_cursor("products-id", KEY).partition(".")
    payload = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    payload["k"]["id"]["N"] = "7"
    forged = base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")

    assert_refused("products-id", f"{forged}.{digest}")


def test_a_cursor_with_a_changed_digest_is_refused() -> None:
    token, _, digest = encode_cursor("products-id", KEY).partition(".")
    changed = ("0" if digest[0] != "0" else "1") + digest[1:]

    assert_refused("products-id", f"{token}.{changed}")


def test_a_cursor_without_its_digest_is_refused() -> None:
    token, _, _ = encode_cursor("products-id", KEY).partition(".")

    assert_refused("products-id", token)


@pytest.mark.parametrize("garbage", ["", ".", "garbage", "!!!.!!!", "%00", "W1tb.XV0=", "é.é"])
def test_garbage_is_refused(garbage: str) -> None:
    assert_refused("products-id", garbage)


def test_a_deeply_nested_payload_is_refused() -> None:
    token = base64.urlsafe_b64encode(b"[" * 100_000).decode()

    assert_refused("products-id", f"{token}.0123456789abcdef")


def test_a_cursor_whose_key_has_other_names_is_refused() -> None:
    cursor = encode_cursor("products-id", KEY)

    assert_refused("products-id", cursor, {"id", "scope", "price_key"})


def test_a_cursor_whose_key_is_not_an_object_is_refused() -> None:
    assert_refused("products-id", encode_cursor("products-id", ["id", "scope"]))  # type: ignore[arg-type]
