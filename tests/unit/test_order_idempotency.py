"""Idempotency-Key: the request a key stands for, and what a repeat gets."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.domain.entities import User
from chalicelib.errors import Conflict, MalformedRequest
from chalicelib.services.orders import idempotent_request, replay
from chalicelib.store.idempotency import StoredReply

NOW = datetime(2025, 4, 17, tzinfo=UTC)


def user(user_id: int) -> User:
    return User(user_id, f"u{user_id}", f"u{user_id}@example.com", "x", NOW)


def request(user_id: int = 1, key: str = "k", operation: str = "checkout", **body: object):
    return idempotent_request(user(user_id), key, operation, body or {"shipping_address": "A"})


def test_no_key_means_no_idempotency() -> None:
    assert idempotent_request(user(1), None, "checkout", {}) is None


def test_one_key_and_body_name_one_request() -> None:
    assert request() == request()


def test_another_body_under_the_same_key_is_another_request() -> None:
    assert request().request_hash != request(shipping_address="B").request_hash


def test_the_same_body_for_another_operation_is_another_request() -> None:
    assert request().request_hash != request(operation="create_order").request_hash


def test_keys_belong_to_their_user() -> None:
    assert request(user_id=1).key != request(user_id=2).key


@pytest.mark.parametrize("key", ["", "k" * 256, "line\nbreak"])
def test_an_unusable_key_is_a_bad_request(key: str) -> None:
    with pytest.raises(MalformedRequest):
        request(key=key)


def test_a_repeat_gets_the_first_reply() -> None:
    first = request()
    stored = StoredReply(first.key, first.request_hash, 9, 201, '{"order_id":9}', NOW)

    assert (replay(stored, first).order_id, replay(stored, first).body) == (9, '{"order_id":9}')


def test_a_key_reused_for_another_request_is_a_conflict() -> None:
    first = request()
    stored = StoredReply(first.key, first.request_hash, 9, 201, "{}", NOW)

    with pytest.raises(Conflict):
        replay(stored, request(shipping_address="B"))
