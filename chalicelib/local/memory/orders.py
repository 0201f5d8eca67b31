"""Orders, and the transactions that move stock with them: the in-memory mirror of
``chalicelib.store.orders``.

Rows are ``table("orders")[id] = Order`` with the stored total and version DynamoDB
holds. Placing an order is one unit of work, labelled as DynamoDB's: per item a stock
decrement conditioned on the stock it leaves (``product_label(id)``), the order, the
emptied cart and the idempotency reply. Stock moves leave the product's version alone;
its ``stock_state`` (the key of DynamoDB's stock indexes) is ``stock > 0`` here, which the
DynamoDB store keeps true with every stock change.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from functools import partial

from chalicelib.domain.cart import Cart
from chalicelib.domain.entities import Product
from chalicelib.domain.orders import Order, OrderItem, OrderStatus, StoredReply
from chalicelib.domain.storage import (
    ConditionsFailed,
    Page,
    WriteConflict,
)
from chalicelib.errors import NotFound
from chalicelib.local.memory import core, counters
from chalicelib.local.memory.carts import at_version, next_version, to_row
from chalicelib.local.memory.idempotency import key_is_free, stored
from chalicelib.local.memory.unit_of_work import UnitOfWork, unit_of_work
from chalicelib.store.models.orders import OrderRecord
from chalicelib.store.orders import (
    CART,
    ORDER,
    PRODUCT_PREFIX,
    REPLY,
    order_refused,
    product_label,
    to_record,
)
from chalicelib.store.pagination import decode_cursor, encode_cursor, key_types

# The labels, and the answer to a cancelled checkout, are the same in both stores.
__all__ = ["CART", "ORDER", "PRODUCT_PREFIX", "REPLY", "order_refused", "product_label"]

# The attributes (and their DynamoDB types) of a cursor on each orders index: the table's
# key and the index's.
_BY_USER_KEY = key_types(OrderRecord, OrderRecord.by_user)
_BY_ID_KEY = key_types(OrderRecord, OrderRecord.by_id)


def _orders() -> dict[int, Order]:
    return core.table("orders")


def _to_row(order: Order, version: int) -> Order:
    """A copy of ``order`` as DynamoDB stores it: its total kept with it, its time in UTC
    as the store reads it back."""
    row = copy.deepcopy(order)
    row.stored_total = order.total_price
    row.created_at = row.created_at.astimezone(UTC)
    row.status = OrderStatus(row.status)
    row.version = version
    return row


def new_order_id() -> int:
    return counters.next_id("order")


def new_item_ids(count: int) -> list[int]:
    return counters.reserve_ids("order_item", count)


def get_order(order_id: int) -> Order:
    with core.call("GetItem"):
        found = _orders().get(order_id)
        if found is None:
            raise NotFound()
        return copy.deepcopy(found)


def list_orders(
    user_id: int | None, status: OrderStatus | None, limit: int, cursor: str | None
) -> Page[Order]:
    """Newest first: one user's orders, or every order (staff), a page as DynamoDB's
    Query reads it: ``limit + 1`` entries of the index, then the status filter, so a
    filtered page may hold fewer than ``limit`` orders and still have a next one. When
    the entries read end the index, there is no next page (as moto answers; DynamoDB may
    give a cursor to an empty page there, which the contract tests leave open)."""
    if user_id is not None:
        scope, key_names = f"orders-of-{user_id}", _BY_USER_KEY
    else:
        scope, key_names = "orders", _BY_ID_KEY
    after = None
    if cursor is not None:
        after = int(decode_cursor(scope, cursor, key_names)["id"]["N"])
    with core.call("Query"):
        entries = sorted(
            (
                order
                for order in _orders().values()
                if (user_id is None or order.user_id == user_id)
                and (after is None or order.id < after)
            ),
            key=lambda order: order.id,
            reverse=True,
        )
        read = entries[: limit + 1]
        matched = [copy.deepcopy(o) for o in read if status is None or o.status == status]
    last: Order | None = None
    if len(matched) > limit:
        matched, last = matched[:limit], matched[limit - 1]
    elif len(entries) > len(read):  # the Query stopped at its limit with more to read
        last = read[-1]
    next_cursor = None
    if last is not None:
        key = to_record(last).serialize()  # its key on the index, as DynamoDB's record has it
        next_cursor = encode_cursor(scope, {name: key[name] for name in key_names})
    return Page(matched, next_cursor)


def _names_image(product: Product, image_key: str | None) -> bool:
    """The product still names the image the item copied (or none, if it copied none)."""
    if image_key:
        return product.image_key == image_key
    return product.image_key is None


def _decrement(work: UnitOfWork, item: OrderItem, stock_read: int) -> None:
    """Take the item's stock and record that an order shows the product's image, on the
    condition that the product still names that image and its stock is still on the
    side of the sold-out line it was read on: ``= quantity`` when this sale takes the last
    units (the product goes out of stock), ``> quantity`` otherwise."""
    takes_the_last = stock_read == item.quantity

    def leaves() -> bool:
        product = core.table("products").get(item.product_id)
        if product is None:  # a deleted product fails the condition as well
            return False
        enough = product.stock == item.quantity if takes_the_last else product.stock > item.quantity
        return enough and _names_image(product, item.product_image_key)

    def take() -> None:
        products = core.table("products")
        product = products[item.product_id]
        ordered = product.ordered_image_keys
        if item.product_image_key:
            ordered = ordered | {item.product_image_key}
        products[item.product_id] = replace(
            product, stock=product.stock - item.quantity, ordered_image_keys=ordered
        )

    work.stage(product_label(item.product_id), take, leaves)


def _short_of_stock(items: list[OrderItem], failed_ids: set[int]) -> list[int]:
    """Which of the products whose condition failed are really short: one read each,
    only after a failure."""
    short = []
    for item in items:
        if item.product_id not in failed_ids:
            continue
        with core.call("GetItem"):
            product = core.table("products").get(item.product_id)
            stock = 0 if product is None else product.stock
        if stock < item.quantity:
            short.append(item.product_id)
    return short


def _restock(work: UnitOfWork, restock: dict[int, int]) -> None:
    for product_id, quantity in restock.items():
        # Stock goes back only to products that still exist (a concurrent delete cancels).
        work.stage(product_label(product_id), *_give_back(product_id, quantity))


def _give_back(product_id: int, quantity: int) -> tuple[Callable[[], None], Callable[[], bool]]:
    """Adding ``quantity`` to the product's stock, and its condition."""

    def apply() -> None:
        products = core.table("products")
        product = products[product_id]
        products[product_id] = replace(product, stock=product.stock + quantity)

    def exists() -> bool:
        return product_id in core.table("products")

    return apply, exists


