"""The order transaction against the emulator: conditional stock decrements, the order,
the emptied cart and the idempotency record, all or nothing; a cancellation is mapped
back to the products that fell short in the order PynamoDB sent the actions."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from chalicelib.domain.cart import Cart, UserCartOwner
from chalicelib.domain.catalog import NewProduct
from chalicelib.domain.clock import utc_now
from chalicelib.domain.entities import Category, Product, User
from chalicelib.domain.orders import REPLY_LIFETIME, Order, OrderItem, OrderStatus
from chalicelib.domain.storage import WriteConflict
from chalicelib.errors import NotFound
from chalicelib.services import cart as cart_service
from chalicelib.services import catalog
from chalicelib.store import carts, idempotency, orders
from chalicelib.store.idempotency import StoredReply
from chalicelib.store.orders import StockShortage


@pytest.fixture
def products(staff_user: User, jackets_category: Category) -> list[Product]:
    return [
        catalog.create_product(
            NewProduct(
                name=f"P{n}", price=Decimal("10.00"), stock=2, category_id=jackets_category.id
            ),
        )
        for n in range(3)
    ]


@pytest.fixture
def stored_cart(shopper_user: User, products: list[Product]) -> tuple[str, Cart]:
    owner = UserCartOwner(shopper_user.id)
    for product in products:
        cart_service.add_item(owner, product.id, 1)
    key = carts.owner_key(owner)
    cart = carts.read_cart(key).cart
    assert cart is not None
    return key, cart


def order_of(shopper: User, wanted: list[tuple[Product, int]]) -> Order:
    items = [
        OrderItem(n, p.id, p.name, None, quantity, p.price)
        for n, (p, quantity) in enumerate(wanted, start=1)
    ]
    return Order(
        orders.new_order_id(), shopper.id, "shopper", OrderStatus.PENDING, "A", utc_now(), items
    )


def read_stock(products: list[Product]) -> dict[int, int]:
    """The stock the caller read, which ``place_order`` takes with the order."""
    return {product.id: product.stock for product in products}


def reply_for(order: Order) -> StoredReply:
    return StoredReply(f"{order.user_id}#k", "hash", order.id, 201, "{}", utc_now())


def stock(product: Product) -> int:
    return catalog.get_product(product.id).stock


def test_the_products_that_fell_short_are_named_whatever_order_the_actions_were_sent_in(
    shopper_user: User, products: list[Product], stored_cart: tuple[str, Cart]
) -> None:
    first, second, third = products
    order = order_of(shopper_user, [(first, 1), (second, 3), (third, 5)])
    key, cart = stored_cart

    with pytest.raises(StockShortage) as shortage:
        orders.place_order(
            order,
            stock_read=read_stock(products),
            emptied_cart=(key, replace(cart, lines=[])),
            reply=reply_for(order),
            now=utc_now(),
        )

    assert shortage.value.product_ids == [second.id, third.id]


def test_a_cancelled_order_transaction_writes_nothing(
    shopper_user: User, products: list[Product], stored_cart: tuple[str, Cart]
) -> None:
    first, second, _ = products
    order = order_of(shopper_user, [(first, 1), (second, 3)])
    key, cart = stored_cart

    with pytest.raises(StockShortage):
        orders.place_order(
            order,
            stock_read=read_stock(products),
            emptied_cart=(key, replace(cart, lines=[])),
            reply=reply_for(order),
            now=utc_now(),
        )

    assert (stock(first), stock(second)) == (2, 2)
    with pytest.raises(NotFound):
        orders.get_order(order.id)
    assert len(carts.read_cart(key).cart.lines) == 3  # type: ignore[union-attr]
    assert idempotency.find_reply(f"{shopper_user.id}#k", utc_now()) is None


def test_an_order_transaction_on_a_cart_changed_since_it_was_read_is_a_conflict(
    shopper_user: User, products: list[Product], stored_cart: tuple[str, Cart]
) -> None:
    key, stale = stored_cart
    cart_service.add_item(UserCartOwner(shopper_user.id), products[0].id, 1)
    order = order_of(shopper_user, [(products[0], 1)])

    with pytest.raises(WriteConflict):
        orders.place_order(
            order,
            stock_read=read_stock(products),
            emptied_cart=(key, replace(stale, lines=[])),
            now=utc_now(),
        )
    assert stock(products[0]) == 2


def test_an_order_transaction_on_a_taken_idempotency_key_is_a_conflict(
    shopper_user: User, products: list[Product]
) -> None:
    first = order_of(shopper_user, [(products[0], 1)])
    orders.place_order(
        first, stock_read=read_stock(products), reply=reply_for(first), now=utc_now()
    )
    second = order_of(shopper_user, [(products[1], 1)])

    with pytest.raises(WriteConflict):
        orders.place_order(
            second, stock_read=read_stock(products), reply=reply_for(second), now=utc_now()
        )
    assert stock(products[1]) == 2


def test_an_expired_idempotency_record_may_be_replaced(
    shopper_user: User, products: list[Product]
) -> None:
    first = order_of(shopper_user, [(products[0], 1)])
    orders.place_order(
        first, stock_read=read_stock(products), reply=reply_for(first), now=utc_now()
    )
    second = order_of(shopper_user, [(products[1], 1)])
    a_day_later = utc_now() + REPLY_LIFETIME

    orders.place_order(
        second,
        stock_read=read_stock(products),
        reply=replace(reply_for(second), created_at=a_day_later),
        now=a_day_later,
    )

    assert idempotency.find_reply(f"{shopper_user.id}#k", a_day_later) is not None
