"""The orders and idempotency repositories, held equal in both stores: an order placed in
one transaction with its stock decrements, the emptied cart and the stored reply; changes
and deletes on the version read, giving stock back; newest-first pages."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from chalicelib.domain.cart import Cart, CartLine
from chalicelib.domain.catalog import ProductQuery
from chalicelib.domain.entities import Category, Product
from chalicelib.domain.orders import Order, OrderItem, OrderStatus, StoredReply
from chalicelib.domain.storage import StockShortage, WriteConflict
from chalicelib.errors import InvalidInput, NotFound

NOW = datetime(2026, 3, 4, 12, 0, 0, 700000, tzinfo=UTC)
USER_KEY = "user#7"
MISSING_PRODUCT = 999


def products(backend: Any, *stocks: int, image_key: str | None = None) -> list[Product]:
    """One product per stock, in one category (9.50 each)."""
    category = backend.categories.create_category(
        Category(backend.categories.new_category_id(), "Kitchen", created_at=NOW)
    )
    return [
        backend.products.create_product(
            Product(
                id=backend.products.new_product_id(),
                name=f"Mug {number}",
                price=Decimal("9.50"),
                category_id=category.id,
                category_name=category.name,
                created_at=NOW,
                stock=stock,
                image_key=image_key,
            )
        )
        for number, stock in enumerate(stocks, start=1)
    ]


def order(
    order_id: int, *lines: tuple[Product, int], user_id: int = 7, status: str = "Pending"
) -> Order:
    return Order(
        id=order_id,
        user_id=user_id,
        user_name="ada",
        status=OrderStatus(status),
        shipping_address="1 Main St",
        created_at=NOW,
        items=[
            OrderItem(item_id, line.id, line.name, line.image_key, quantity, line.price)
            for item_id, (line, quantity) in enumerate(lines, start=1)
        ],
    )


def stock_of(backend: Any, product: Product) -> int:
    return int(backend.products.get_product(product.id).stock)


def placed(backend: Any, new: Order, **kwargs: Any) -> Order:
    """``new`` placed on the stock its products have now."""
    found = backend.products.read_products(item.product_id for item in new.items)
    stock_read = {pid: product.stock for pid, product in found.items()}
    backend.orders.place_order(new, stock_read=stock_read, now=NOW, **kwargs)
    return new


def bare_orders(backend: Any, *user_ids: int, status: str = "Pending") -> list[Order]:
    """Orders without items, one per user id given, ids from the counter."""
    return [
        placed(backend, order(backend.orders.new_order_id(), user_id=user_id, status=status))
        for user_id in user_ids
    ]


def reply(key: str = "7#abc", created_at: datetime = NOW) -> StoredReply:
    return StoredReply(key, "hash", 1, 201, '{"id": 1}', created_at)


def ids(orders: list[Order]) -> list[int]:
    return [each.id for each in orders]


# --- ids ------------------------------------------------------------------------------------


def test_order_ids_count_up_from_one(backend: Any) -> None:
    assert [backend.orders.new_order_id() for _ in range(2)] == [1, 2]


def test_item_ids_come_in_consecutive_blocks(backend: Any) -> None:
    assert backend.orders.new_item_ids(2) == [1, 2]
    assert backend.orders.new_item_ids(0) == []
    assert backend.orders.new_item_ids(1) == [3]


# --- place_order and get_order --------------------------------------------------------------


def test_a_placed_order_reads_back_with_its_total_at_version_one(backend: Any) -> None:
    mug, cup = products(backend, 5, 5)
    new = placed(backend, order(1, (mug, 2), (cup, 1)))

    assert new.version == 1
    assert backend.orders.get_order(1) == replace(new, stored_total=Decimal("28.5"))


def test_an_unknown_order_is_not_found(backend: Any) -> None:
    with pytest.raises(NotFound):
        backend.orders.get_order(1)


def test_placing_an_order_takes_its_stock_and_leaves_the_products_version(
    backend: Any,
) -> None:
    (mug,) = products(backend, 5)

    placed(backend, order(1, (mug, 2)))

    after = backend.products.get_product(mug.id)
    assert (after.stock, after.version) == (3, mug.version)


def test_an_order_taking_the_last_units_leaves_the_product_sold_out(backend: Any) -> None:
    mug, cup = products(backend, 2, 3)

    placed(backend, order(1, (mug, 2), (cup, 1)))

    assert stock_of(backend, mug) == 0
    in_stock = backend.products.list_products(ProductQuery(limit=10, in_stock=True))
    sold_out = backend.products.list_products(ProductQuery(limit=10, in_stock=False))
    assert (ids(in_stock.items), ids(sold_out.items)) == ([cup.id], [mug.id])


def test_an_order_records_the_image_it_shows_on_the_product(backend: Any) -> None:
    (mug,) = products(backend, 5, image_key="products/mug.jpg")

    placed(backend, order(1, (mug, 1)))

    after = backend.products.get_product(mug.id)
    assert (after.ordered_image_keys, after.version) == (
        frozenset({"products/mug.jpg"}),
        mug.version,
    )


def test_an_order_for_more_than_the_stock_names_the_short_products_and_writes_nothing(
    backend: Any,
) -> None:
    mug, cup, jug = products(backend, 5, 1, 0)

    with pytest.raises(StockShortage) as shortage:
        backend.orders.place_order(
            order(1, (mug, 2), (cup, 2), (jug, 1)),
            stock_read={mug.id: 5, cup.id: 2, jug.id: 1},
            now=NOW,
        )

    assert shortage.value.product_ids == [cup.id, jug.id]
    assert [stock_of(backend, each) for each in (mug, cup, jug)] == [5, 1, 0]
    with pytest.raises(NotFound):
        backend.orders.get_order(1)


def test_an_order_for_a_missing_product_is_a_shortage_of_it(backend: Any) -> None:
    (mug,) = products(backend, 5)
    gone = replace(mug, id=MISSING_PRODUCT)

    with pytest.raises(StockShortage) as shortage:
        backend.orders.place_order(order(1, (gone, 1)), stock_read={MISSING_PRODUCT: 5}, now=NOW)

    assert shortage.value.product_ids == [MISSING_PRODUCT]


def test_an_order_on_stock_that_crossed_the_sold_out_line_meanwhile_is_a_write_conflict(
    backend: Any,
) -> None:
    (mug,) = products(backend, 5)

    # Read as 2, so the sale was to take the last units; there are 5 now.
    with pytest.raises(WriteConflict):
        backend.orders.place_order(order(1, (mug, 2)), stock_read={mug.id: 2}, now=NOW)
    assert stock_of(backend, mug) == 5


def test_an_order_on_a_product_whose_image_changed_meanwhile_is_a_write_conflict(
    backend: Any,
) -> None:
    (mug,) = products(backend, 5)
    shown_before = replace(mug, image_key="products/old.jpg")

    with pytest.raises(WriteConflict):
        backend.orders.place_order(order(1, (shown_before, 1)), stock_read={mug.id: 5}, now=NOW)
    assert stock_of(backend, mug) == 5


def test_an_order_whose_id_is_taken_is_a_write_conflict(backend: Any) -> None:
    (mug,) = products(backend, 5)
    placed(backend, order(1, (mug, 1)))

    with pytest.raises(WriteConflict):
        placed(backend, order(1, (mug, 2)))
    assert stock_of(backend, mug) == 4


def test_an_order_from_the_cart_empties_it_in_the_same_write(backend: Any) -> None:
    (mug,) = products(backend, 5)
    line = CartLine(1, mug.id, 2, created_at=NOW, updated_at=NOW)
    backend.carts.save_cart(USER_KEY, Cart(1, 7, created_at=NOW, updated_at=NOW, lines=[line]))
    cart = backend.carts.read_cart(USER_KEY).cart
    cart.clear(NOW)

    placed(backend, order(1, (mug, 2)), emptied_cart=(USER_KEY, cart))

    assert backend.carts.read_cart(USER_KEY).cart == replace(cart, version=2)
    assert cart.version == 1  # the use case's copy is left as it was read


def test_an_order_from_a_cart_changed_meanwhile_is_a_write_conflict(backend: Any) -> None:
    (mug,) = products(backend, 5)
    backend.carts.save_cart(USER_KEY, Cart(1, 7, created_at=NOW, updated_at=NOW))
    cart = backend.carts.read_cart(USER_KEY).cart
    backend.carts.save_cart(USER_KEY, backend.carts.read_cart(USER_KEY).cart)

    with pytest.raises(WriteConflict):
        placed(backend, order(1, (mug, 2)), emptied_cart=(USER_KEY, cart))
    assert stock_of(backend, mug) == 5


# --- idempotency ------------------------------------------------------------------------------


def test_a_reply_key_is_the_user_and_the_hash_of_the_clients_key(backend: Any) -> None:
    digest = hashlib.sha256(b"retry-1").hexdigest()

    assert backend.idempotency.reply_key(7, "retry-1") == f"7#{digest}"


def test_a_reply_kept_with_the_order_is_found_by_its_key(backend: Any) -> None:
    backend.orders.place_order(order(1), stock_read={}, reply=reply(), now=NOW)

    assert backend.idempotency.find_reply("7#abc", NOW) == reply()


def test_the_reply_comes_with_the_cart_when_asked_for(backend: Any) -> None:
    backend.orders.place_order(order(1), stock_read={}, reply=reply(), now=NOW)

    read = backend.carts.read_cart(USER_KEY, reply_key="7#abc", now=NOW)

    assert (read.cart, read.reply) == (None, reply())


def test_an_unknown_reply_key_finds_nothing(backend: Any) -> None:
    assert backend.idempotency.find_reply("7#abc", NOW) is None
    assert backend.carts.read_cart(USER_KEY, reply_key="7#abc", now=NOW).reply is None


def test_a_reply_expires_a_day_after_it_was_kept_rounded_down_to_the_second(
    backend: Any,
) -> None:
    # Kept at 12:00:00.7, so it expires at 12:00:00 the next day, not at 12:00:00.7.
    backend.orders.place_order(order(1), stock_read={}, reply=reply(), now=NOW)
    expiry = NOW.replace(microsecond=0) + timedelta(days=1)

    assert backend.idempotency.find_reply("7#abc", expiry - timedelta(microseconds=1))
    assert backend.idempotency.find_reply("7#abc", expiry) is None
    assert backend.carts.read_cart(USER_KEY, reply_key="7#abc", now=expiry).reply is None


def test_an_order_with_a_key_held_by_a_live_reply_is_a_write_conflict(backend: Any) -> None:
    backend.orders.place_order(order(1), stock_read={}, reply=reply(), now=NOW)
    just_before_expiry = NOW.replace(microsecond=999999) + timedelta(days=1, seconds=-1)

    with pytest.raises(WriteConflict):
        backend.orders.place_order(order(2), stock_read={}, reply=reply(), now=just_before_expiry)
    with pytest.raises(NotFound):
        backend.orders.get_order(2)


def test_a_key_held_by_an_expired_reply_is_kept_again(backend: Any) -> None:
    backend.orders.place_order(order(1), stock_read={}, reply=reply(), now=NOW)
    later = NOW + timedelta(days=1)
    again = replace(reply(created_at=later), order_id=2)

    backend.orders.place_order(order(2), stock_read={}, reply=again, now=later)

    assert backend.idempotency.find_reply("7#abc", later) == again


# --- update_order -------------------------------------------------------------------------


def test_an_order_changed_on_the_version_read_moves_to_the_next(backend: Any) -> None:
    (mug,) = products(backend, 5)
    placed(backend, order(1, (mug, 1)))
    read = backend.orders.get_order(1)

    backend.orders.update_order(read, status=OrderStatus.PROCESSING, shipping_address="2 Elm")

    assert read.version == 2
    after = backend.orders.get_order(1)
    assert (after.status, after.shipping_address, after.version) == ("Processing", "2 Elm", 2)


def test_cancelling_gives_the_stock_back_in_the_same_write(backend: Any) -> None:
    (mug,) = products(backend, 2)
    placed(backend, order(1, (mug, 2)))

    backend.orders.update_order(
        backend.orders.get_order(1), status=OrderStatus.CANCELLED, restock={mug.id: 2}
    )

    after = backend.products.get_product(mug.id)
    assert (after.stock, after.version) == (2, mug.version)
    in_stock = backend.products.list_products(ProductQuery(limit=10, in_stock=True))
    assert ids(in_stock.items) == [mug.id]


def test_a_change_on_a_stale_version_is_a_write_conflict(backend: Any) -> None:
    bare_orders(backend, 7)
    stale = backend.orders.get_order(1)
    backend.orders.update_order(backend.orders.get_order(1), shipping_address="2 Elm")

    with pytest.raises(WriteConflict):
        backend.orders.update_order(stale, status=OrderStatus.CANCELLED)
    assert backend.orders.get_order(1).status == "Pending"


def test_a_change_decided_on_another_status_is_a_write_conflict(backend: Any) -> None:
    bare_orders(backend, 7)
    read = backend.orders.get_order(1)

    with pytest.raises(WriteConflict):
        backend.orders.update_order(
            replace(read, status=OrderStatus.PROCESSING), status=OrderStatus.SHIPPED
        )
    assert backend.orders.get_order(1) == read


def test_a_change_that_changes_nothing_writes_nothing(backend: Any) -> None:
    (mug,) = products(backend, 5)
    placed(backend, order(1, (mug, 1)))
    read = backend.orders.get_order(1)

    backend.orders.update_order(read, restock={mug.id: 1})

    assert (read.version, backend.orders.get_order(1).version) == (1, 1)
    assert stock_of(backend, mug) == 4


def test_stock_given_back_to_a_deleted_product_is_a_write_conflict(backend: Any) -> None:
    bare_orders(backend, 7)
    read = backend.orders.get_order(1)

    with pytest.raises(WriteConflict):
        backend.orders.update_order(
            read, status=OrderStatus.CANCELLED, restock={MISSING_PRODUCT: 1}
        )
    assert backend.orders.get_order(1).status == "Pending"


def test_changing_an_unknown_order_is_a_write_conflict(backend: Any) -> None:
    with pytest.raises(WriteConflict):
        backend.orders.update_order(order(1), status=OrderStatus.CANCELLED)


# --- delete_order ---------------------------------------------------------------------------


def test_a_deleted_order_is_gone_and_its_stock_given_back(backend: Any) -> None:
    (mug,) = products(backend, 5)
    placed(backend, order(1, (mug, 2)))
    read = backend.orders.get_order(1)

    backend.orders.delete_order(read, {mug.id: 2})

    assert (stock_of(backend, mug), read.version) == (5, 1)
    with pytest.raises(NotFound):
        backend.orders.get_order(1)


def test_deleting_an_order_on_a_stale_version_is_a_write_conflict(backend: Any) -> None:
    bare_orders(backend, 7)
    stale = backend.orders.get_order(1)
    backend.orders.update_order(backend.orders.get_order(1), shipping_address="2 Elm")

    with pytest.raises(WriteConflict):
        backend.orders.delete_order(stale)
    assert backend.orders.get_order(1).version == 2


# --- list_orders --------------------------------------------------------------------------


def test_a_users_orders_come_newest_first_in_pages(backend: Any) -> None:
    bare_orders(backend, 7, 8, 7, 7)

    first = backend.orders.list_orders(7, None, 2, None)
    second = backend.orders.list_orders(7, None, 2, first.next_cursor)

    assert (ids(first.items), ids(second.items), second.next_cursor) == ([4, 3], [1], None)
    assert first.items[0] == backend.orders.get_order(4)


def test_staff_list_every_order_newest_first(backend: Any) -> None:
    bare_orders(backend, 7, 8, 9)

    first = backend.orders.list_orders(None, None, 2, None)
    second = backend.orders.list_orders(None, None, 2, first.next_cursor)

    assert (ids(first.items), ids(second.items), second.next_cursor) == ([3, 2], [1], None)


def test_a_last_page_that_is_full_has_no_next_cursor(backend: Any) -> None:
    bare_orders(backend, 7, 7)

    page = backend.orders.list_orders(7, None, 2, None)

    assert (ids(page.items), page.next_cursor) == ([2, 1], None)


def test_a_user_without_orders_has_an_empty_list(backend: Any) -> None:
    bare_orders(backend, 8)

    page = backend.orders.list_orders(7, None, 10, None)

    assert (page.items, page.next_cursor) == ([], None)


def test_a_status_filter_lists_only_the_orders_in_that_status(backend: Any) -> None:
    bare_orders(backend, 7, 7)
    bare_orders(backend, 7, status="Cancelled")
    bare_orders(backend, 7, 7)

    page = backend.orders.list_orders(7, OrderStatus.PENDING, 10, None)

    assert (ids(page.items), page.next_cursor) == ([5, 4, 2, 1], None)


def test_a_status_filter_pages_through_every_match_in_order(backend: Any) -> None:
    bare_orders(backend, 7, 7)
    bare_orders(backend, 7, 7, status="Cancelled")
    bare_orders(backend, 7)
    seen: list[int] = []
    cursor = None
    for _ in range(6):
        page = backend.orders.list_orders(None, OrderStatus.PENDING, 2, cursor)
        assert len(page.items) <= 2
        seen += ids(page.items)
        cursor = page.next_cursor
        if cursor is None:
            break

    assert (seen, cursor) == ([5, 2, 1], None)


def test_a_made_up_cursor_is_invalid_input(backend: Any) -> None:
    with pytest.raises(InvalidInput) as invalid:
        backend.orders.list_orders(7, None, 2, "bm90LWEtY3Vyc29y.bWFj")

    assert invalid.value.errors == {"cursor": ["Invalid cursor."]}


def test_a_cursor_from_another_users_list_is_invalid_input(backend: Any) -> None:
    bare_orders(backend, 8, 8, 8)
    cursor = backend.orders.list_orders(8, None, 2, None).next_cursor

    with pytest.raises(InvalidInput) as invalid:
        backend.orders.list_orders(7, None, 2, cursor)

    assert invalid.value.errors == {"cursor": ["Invalid cursor."]}


def test_a_cursor_of_one_users_list_is_invalid_for_the_staff_list(backend: Any) -> None:
    bare_orders(backend, 8, 8, 8)
    cursor = backend.orders.list_orders(8, None, 2, None).next_cursor

    with pytest.raises(InvalidInput):
        backend.orders.list_orders(None, None, 2, cursor)