def place_order(
    order: Order,
    *,
    stock_read: Mapping[int, int],
    emptied_cart: tuple[str, Cart] | None = None,
    reply: StoredReply | None = None,
    now: datetime,
) -> None:
    """Decrement stock, write the order, empty the cart, keep the reply: all or nothing.

    ``StockShortage`` names the products that fell short; ``WriteConflict`` means the
    cart changed, the idempotency key was taken, a product's image or stock changed
    meanwhile (stock enough, but no longer what was read), or the order id was taken.
    """
    version = next_version(order.version)
    row = _to_row(order, version)

    def put_order() -> None:
        _orders()[row.id] = row

    def id_free() -> bool:  # and, like every put, on the version: a new order has none
        return row.id not in _orders() and order.version is None

    try:
        with unit_of_work() as work:
            work.stage(ORDER, put_order, id_free)
            if emptied_cart is not None:
                work.stage(CART, *_put_cart(*emptied_cart))
            if reply is not None:
                work.stage(REPLY, *_put_reply(reply, now))
            for item in order.items:
                _decrement(work, item, stock_read[item.product_id])
    except ConditionsFailed as failed:
        raise order_refused(failed, partial(_short_of_stock, order.items)) from failed
    order.version = version


def _put_cart(key: str, cart: Cart) -> tuple[Callable[[], None], Callable[[], bool]]:
    """Writing the emptied cart, on the version read."""
    row = to_row(cart, next_version(cart.version))

    def put() -> None:
        core.table("carts")[key] = row

    def unchanged() -> bool:
        return at_version(core.table("carts").get(key), cart.version)

    return put, unchanged


def _put_reply(reply: StoredReply, now: datetime) -> tuple[Callable[[], None], Callable[[], bool]]:
    """Keeping the reply, on the condition that no live reply holds its key."""
    row = stored(reply)

    def put() -> None:
        core.table("idempotency")[row.key] = row

    return put, lambda: key_is_free(row.key, now)


def _write_change(
    order: Order, change: Callable[[Order], None] | None, restock: dict[int, int], delete: bool
) -> None:
    # Every change is decided on the order as read: written on its version and the status
    # read.
    def unchanged() -> bool:
        row = _orders().get(order.id)
        return row is not None and row.status == order.status and at_version(row, order.version)

    def apply() -> None:
        if delete:
            del _orders()[order.id]
            return
        row = copy.deepcopy(_orders()[order.id])
        assert change is not None
        change(row)
        row.version = next_version(order.version)
        _orders()[order.id] = row

    try:
        with unit_of_work() as work:
            work.stage(ORDER, apply, unchanged)
            _restock(work, restock)
    except ConditionsFailed as failed:
        raise WriteConflict() from failed
    if not delete:  # a delete leaves the version as read, as PynamoDB does
        order.version = next_version(order.version)


def update_order(
    order: Order,
    *,
    status: OrderStatus | None = None,
    shipping_address: str | None = None,
    restock: dict[int, int] | None = None,
) -> None:
    """Change status and/or address, giving stock back in the same transaction."""
    if status is None and shipping_address is None:
        return

    def change(row: Order) -> None:
        if status is not None:
            row.status = OrderStatus(status)
        if shipping_address is not None:
            row.shipping_address = shipping_address

    _write_change(order, change, restock or {}, delete=False)


def delete_order(order: Order, restock: dict[int, int] | None = None) -> None:
    _write_change(order, None, restock or {}, delete=True)
