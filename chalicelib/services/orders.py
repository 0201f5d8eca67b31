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
from chalicelib.domain.clock import utc_now
from chalicelib.domain.entities import Product, User
from chalicelib.domain.orders import (
    Order,
    OrderItem,
    OrderStatus,
    check_address_change,
    check_delete,
    check_transition,
    combine_lines,
    insufficient_stock,
    returns_stock,
)
from chalicelib.errors import Conflict, InvalidInput, MalformedRequest, NotFound
from chalicelib.services.contention import retried
from chalicelib.store import carts, idempotency, orders
from chalicelib.store.idempotency import StoredReply
from chalicelib.store.orders import StockShortage
from chalicelib.store.pagination import Page

MAX_IDEMPOTENCY_KEY_LENGTH = 255
KEY_REUSED = "This Idempotency-Key was already used with a different request."
CREATED = 201

# Turns the order just built into the body the client gets (and gets again on a retry).
Render = Callable[[Order], str]


@dataclass(frozen=True)
class IdempotentRequest:
    key: str  # the stored key: user and hashed client key
    request_hash: str


@dataclass(frozen=True)
class Reply:
    order_id: int
    status: int
    body: str
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
        idempotency.reply_key(user.id, client_key), hashlib.sha256(canonical.encode()).hexdigest()
    )


def replay(stored: StoredReply, request: IdempotentRequest) -> Reply:
    if stored.request_hash != request.request_hash:
        raise Conflict(KEY_REUSED)
    return Reply(stored.order_id, stored.status, stored.body, replayed=True)


def place(
    user: User,
    wanted: list[tuple[Product, int]],
    shipping_address: str,
    *,
    now: datetime,
    render: Render,
    request: IdempotentRequest | None = None,
    emptied_cart: tuple[str, Cart] | None = None,
) -> Reply:
    """Snapshot the products at their current price and write the order in one
    transaction (see ``store.orders.place_order``). Stock read here only spares a doomed
    transaction; the conditional decrements decide."""
    short = [product.name for product, quantity in wanted if quantity > product.stock]
    if short:
        raise insufficient_stock(short)
    order_id = orders.new_order_id()
    item_ids = orders.new_item_ids(len(wanted))
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
    body = render(order)
    stored = None
    if request is not None:
        stored = StoredReply(request.key, request.request_hash, order.id, CREATED, body, now)
    try:
        orders.place_order(order, emptied_cart=emptied_cart, reply=stored, now=now)
    except StockShortage as shortage:
        raise insufficient_stock(
            product.name for product, _ in wanted if product.id in shortage.product_ids
        ) from None
    return Reply(order.id, CREATED, body)


def create_order(
    user: User,
    shipping_address: str,
    lines: list[tuple[int, int]],
    *,
    render: Render,
    request: IdempotentRequest | None = None,
) -> Reply:
    """``POST /api/orders/``: the same rules as checkout, without a cart."""
    quantities = combine_lines(lines)

    def attempt() -> Reply:
        now = utc_now()
        if request is not None:
            stored = idempotency.find_reply(request.key, now)
            if stored is not None:
                return replay(stored, request)
        products = carts.read_products(quantities)
        unknown = [pid for pid in quantities if pid not in products]
        if unknown:
            raise InvalidInput(
                {"order_items": [f'Invalid pk "{pid}" - object does not exist.' for pid in unknown]}
            )
        wanted = [(products[pid], quantity) for pid, quantity in quantities.items()]
        return place(user, wanted, shipping_address, now=now, render=render, request=request)

    return retried(attempt)


def list_orders(
    actor: User, user_id: int | None, status: OrderStatus | None, limit: int, cursor: str | None
) -> Page[Order]:
    """Newest first. Staff see every order (or one user's); others only their own."""
    if actor.is_staff:
        return orders.list_orders(user_id, status, limit, cursor)
    if user_id is not None and user_id != actor.id:
        return Page([], None)
    return orders.list_orders(actor.id, status, limit, cursor)


def get_order(actor: User, order_id: int) -> Order:
    # Someone else's order is "not found" rather than "forbidden": ids are not probed.
    order = orders.get_order(order_id)
    if not actor.is_staff and order.user_id != actor.id:
        raise NotFound()
    return order


def _restock(order: Order) -> dict[int, int]:
    """The quantities to give back, to the products that still exist."""
    existing = carts.read_products(order.quantities())
    return {pid: quantity for pid, quantity in order.quantities().items() if pid in existing}


def update_order(
    actor: User, order_id: int, *, status: OrderStatus | None, shipping_address: str | None
) -> Order:
    def attempt() -> Order:
        order = get_order(actor, order_id)
        new_status = status if status is not None else order.status
        check_transition(order.status, new_status, by_staff=actor.is_staff)
        new_address = shipping_address if shipping_address is not None else order.shipping_address
        if new_address != order.shipping_address:
            check_address_change(order.status, by_staff=actor.is_staff)
        cancelling = new_status == OrderStatus.CANCELLED and order.status != new_status
        restock = _restock(order) if cancelling and returns_stock(order.status) else {}
        orders.update_order(
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
        orders.delete_order(order, restock)

    retried(attempt)
