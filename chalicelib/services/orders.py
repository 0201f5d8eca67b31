"""Orders: placing one (from the cart or directly), idempotent retries, and the lifecycle
(who may move an order where, with stock given back when an unshipped order goes)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chalicelib.domain.cart import Cart
from chalicelib.domain.changes import chosen
from chalicelib.domain.clock import utc_now
from chalicelib.domain.entities import Product, User
from chalicelib.domain.orders import (
    Order,
    OrderChanges,
    OrderItem,
    OrderStatus,
    StoredReply,
    check_address_change,
    check_delete,
    check_transition,
    combine_lines,
    insufficient_stock,
    returns_stock,
)
from chalicelib.domain.references import unknown_reference
from chalicelib.domain.storage import Page, StockShortage
from chalicelib.errors import Conflict, MalformedRequest, NotFound
from chalicelib.services.contention import retried
from chalicelib.services.storage import store

MAX_IDEMPOTENCY_KEY_LENGTH = 255
KEY_REUSED = "This Idempotency-Key was already used with a different request."


@dataclass(frozen=True)
class IdempotentRequest:
    key: str  # the stored key: user and hashed client key
    request_hash: str


@dataclass(frozen=True)
class Recorded:
    """The first answer to an idempotent request, exactly as the API layer rendered it:
    kept with the order in one transaction and sent again, unchanged, to a repeat. Opaque
    here: the API layer makes it and reads it."""

    order_id: int
    status: int
    body: str


@dataclass(frozen=True)
class Idempotency:
    """How to place an order idempotently: the request the key stands for, and the pure
    function that renders the answer to record (called once the order is built, before
    the transaction that stores both)."""

    request: IdempotentRequest
    answer: Callable[[Order], Recorded]


@dataclass(frozen=True)
class Reply:
    """What placing an order comes to: the new order, or, for a repeat of an idempotent
    request, the answer recorded for the first (the order may have changed since, so
    ``order`` is None). ``recorded`` is also set for a first request with a key."""

    order_id: int
    order: Order | None = None
    recorded: Recorded | None = None
    replayed: bool = False


def idempotent_request(
    user: User, client_key: str | None, operation: str, payload: dict[str, Any]
) -> IdempotentRequest | None:
    """None without a key. The hash covers the operation and the validated body, so the
    same key sent with another request is recognised as a misuse."""
    if client_key is None:
        return None
    if not 1 <= len(client_key) <= MAX_IDEMPOTENCY_KEY_LENGTH or not client_key.isprintable():
        raise MalformedRequest(
            f"Idempotency-Key must be 1 to {MAX_IDEMPOTENCY_KEY_LENGTH} printable characters."
        )
    canonical = json.dumps(
        {"operation": operation, "request": payload}, sort_keys=True, separators=(",", ":")
    )
    return IdempotentRequest(
        store.idempotency.reply_key(user.id, client_key),
        hashlib.sha256(canonical.encode()).hexdigest(),
    )


def replay(stored: StoredReply, request: IdempotentRequest) -> Recorded:
    if stored.request_hash != request.request_hash:
        raise Conflict(KEY_REUSED)
    return Recorded(stored.order_id, stored.status, stored.body)


def replayed(stored: StoredReply, request: IdempotentRequest) -> Reply:
    return Reply(stored.order_id, recorded=replay(stored, request), replayed=True)


def place(
    user: User,
    wanted: list[tuple[Product, int]],
    shipping_address: str,
    *,
    now: datetime,
    idempotency: Idempotency | None = None,
    emptied_cart: tuple[str, Cart] | None = None,
) -> Reply:
    """Snapshot the products at their current price and write the order in one
    transaction (see ``store.orders.place_order``). Stock read here spares a doomed
    transaction and tells the store which sales take the last units; the conditional
    decrements decide."""
    short = [product.name for product, quantity in wanted if quantity > product.stock]
    if short:
        raise insufficient_stock(short)
    order_id = store.orders.new_order_id()
    item_ids = store.orders.new_item_ids(len(wanted))
    order = Order(
        id=order_id,
        user_id=user.id,
        user_name=user.display_name,
        status=OrderStatus.PENDING,
        shipping_address=shipping_address,
        created_at=now,
        items=[
            OrderItem(item_id, product.id, product.name, product.image_key, quantity, product.price)
            for item_id, (product, quantity) in zip(item_ids, wanted, strict=True)
        ],
    )
    recorded = stored = None
    if idempotency is not None:
        recorded = idempotency.answer(order)
        request = idempotency.request
        stored = StoredReply(
            request.key, request.request_hash, order.id, recorded.status, recorded.body, now
        )
    try:
        store.orders.place_order(
            order,
            stock_read={product.id: product.stock for product, _ in wanted},
            emptied_cart=emptied_cart,
            reply=stored,
            now=now,
        )
    except StockShortage as shortage:
        raise insufficient_stock(
            product.name for product, _ in wanted if product.id in shortage.product_ids
        ) from None
    return Reply(order.id, order, recorded)


def create_order(
    user: User,
    shipping_address: str,
    lines: list[tuple[int, int]],
    *,
    idempotency: Idempotency | None = None,
) -> Reply:
    """``POST /api/orders/``: the same rules as checkout, without a cart."""
    quantities = combine_lines(lines)

    def attempt() -> Reply:
        now = utc_now()
        if idempotency is not None:
            stored = store.idempotency.find_reply(idempotency.request.key, now)
            if stored is not None:
                return replayed(stored, idempotency.request)
        found = store.products.read_products(quantities)
        unknown = [pid for pid in quantities if pid not in found]
        if unknown:
            raise unknown_reference("order_items", unknown)
        wanted = [(found[pid], quantity) for pid, quantity in quantities.items()]
        return place(user, wanted, shipping_address, now=now, idempotency=idempotency)

    return retried(attempt)


def list_orders(
    actor: User, user_id: int | None, status: OrderStatus | None, limit: int, cursor: str | None
) -> Page[Order]:
    """Newest first. Staff see every order (or one user's); others only their own."""
    if actor.is_staff:
        return store.orders.list_orders(user_id, status, limit, cursor)
    if user_id is not None and user_id != actor.id:
        return Page([], None)
    return store.orders.list_orders(actor.id, status, limit, cursor)


def get_order(actor: User, order_id: int) -> Order:
    # Someone else's order is "not found" rather than "forbidden": ids are not probed.
    order = store.orders.get_order(order_id)
    if not actor.is_staff and order.user_id != actor.id:
        raise NotFound()
    return order


def _restock(order: Order) -> dict[int, int]:
    """The quantities to give back, to the products that still exist."""
    existing = store.products.read_products(order.quantities())
    return {pid: quantity for pid, quantity in order.quantities().items() if pid in existing}


def update_order(actor: User, order_id: int, changes: OrderChanges) -> Order:
    def attempt() -> Order:
        order = get_order(actor, order_id)
        new_status = chosen(changes.status, order.status)
        check_transition(order.status, new_status, by_staff=actor.is_staff)
        new_address = chosen(changes.shipping_address, order.shipping_address)
        if new_address != order.shipping_address:
            check_address_change(order.status, by_staff=actor.is_staff)
        cancelling = new_status == OrderStatus.CANCELLED and order.status != new_status
        restock = _restock(order) if cancelling and returns_stock(order.status) else {}
        store.orders.update_order(
            order,
            status=new_status if new_status != order.status else None,
            shipping_address=new_address if new_address != order.shipping_address else None,
            restock=restock,
        )
        order.status, order.shipping_address = new_status, new_address
        return order

    return retried(attempt)


def delete_order(actor: User, order_id: int) -> None:
    def attempt() -> None:
        order = get_order(actor, order_id)
        check_delete(order.status, by_staff=actor.is_staff)
        restock = _restock(order) if returns_stock(order.status) else {}
        store.orders.delete_order(order, restock)

    retried(attempt)
