"""Ids come from atomic counters: unique and increasing, also under concurrent use."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from chalicelib.store.counters import next_id, peek

Concurrently = Callable[[Sequence[Callable[[], Any]]], list[Any]]


def ids_in_a_row(kind: str, count: int) -> list[int]:
    return [next_id(kind) for _ in range(count)]


def test_the_first_id_is_one(store: None) -> None:
    assert next_id("product") == 1


def test_ids_increase_by_one(store: None) -> None:
    assert ids_in_a_row("product", 4) == [1, 2, 3, 4]


def test_each_kind_counts_on_its_own(store: None) -> None:
    next_id("product")
    next_id("product")

    assert next_id("category") == 1


def test_peek_tells_the_last_id_issued_without_issuing_one(store: None) -> None:
    ids_in_a_row("order", 3)

    assert (peek("order"), peek("order")) == (3, 3)


def test_peek_is_zero_before_the_first_id(store: None) -> None:
    assert peek("order") == 0


def test_concurrent_callers_get_unique_ids(store: None, concurrently: Concurrently) -> None:
    batches = concurrently([lambda: ids_in_a_row("product", 10) for _ in range(6)])

    issued = [product_id for batch in batches for product_id in batch]
    assert sorted(issued) == list(range(1, 61))


def test_each_concurrent_caller_sees_its_ids_increase(
    store: None, concurrently: Concurrently
) -> None:
    batches = concurrently([lambda: ids_in_a_row("product", 10) for _ in range(6)])

    assert all(batch == sorted(batch) for batch in batches)
