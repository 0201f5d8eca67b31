"""Orders, and the transactions that move stock with them.

Placing an order is one unit of work: per item a stock decrement conditioned on the stock
it leaves (see ``_decrement``), the order with its item snapshots, the emptied cart
(checkout) and the idempotency record. Stock moves by ``adjust``: a sale neither needs nor
moves the product's version, so it never conflicts with a staff edit (which does not write
stock unless staff set it). Every stock change keeps the product's ``stock_state`` (the
key of the stock indexes) right in the same update. An order's own changes are written on
the version read.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from functools import partial

from pynamodb.exceptions import DoesNotExist
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action

from chalicelib.domain.cart import Cart
from chalicelib.domain.orders import Order, OrderItem, OrderStatus
from chalicelib.domain.storage import StockShortage, WriteConflict
from chalicelib.errors import NotFound
from chalicelib.store import carts, idempotency
from chalicelib.store.counters import next_id
from chalicelib.store.id_blocks import reserve_ids
from chalicelib.store.idempotency import StoredReply
from chalicelib.store.models.catalog import IN_STOCK, OUT_OF_STOCK, ProductRecord
from chalicelib.store.models.orders import ORDER_SCOPE, OrderItemMap, OrderRecord
from chalicelib.store.pagination import Page, query_page
from chalicelib.store.unit_of_work import ConditionsFailed, UnitOfWork, unit_of_work

# Labels of the unit of work's actions; a product's is ``product_label(id)``.
ORDER, CART, REPLY = "order", "cart", "reply"
PRODUCT_PREFIX = "product:"


def product_label(product_id: int) -> str:
    return f"{PRODUCT_PREFIX}{product_id}"


def _product_ids(labels: frozenset[str]) -> set[int]:
    return {
        int(label.removeprefix(PRODUCT_PREFIX))
        for label in labels
        if label.startswith(PRODUCT_PREFIX)
    }


def order_refused(failed: ConditionsFailed, short_of: Callable[[set[int]], list[int]]) -> Exception:
    """What a cancelled ``place_order`` means: the order id, the cart or the idempotency key
    was taken or changed (``WriteConflict``); else ``StockShortage`` for the products that
    ``short_of`` (a store's read, made only after a failure) finds short among those whose
    condition failed; else a product's image or stock changed meanwhile."""
    if failed.labels & {ORDER, CART, REPLY}:
        return WriteConflict()
    short = short_of(_product_ids(failed.labels))
    if short:
        return StockShortage(short)
    return WriteConflict("a product's image or stock changed meanwhile")


def to_order(record: OrderRecord) -> Order:
    return Order(
        id=int(record.id),
        user_id=int(record.user_id),
        user_name=record.user_name,
        status=OrderStatus(record.status),
        shipping_address=record.shipping_address,
        created_at=record.created_at,
        items=[
            OrderItem(
                id=int(item.id),
                product_id=int(item.product_id),
                product_name=item.product_name,
                product_image_key=item.product_image_key,
                quantity=int(item.quantity),
                price=item.price,
            )
            for item in record.items or []
        ],
        stored_total=record.total_price,
        version=None if record.version is None else int(record.version),
    )


def to_record(order: Order) -> OrderRecord:
    record = OrderRecord(
        order.id,
        scope=ORDER_SCOPE,
        user_id=order.user_id,
        user_name=order.user_name,
        status=str(order.status),
        shipping_address=order.shipping_address,
        total_price=order.total_price,
        items=[
            OrderItemMap(
                id=item.id,
                product_id=item.product_id,
                product_name=item.product_name,
                product_image_key=item.product_image_key,
                quantity=item.quantity,
                price=item.price,
            )
            for item in order.items
        ],
        created_at=order.created_at,
    )
    if order.version is not None:  # a new order has none: its put requires that none exists
        record.version = order.version
    return record


def new_order_id() -> int:
    return next_id("order")


def new_item_ids(count: int) -> list[int]:
    return reserve_ids("order_item", count)


def get_order(order_id: int) -> Order:
    try:
        return to_order(OrderRecord.get(order_id, consistent_read=True))
    except DoesNotExist:
        raise NotFound() from None


def list_orders(
    user_id: int | None, status: OrderStatus | None, limit: int, cursor: str | None
) -> Page[Order]:
    """Newest first: one user's orders from their index, or every order (staff)."""
    filter_condition = OrderRecord.status == str(status) if status is not None else None
    if user_id is not None:
        index, hash_value, scope = OrderRecord.by_user, user_id, f"orders-of-{user_id}"
    else:
        index, hash_value, scope = OrderRecord.by_id, ORDER_SCOPE, "orders"  # type: ignore[assignment]
    return query_page(
        OrderRecord,
        index,
        hash_value,
        convert=to_order,
        scope=scope,
        limit=limit,
        cursor=cursor,
        ascending=False,
        filter_condition=filter_condition,
    )


def _still_names_image(image_key: str | None) -> Condition:
    if image_key:
        return ProductRecord.image_key == image_key
    return ProductRecord.image_key.does_not_exist()


def _decrement(work: UnitOfWork, item: OrderItem, stock_read: int) -> None:
    """Take the item's stock and record that an order shows the product's image, on the
    condition that the product still names the image the item copied: an image replaced
    (and deleted) meanwhile would leave the order with a dead link.

    An update cannot choose what to set from the value it finds, so the stock read decides
    whether this sale takes the last units: if so, on the condition ``stock = quantity``
    it also marks the product sold out; otherwise, on ``stock > quantity``, the product
    stays in stock. A stock that changed across that line meanwhile fails the condition
    like a shortage does, and ``place_order`` tells the two apart.
    """
    takes_the_last = stock_read == item.quantity
    actions: list[Action] = [ProductRecord.stock.add(-item.quantity)]
    if takes_the_last:
        actions.append(ProductRecord.stock_state.set(OUT_OF_STOCK))
    if item.product_image_key:
        actions.append(ProductRecord.ordered_image_keys.add({item.product_image_key}))
    # A deleted product has no stock attribute, so the condition fails for it as well.
    leaves = (
        ProductRecord.stock == item.quantity
        if takes_the_last
        else ProductRecord.stock > item.quantity
    )
    work.adjust(
        product_label(item.product_id),
        ProductRecord(item.product_id),
        actions,
        leaves & _still_names_image(item.product_image_key),
    )


def _short_of_stock(items: list[OrderItem], failed_ids: set[int]) -> list[int]:
    """Which of the products whose condition failed are really short (the others changed
    their image, or their stock across the sold-out line, meanwhile): one strongly
    consistent read each, only after a failure."""
    short = []
    for item in items:
        if item.product_id not in failed_ids:
            continue
        try:
            stock = ProductRecord.get(item.product_id, consistent_read=True).stock
        except DoesNotExist:
            stock = 0
        if stock < item.quantity:
            short.append(item.product_id)
    return short


def _restock(work: UnitOfWork, restock: dict[int, int]) -> None:
    for product_id, quantity in restock.items():
        # ADD on a missing item would create it: give stock back only to products that
        # still exist (the caller leaves deleted ones out; a concurrent delete cancels).
        work.adjust(
            product_label(product_id),
            ProductRecord(product_id),
            [ProductRecord.stock.add(quantity), ProductRecord.stock_state.set(IN_STOCK)],
            ProductRecord.id.exists(),
        )


def place_order(
    order: Order,
    *,
    stock_read: Mapping[int, int],
    emptied_cart: tuple[str, Cart] | None = None,
    reply: StoredReply | None = None,
    now: datetime,
) -> None:
    """Decrement stock, write the order, empty the cart, keep the reply: all or nothing.

    ``stock_read`` is each ordered product's stock as the caller read it (strongly
    consistent), which decides whether a sale marks the product sold out.
    ``StockShortage`` names the products that fell short; ``WriteConflict`` means the
    cart changed, the idempotency key was taken, a product's image or stock changed
    meanwhile (stock enough, but no longer what was read), or another transaction held an
    item (read again and retry).
    """
    record = to_record(order)
    try:
        with unit_of_work() as work:
            work.put(ORDER, record, condition=OrderRecord.id.does_not_exist())
            if emptied_cart is not None:
                key, cart = emptied_cart
                work.put(CART, carts.to_record(key, cart))  # only at the version read
            if reply is not None:
                work.put(REPLY, idempotency.to_record(reply), idempotency.free_key_condition(now))
            for item in order.items:
                _decrement(work, item, stock_read[item.product_id])
    except ConditionsFailed as failed:
        raise order_refused(failed, partial(_short_of_stock, order.items)) from failed
    order.version = record.version


def _write_change(
    order: Order, actions: list[Action] | None, restock: dict[int, int], delete: bool
) -> None:
    # Every change is decided on the order as read: written on its version (and on the
    # status read, for orders stored before versions existed).
    record = OrderRecord(order.id)
    if order.version is not None:
        record.version = order.version
    unchanged: Condition = OrderRecord.status == str(order.status)
    try:
        with unit_of_work() as work:
            if delete:
                work.delete(ORDER, record, unchanged)
            elif actions:
                work.update(ORDER, record, actions, unchanged)
            _restock(work, restock)
    except ConditionsFailed as failed:
        raise WriteConflict() from failed
    order.version = record.version


def update_order(
    order: Order,
    *,
    status: OrderStatus | None = None,
    shipping_address: str | None = None,
    restock: dict[int, int] | None = None,
) -> None:
    """Change status and/or address, giving stock back in the same transaction."""
    actions: list[Action] = []
    if status is not None:
        actions.append(OrderRecord.status.set(str(status)))
    if shipping_address is not None:
        actions.append(OrderRecord.shipping_address.set(shipping_address))
    if actions:
        _write_change(order, actions, restock or {}, delete=False)


def delete_order(order: Order, restock: dict[int, int] | None = None) -> None:
    _write_change(order, None, restock or {}, delete=True)
