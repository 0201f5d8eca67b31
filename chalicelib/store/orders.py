"""Orders, and the transactions that move stock with them.

Placing an order is one TransactWriteItems: per item a stock decrement conditioned on
``stock >= quantity``, the order with its item snapshots, the emptied cart (checkout) and
the idempotency record. PynamoDB sends the actions grouped by kind (condition checks,
deletes, puts, updates) whatever order they were added in, and the cancellation reasons
follow that sent order; ``_Sent`` keeps the labels in that order.
"""

from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from chalicelib.domain.cart import Cart
from chalicelib.domain.orders import Order, OrderItem, OrderStatus
from chalicelib.errors import NotFound
from chalicelib.store import carts, idempotency
from chalicelib.store.conflicts import WriteConflict, lost_a_race
from chalicelib.store.counters import next_id
from chalicelib.store.id_blocks import reserve_ids
from chalicelib.store.idempotency import StoredReply
from chalicelib.store.models import OrderRecord, ProductRecord, bind_models, shared_connection
from chalicelib.store.models.orders import ORDER_SCOPE, OrderItemMap
from chalicelib.store.pagination import Page, query_page
from chalicelib.store.transactions import failed_condition_positions


class StockShortage(Exception):
    def __init__(self, product_ids: list[int]) -> None:
        super().__init__(f"not enough stock for products {product_ids}")
        self.product_ids = product_ids


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
    )


def to_record(order: Order) -> OrderRecord:
    return OrderRecord(
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


def new_order_id() -> int:
    return next_id("order")


def new_item_ids(count: int) -> list[int]:
    return reserve_ids("order_item", count)


def get_order(order_id: int) -> Order:
    bind_models()
    try:
        return to_order(OrderRecord.get(order_id, consistent_read=True))
    except DoesNotExist:
        raise NotFound() from None


def list_orders(
    user_id: int | None, status: OrderStatus | None, limit: int, cursor: str | None
) -> Page[Order]:
    """Newest first: one user's orders from their index, or every order (staff)."""
    bind_models()
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


class _Sent:
    """Labels of the actions of one transaction, in the order PynamoDB sends them."""

    def __init__(self) -> None:
        self.deletes: list[str] = []
        self.puts: list[str] = []
        self.updates: list[str] = []

    def failed(self, error: TransactWriteError) -> list[str]:
        sent = self.deletes + self.puts + self.updates
        return [sent[p] for p in failed_condition_positions(error) if p < len(sent)]


def _still_names_image(image_key: str | None) -> Condition:
    if image_key:
        return ProductRecord.image_key == image_key
    return ProductRecord.image_key.does_not_exist()


def _decrement(transaction: TransactWrite, sent: _Sent, item: OrderItem) -> None:
    """Take the item's stock and record that an order shows the product's image, on the
    condition that the product still names the image the item copied: an image replaced
    (and deleted) meanwhile would leave the order with a dead link."""
    actions: list[Action] = [ProductRecord.stock.add(-item.quantity)]
    if item.product_image_key:
        actions.append(ProductRecord.ordered_image_keys.add({item.product_image_key}))
    # A deleted product has no stock attribute, so the condition fails for it as well.
    transaction.update(
        ProductRecord(item.product_id),
        actions=actions,
        condition=(ProductRecord.stock >= item.quantity)
        & _still_names_image(item.product_image_key),
    )
    sent.updates.append(f"product:{item.product_id}")


def _short_of_stock(items: list[OrderItem], failed_ids: set[int]) -> list[int]:
    """Which of the products whose condition failed are really short (the others changed
    their image meanwhile): one strongly consistent read each, only after a failure."""
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


def _restock(transaction: TransactWrite, sent: _Sent, restock: dict[int, int]) -> None:
    for product_id, quantity in restock.items():
        # ADD on a missing item would create it: give stock back only to products that
        # still exist (the caller leaves deleted ones out; a concurrent delete cancels).
        transaction.update(
            ProductRecord(product_id),
            actions=[ProductRecord.stock.add(quantity)],
            condition=ProductRecord.id.exists(),
        )
        sent.updates.append(f"product:{product_id}")


def place_order(
    order: Order,
    *,
    emptied_cart: tuple[str, Cart] | None = None,
    reply: StoredReply | None = None,
    now: datetime,
) -> None:
    """Decrement stock, write the order, empty the cart, keep the reply: all or nothing.

    ``StockShortage`` names the products that fell short; ``WriteConflict`` means the
    cart changed, the idempotency key was taken, or another transaction held an item
    meanwhile (read again and retry).
    """
    bind_models()
    sent = _Sent()
    try:
        with TransactWrite(connection=shared_connection()) as transaction:
            transaction.save(to_record(order), condition=OrderRecord.id.does_not_exist())
            sent.puts.append("order")
            if emptied_cart is not None:
                key, cart = emptied_cart
                transaction.save(carts.to_record(key, cart))  # only at the version read
                sent.puts.append("cart")
            if reply is not None:
                transaction.save(
                    idempotency.to_record(reply), condition=idempotency.free_key_condition(now)
                )
                sent.puts.append("reply")
            for item in order.items:
                _decrement(transaction, sent, item)
    except TransactWriteError as error:
        failed = sent.failed(error)
        if "cart" in failed or "reply" in failed or lost_a_race(error):
            raise WriteConflict() from error
        failed_ids = {int(label.split(":")[1]) for label in failed if label.startswith("product:")}
        if not failed_ids:
            raise
        short = _short_of_stock(order.items, failed_ids)
        if short:
            raise StockShortage(short) from error
        raise WriteConflict("a product's image changed meanwhile") from error


def _write_change(
    order: Order, actions: list[Action] | None, restock: dict[int, int], delete: bool
) -> None:
    bind_models()
    sent = _Sent()
    # Every change is decided on the status that was read.
    unchanged: Condition = OrderRecord.status == str(order.status)
    try:
        with TransactWrite(connection=shared_connection()) as transaction:
            if delete:
                transaction.delete(OrderRecord(order.id), condition=unchanged)
                sent.deletes.append("order")
            elif actions:
                transaction.update(OrderRecord(order.id), actions=actions, condition=unchanged)
                sent.updates.append("order")
            _restock(transaction, sent, restock)
    except TransactWriteError as error:
        if sent.failed(error) or lost_a_race(error):
            raise WriteConflict() from error
        raise


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
