"""Carts, one item each in the ``carts`` table, keyed by their owner.

Every change is a whole-item put conditioned on the version that was read (optimistic
locking): a change based on a stale read raises ``WriteConflict`` and the service reads
again. The products a request needs are read in the same BatchGetItem as the cart.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from pynamodb.exceptions import PutError

from chalicelib.domain.cart import (
    Cart,
    CartLine,
    CartOwner,
    CartRead,
    GuestCartOwner,
    UserCartOwner,
)
from chalicelib.domain.storage import WriteConflict
from chalicelib.store.batch import batch_get_one_each
from chalicelib.store.counters import next_id
from chalicelib.store.id_blocks import reserve_ids
from chalicelib.store.idempotency import raw_key, to_reply
from chalicelib.store.models import ShopModel
from chalicelib.store.models.carts import CartLineMap, CartRecord
from chalicelib.store.models.counters import CounterRecord
from chalicelib.store.models.orders import IdempotencyRecord
from chalicelib.store.products import product_key, products_of
from chalicelib.store.unit_of_work import ConditionsFailed, condition_failed, unit_of_work

CART_COUNTER = "cart"
LINE_COUNTER = "cart_item"
# Labels of the unit of work's actions.
CART, SOURCE_CART, CART_ID = "cart", "source cart", "cart id"


def owner_key(owner: CartOwner) -> str:
    if isinstance(owner, GuestCartOwner):
        return guest_key(owner.cart_id)
    return f"user#{owner.user_id}"


def guest_key(cart_id: int) -> str:
    return f"guest#{cart_id}"


def to_cart(record: CartRecord) -> Cart:
    return Cart(
        id=int(record.id),
        user_id=int(record.user_id) if record.user_id is not None else None,
        created_at=record.created_at,
        updated_at=record.updated_at,
        lines=[
            CartLine(
                id=int(line.id),
                product_id=int(line.product_id),
                quantity=int(line.quantity),
                created_at=line.created_at,
                updated_at=line.updated_at,
            )
            for line in record.lines or []
        ],
        token_hash=record.token_hash,
        expires_at=record.expires_at,
        version=record.version,
    )


def to_record(key: str, cart: Cart) -> CartRecord:
    record = CartRecord(
        key,
        id=cart.id,
        user_id=cart.user_id,
        token_hash=cart.token_hash,
        lines=[
            CartLineMap(
                id=line.id,
                product_id=line.product_id,
                quantity=line.quantity,
                created_at=line.created_at,
                updated_at=line.updated_at,
            )
            for line in cart.lines
        ],
        created_at=cart.created_at,
        updated_at=cart.updated_at,
        expires_at=cart.expires_at,
    )
    if cart.version is not None:  # a new cart has none: its put requires that none exists
        record.version = cart.version
    return record


def _cart_key(key: str) -> tuple[type[ShopModel], dict[str, Any]]:
    return (CartRecord, {"owner": {"S": key}})


def read_cart(
    key: str,
    *,
    product_ids: Iterable[int] = (),
    with_counter: bool = False,
    reply_key: str | None = None,
    now: datetime | None = None,
) -> CartRead:
    """The cart with whatever else the request needs, in one strongly consistent
    BatchGetItem: products, the cart counter (so that a missing cart can be created with
    one more call), the stored reply to an Idempotency-Key."""
    requests = [_cart_key(key), *(product_key(pid) for pid in dict.fromkeys(product_ids))]
    if with_counter:
        requests.append((CounterRecord, {"name": {"S": CART_COUNTER}}))
    if reply_key is not None:
        requests.append((IdempotencyRecord, raw_key(reply_key)))
    found = batch_get_one_each(requests)
    cart_record = found[0]
    read = CartRead(
        cart=to_cart(cart_record) if isinstance(cart_record, CartRecord) else None,
        products=products_of(found[1:]),
    )
    for record in found[1:]:
        if isinstance(record, CounterRecord):
            read.last_cart_id = int(record.value or 0)
        if isinstance(record, IdempotencyRecord) and now is not None:
            read.reply = to_reply(record, now)
    if with_counter and read.last_cart_id is None:
        read.last_cart_id = 0
    return read


def read_two_carts(key: str, other_key: str) -> tuple[Cart | None, Cart | None]:
    first, second = batch_get_one_each([_cart_key(key), _cart_key(other_key)])
    return (
        to_cart(first) if isinstance(first, CartRecord) else None,
        to_cart(second) if isinstance(second, CartRecord) else None,
    )


def new_cart_id() -> int:
    return next_id(CART_COUNTER)


def new_line_ids(count: int) -> list[int]:
    return reserve_ids(LINE_COUNTER, count)


def save_cart(key: str, cart: Cart) -> Cart:
    """Put the cart if it is still at the version read (or still absent when new)."""
    record = to_record(key, cart)
    try:
        record.save()
    except PutError as error:
        if condition_failed(error):
            raise WriteConflict() from error
        raise
    cart.version = record.version
    return cart


def create_cart(key: str, cart: Cart, last_cart_id: int | None) -> Cart:
    """Store a new cart under the next cart id.

    Given the counter value read with the (missing) cart, the id is claimed in the same
    transaction as the cart is written, by moving the counter on only if nobody else has
    (one call instead of two). When the counter has moved meanwhile, the id comes from the
    usual atomic increment. ``WriteConflict``: a concurrent request created the cart first.
    """
    if last_cart_id is not None and _create_with_counter(key, cart, last_cart_id):
        return cart
    cart.id = new_cart_id()
    return save_cart(key, cart)


def _create_with_counter(key: str, cart: Cart, last_cart_id: int) -> bool:
    cart.id = last_cart_id + 1
    record = to_record(key, cart)
    counter = CounterRecord(CART_COUNTER)
    unchanged = (
        CounterRecord.name.does_not_exist()
        if last_cart_id == 0
        else CounterRecord.value == last_cart_id
    )
    try:
        with unit_of_work() as work:
            work.put(CART, record)  # only if still absent: a new record has no version
            work.update(CART_ID, counter, [CounterRecord.value.set(cart.id)], unchanged)
    except ConditionsFailed as failed:
        if CART in failed.labels:
            raise WriteConflict() from failed
        return False  # the counter moved meanwhile
    cart.version = record.version
    return True


def delete_cart(key: str) -> None:
    # A delete of a missing item succeeds, so no read is needed first.
    CartRecord(key).delete(add_version_condition=False)


def owner_key_of_cart(cart_id: int) -> str | None:
    """The owner key of the cart with this id, from an eventually consistent index: used
    only to tell a forbidden cart from an unknown one, never to decide money."""
    for entry in CartRecord.by_id.query(cart_id, limit=1):
        return str(entry.owner)
    return None


def merge_carts(target_key: str, target: Cart, source_key: str, source: Cart) -> None:
    """Write the merged target and delete the source in one transaction, both only if
    unchanged since they were read: of two concurrent merges of one cart, one wins."""
    source_record = to_record(source_key, source)
    target_record = to_record(target_key, target)
    try:
        with unit_of_work() as work:
            work.delete(SOURCE_CART, source_record)
            work.put(CART, target_record)
    except ConditionsFailed as failed:
        raise WriteConflict() from failed
    target.version = target_record.version


def delete_user_cart(user_id: int) -> None:
    delete_cart(owner_key(UserCartOwner(user_id)))
