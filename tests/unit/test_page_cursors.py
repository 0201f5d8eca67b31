"""Opaque page cursors: only cursors this deployment signed for the same list, holding
exactly the key its index expects, are accepted; anything else is a 400 on ``cursor``."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

import pytest

from chalicelib.config import get_settings
from chalicelib.errors import InvalidInput
from chalicelib.store.cursor_keys import forget_cursor_keys
from chalicelib.store.pagination import MAX_CURSOR_LENGTH, decode_cursor, encode_cursor

KEY = {"id": {"N": "42"}, "scope": {"S": "P"}}
KEY_TYPES = {"id": "N", "scope": "S"}


def assert_refused(scope: str, cursor: str, key_types: dict[str, str] = KEY_TYPES) -> None:
    with pytest.raises(InvalidInput) as refused:
        decode_cursor(scope, cursor, key_types)
    assert refused.value.errors == {"cursor": ["Invalid cursor."]}


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def test_a_cursor_decodes_to_the_key_it_was_made_from() -> None:
    cursor = encode_cursor("products-id", KEY)

    assert decode_cursor("products-id", cursor, KEY_TYPES) == KEY


def test_a_cursor_is_safe_in_a_query_string() -> None:
    cursor = encode_cursor("products-id", {"name_key": {"S": "Ä/b+c?d&e=f#1"}})

    assert all(character.isalnum() or character in "-_." for character in cursor)


def test_a_cursor_of_another_list_is_refused() -> None:
    assert_refused("products-price", encode_cursor("products-id", KEY))


def test_a_cursor_with_a_changed_key_is_refused() -> None:
    token, _, mac = encode_cursor("products-id", KEY).partition(".")
    payload = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    payload["k"]["id"]["N"] = "7"

    assert_refused("products-id", f"{b64(json.dumps(payload).encode())}.{mac}")


def test_a_cursor_with_a_changed_mac_is_refused() -> None:
    token, _, mac = encode_cursor("products-id", KEY).partition(".")
    changed = ("A" if mac[0] != "A" else "B") + mac[1:]

    assert_refused("products-id", f"{token}.{changed}")


def test_a_cursor_without_its_mac_is_refused() -> None:
    token, _, _ = encode_cursor("products-id", KEY).partition(".")

    assert_refused("products-id", token)


def test_an_unkeyed_digest_no_longer_makes_a_cursor() -> None:
    """The digest of the first cursor format was public knowledge: anyone could compute
    it. A cursor forged that way is refused."""
    raw = json.dumps({"k": KEY, "s": "products-id"}, separators=(",", ":")).encode()
    digest = hashlib.sha256(b"shop-api-cursor-v1" + raw).hexdigest()[:16]

    assert_refused("products-id", f"{b64(raw)}.{digest}")


def test_a_cursor_signed_under_another_key_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rotating the secret makes every earlier cursor a 400: clients start from page 1."""
    cursor = encode_cursor("products-id", KEY)
    monkeypatch.setattr(get_settings(), "cursor_secret", "another-secret-of-32-characters!")
    forget_cursor_keys()
    try:
        assert_refused("products-id", cursor)
    finally:
        monkeypatch.undo()
        forget_cursor_keys()


@pytest.mark.parametrize("garbage", ["", ".", "garbage", "!!!.!!!", "%00", "W1tb.XV0=", "é.é"])
def test_garbage_is_refused(garbage: str) -> None:
    assert_refused("products-id", garbage)


def test_an_overlong_cursor_is_refused_before_it_is_decoded() -> None:
    assert_refused("products-id", "A" * (MAX_CURSOR_LENGTH + 1))


def test_a_deeply_nested_payload_is_refused() -> None:
    token = base64.urlsafe_b64encode(b"[" * 100_000).decode()

    assert_refused("products-id", f"{token}.0123456789abcdef")


# Signed cursors are still checked: what a key holds must be exactly what the index
# expects, or DynamoDB would answer a ValidationException (a 500).
@pytest.mark.parametrize(
    "key",
    [
        {"id": {"S": "42"}, "scope": {"S": "P"}},  # a string where a number is expected
        {"id": {"N": "42"}, "scope": {"N": "1"}},  # a number where a string is expected
        {"id": {"N": 42}, "scope": {"S": "P"}},  # a JSON number, not DynamoDB's string
        {"id": {"N": "4.2"}, "scope": {"S": "P"}},
        {"id": {"N": "-1"}, "scope": {"S": "P"}},
        {"id": {"N": "042"}, "scope": {"S": "P"}},
        {"id": {"N": "1e3"}, "scope": {"S": "P"}},
        {"id": {"N": "NaN"}, "scope": {"S": "P"}},
        {"id": {"N": "9" * 39}, "scope": {"S": "P"}},  # more digits than DynamoDB stores
        {"id": {"N": ""}, "scope": {"S": "P"}},
        {"id": {"N": "42", "S": "42"}, "scope": {"S": "P"}},
        {"id": {}, "scope": {"S": "P"}},
        {"id": None, "scope": {"S": "P"}},
        {"id": "42", "scope": {"S": "P"}},
        {"id": {"N": "42"}, "scope": {"S": ""}},
        {"id": {"N": "42"}, "scope": {"S": None}},
        {"id": {"N": "42"}, "scope": {"S": "x" * 2049}},
        {"id": {"N": "42"}, "scope": {"S": "\ud800"}},
        {"id": {"N": "42"}, "scope": {"B": "UA=="}},
        {"id": {"N": "42"}},  # a missing attribute
        {"id": {"N": "42"}, "scope": {"S": "P"}, "price_key": {"S": "1"}},  # an unknown one
        {},
    ],
)
def test_a_signed_cursor_whose_key_is_malformed_is_refused(key: Any) -> None:
    assert_refused("products-id", encode_cursor("products-id", key))


@pytest.mark.parametrize("key", [None, [], "id", 42])
def test_a_signed_cursor_whose_key_is_not_an_object_is_refused(key: Any) -> None:
    assert_refused("products-id", encode_cursor("products-id", key))


def test_a_signed_payload_with_other_fields_is_refused() -> None:
    from chalicelib.store import pagination

    raw = json.dumps({"s": "products-id", "k": KEY, "x": 1}).encode()
    cursor = f"{b64(raw)}.{b64(pagination._mac(raw))}"

    assert_refused("products-id", cursor)
