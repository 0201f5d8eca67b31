"""Carts, one row each, keyed by their owner: the in-memory mirror of
``chalicelib.store.carts``.

Rows are ``table("carts")[owner key] = Cart``, each holding the version DynamoDB would
hold: 1 when created, one more per write. Every change is a whole-cart write on the
version read (``WriteConflict`` when it moved), and the products a request needs come
in the same read as the cart.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from chalicelib.domain.cart import Cart, CartRead, UserCartOwner
from chalicelib.domain.entities import Product
from chalicelib.domain.storage import ConditionsFailed, WriteConflict
from chalicelib.local.memory import core
from chalicelib.local.memory.counters import next_id, reserve_ids
from chalicelib.local.memory.idempotency import live, whole_seconds
from chalicelib.local.memory.unit_of_work import unit_of_work
from chalicelib.store.carts import (
    CART,
    CART_COUNTER,
    CART_ID,
    LINE_COUNTER,
    SOURCE_CART,
    guest_key,
    owner_key,
)

# The labels, counters and owner keys are the same in both stores.
__all__ = [
    "CART",
    "CART_COUNTER",
    "CART_ID",
    "LINE_COUNTER",
    "SOURCE_CART",
    "guest_key",
    "owner_key",
]


# --- what the rows hold -------------------------------------------------------------------


def at_version(row: Any, version: int | None) -> bool:
    """The condition PynamoDB puts on a versioned write: the row is at ``version``, or,
    for a record never stored (``None``), holds no version (a missing row holds none)."""
    if version is None:
        return row is None or row.version is None
    return row is not None and row.version == version


def next_version(version: int | None) -> int:
    """The version a versioned write leaves (PynamoDB's increment)."""
    return (version or 0) + 1


def to_row(cart: Cart, version: int) -> Cart:
    """A copy of ``cart`` as DynamoDB stores it: timestamps in UTC, the guest expiry in
    whole seconds (a TTL attribute)."""
    row = copy.deepcopy(cart)
    row.created_at = row.created_at.astimezone(UTC)
    row.updated_at = row.updated_at.astimezone(UTC)
    for line in row.lines:
        line.created_at = line.created_at.astimezone(UTC)
        line.updated_at = line.updated_at.astimezone(UTC)
    if row.expires_at is not None:
        row.expires_at = whole_seconds(row.expires_at)
    row.version = version
    return row


def _products(product_ids: Iterable[int]) -> dict[int, Product]:
    """The stored products among ``product_ids`` (call inside a call)."""
    rows = core.table("products")
    return {pid: copy.deepcopy(rows[pid]) for pid in product_ids if pid in rows}


# --- the repository -------------------------------------------------------------------------


def read_cart(
    key: str,
    *,
    product_ids: Iterable[int] = (),
    with_counter: bool = False,
    reply_key: str | None = None,
    now: datetime | None = None,
) -> CartRead:
    """The cart with whatever else the request needs, in one read: products, the cart
    counter, the stored reply to an Idempotency-Key."""
    wanted = list(dict.fromkeys(product_ids))
    with core.call("BatchGetItem"):
        row = core.table("carts").get(key)
        read = CartRead(cart=copy.deepcopy(row), products=_products(wanted))
        if with_counter:
            read.last_cart_id = int(core.table("counters").get(CART_COUNTER, 0))
        if reply_key is not None and now is not None:
            read.reply = live(core.table("idempotency").get(reply_key), now)
    return read


def read_two_carts(key: str, other_key: str) -> tuple[Cart | None, Cart | None]:
    with core.call("BatchGetItem"):
        rows = core.table("carts")
        return copy.deepcopy(rows.get(key)), copy.deepcopy(rows.get(other_key))


def new_cart_id() -> int:
    return next_id(CART_COUNTER)


def new_line_ids(count: int) -> list[int]:
    return reserve_ids(LINE_COUNTER, count)


def save_cart(key: str, cart: Cart) -> Cart:
    """Put the cart if it is still at the version read (or still absent when new)."""
    version = next_version(cart.version)
    with core.call("PutItem"):
        rows = core.table("carts")
        if not at_version(rows.get(key), cart.version):
            raise WriteConflict()
        rows[key] = to_row(cart, version)
    cart.version = version
    return cart


def _create_with_counter(key: str, cart: Cart, last_cart_id: int) -> bool:
    cart.id = last_cart_id + 1
    version = next_version(cart.version)
    row = to_row(cart, version)

    def cart_absent() -> bool:  # a new cart has no version: its put requires no row
        return at_version(core.table("carts").get(key), cart.version)

    def put_cart() -> None:
        core.table("carts")[key] = row

    def counter_unchanged() -> bool:
        counters = core.table("counters")
        if last_cart_id == 0:
            return CART_COUNTER not in counters
        return counters.get(CART_COUNTER) == last_cart_id

    def claim_id() -> None:
        core.table("counters")[CART_COUNTER] = row.id

    try:
        with unit_of_work() as work:
            work.stage(CART, put_cart, cart_absent)
            work.stage(CART_ID, claim_id, counter_unchanged)
    except ConditionsFailed as failed:
        if CART in failed.labels:
            raise WriteConflict() from failed
        return False  # the counter moved meanwhile
    cart.version = version
    return True


def create_cart(key: str, cart: Cart, last_cart_id: int | None) -> Cart:
    """Store a new cart under the next cart id: the id ``last_cart_id + 1`` claimed in the
    same transaction as the cart is written, when the counter has not moved meanwhile,
    else the usual increment. ``WriteConflict``: a concurrent request created it first."""
    if last_cart_id is not None and _create_with_counter(key, cart, last_cart_id):
        return cart
    cart.id = new_cart_id()
    return save_cart(key, cart)


def delete_cart(key: str) -> None:
    # A delete of a missing row succeeds, as DynamoDB's does.
    with core.call("DeleteItem"):
        core.table("carts").pop(key, None)


def owner_key_of_cart(cart_id: int) -> str | None:
    """The owner key of the cart with this id (DynamoDB reads it from an index)."""
    with core.call("Query"):
        for key, row in core.table("carts").items():
            if row.id == cart_id:
                return str(key)
    return None


def merge_carts(target_key: str, target: Cart, source_key: str, source: Cart) -> None:
    """Write the merged target and delete the source in one transaction, both only if
    unchanged since they were read."""
    version = next_version(target.version)
    row = to_row(target, version)

    def source_unchanged() -> bool:
        return at_version(core.table("carts").get(source_key), source.version)

    def delete_source() -> None:
        core.table("carts").pop(source_key, None)

    def target_unchanged() -> bool:
        return at_version(core.table("carts").get(target_key), target.version)

    def put_target() -> None:
        core.table("carts")[target_key] = row

    try:
        with unit_of_work() as work:
            work.stage(SOURCE_CART, delete_source, source_unchanged)
            work.stage(CART, put_target, target_unchanged)
    except ConditionsFailed as failed:
        raise WriteConflict() from failed
    target.version = version


def delete_user_cart(user_id: int) -> None:
    delete_cart(owner_key(UserCartOwner(user_id)))
