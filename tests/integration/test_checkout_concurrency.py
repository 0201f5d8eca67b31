"""Races between requests, on threads against the emulator: checkouts on little stock,
repeated checkouts with one Idempotency-Key, additions to one cart line, merges of one
guest cart. (tests/e2e/test_checkout_races.py races separate server processes.)"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

import pytest
from helpers import new_shopper

from chalicelib.domain.cart import GuestCartOwner, UserCartOwner
from chalicelib.domain.catalog import NewProduct
from chalicelib.domain.entities import Category, Product, User
from chalicelib.errors import BusinessRuleViolated, NotFound
from chalicelib.services import cart as cart_service
from chalicelib.services import catalog
from chalicelib.services import orders as order_service
from chalicelib.services.orders import Idempotency, Recorded, Reply

Concurrently = Callable[[Sequence[Callable[[], Any]]], list[Any]]
SHOPPERS = 10
STOCK = 4


@pytest.fixture
def scarce(staff_user: User, jackets_category: Category) -> Product:
    fields = NewProduct(
        name="Scarce", price=Decimal("19.99"), stock=STOCK, category_id=jackets_category.id
    )
    return catalog.create_product(fields)


@pytest.fixture
def plenty(staff_user: User, jackets_category: Category) -> Product:
    fields = NewProduct(
        name="Plenty", price=Decimal("5.00"), stock=100, category_id=jackets_category.id
    )
    return catalog.create_product(fields)


def render(order: Any) -> Recorded:
    return Recorded(order.id, 201, str(order.id))


def checkout_of(user: User, key: str | None = None) -> Callable[[], Reply]:
    request = order_service.idempotent_request(user, key, "checkout", {"shipping_address": "A"})
    idempotency = Idempotency(request, render) if request else None
    return lambda: cart_service.checkout(user, "A", idempotency=idempotency)


def sold(staff: User, product_id: int) -> int:
    """Units of the product in every order (staff see them all)."""
    page = order_service.list_orders(staff, None, None, 500, None)
    return sum(i.quantity for o in page.items for i in o.items if i.product_id == product_id)


def test_concurrent_checkouts_never_sell_more_than_the_stock(
    staff_user: User, scarce: Product, plenty: Product, concurrently: Concurrently
) -> None:
    shoppers = [new_shopper(n) for n in range(SHOPPERS)]
    for user in shoppers:
        cart_service.add_item(UserCartOwner(user.id), scarce.id, 1)
        cart_service.add_item(UserCartOwner(user.id), plenty.id, 1)

    outcomes = concurrently([checkout_of(user) for user in shoppers])

    placed = [o for o in outcomes if isinstance(o, Reply)]
    refused = [o for o in outcomes if isinstance(o, BusinessRuleViolated)]
    assert (len(placed), len(refused)) == (STOCK, SHOPPERS - STOCK), outcomes
    left = catalog.get_product(scarce.id).stock
    assert left == 0
    assert left + sold(staff_user, scarce.id) == STOCK
    assert catalog.get_product(plenty.id).stock == 100 - STOCK


def test_refused_checkouts_keep_their_carts(scarce: Product, concurrently: Concurrently) -> None:
    shoppers = [new_shopper(n) for n in range(6)]
    for user in shoppers:
        cart_service.add_item(UserCartOwner(user.id), scarce.id, 2)

    outcomes = concurrently([checkout_of(user) for user in shoppers])

    for user, outcome in zip(shoppers, outcomes, strict=True):
        lines = cart_service.get_cart(UserCartOwner(user.id)).lines
        assert len(lines) == (0 if isinstance(outcome, Reply) else 1)
    assert catalog.get_product(scarce.id).stock == STOCK - 2 * sum(
        isinstance(o, Reply) for o in outcomes
    )


def test_concurrent_retries_with_one_key_create_one_order(
    staff_user: User, shopper_user: User, plenty: Product, concurrently: Concurrently
) -> None:
    cart_service.add_item(UserCartOwner(shopper_user.id), plenty.id, 3)

    outcomes = concurrently([checkout_of(shopper_user, key="retry-me") for _ in range(6)])

    assert all(isinstance(o, Reply) for o in outcomes), outcomes
    assert len({o.order_id for o in outcomes}) == 1
    assert len(order_service.list_orders(shopper_user, None, None, 100, None).items) == 1
    assert catalog.get_product(plenty.id).stock == 97


def test_concurrent_direct_orders_never_sell_more_than_the_stock(
    scarce: Product, concurrently: Concurrently
) -> None:
    shoppers = [new_shopper(n) for n in range(8)]

    outcomes = concurrently(
        [
            lambda user=user: order_service.create_order(user, "A", [(scarce.id, 1)])
            for user in shoppers
        ]
    )

    assert sum(isinstance(o, Reply) for o in outcomes) == STOCK
    assert catalog.get_product(scarce.id).stock == 0


def test_concurrent_additions_to_one_line_all_count(
    shopper_user: User, plenty: Product, concurrently: Concurrently
) -> None:
    owner = UserCartOwner(shopper_user.id)

    outcomes = concurrently([lambda: cart_service.add_item(owner, plenty.id, 1) for _ in range(8)])

    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert sum(created for _, created in outcomes) == 1
    lines = cart_service.get_cart(owner).lines
    assert [(line.line.product_id, line.line.quantity) for line in lines] == [(plenty.id, 8)]


def test_concurrent_additions_never_put_more_than_the_stock_in_a_cart(
    shopper_user: User, scarce: Product, concurrently: Concurrently
) -> None:
    owner = UserCartOwner(shopper_user.id)

    outcomes = concurrently([lambda: cart_service.add_item(owner, scarce.id, 1) for _ in range(7)])

    assert sum(not isinstance(o, Exception) for o in outcomes) == STOCK
    assert cart_service.get_cart(owner).lines[0].line.quantity == STOCK


def test_of_concurrent_merges_of_one_guest_cart_exactly_one_wins(
    plenty: Product, concurrently: Concurrently
) -> None:
    guest = cart_service.create_guest_cart()
    cart_service.add_item(GuestCartOwner(guest.cart_id, guest.token), plenty.id, 3)
    shoppers = [new_shopper(n) for n in range(5)]

    outcomes = concurrently(
        [
            lambda user=user: cart_service.merge(user, guest.cart_id, guest.token)
            for user in shoppers
        ]
    )

    winners = [user for user, o in zip(shoppers, outcomes, strict=True) if o is None]
    assert len(winners) == 1, outcomes
    assert all(isinstance(o, NotFound) for o in outcomes if o is not None)
    for user in shoppers:
        lines = cart_service.get_cart(UserCartOwner(user.id)).lines
        assert [line.line.quantity for line in lines] == ([3] if user in winners else [])


def test_concurrent_merges_by_one_user_never_double_the_quantities(
    shopper_user: User, plenty: Product, concurrently: Concurrently
) -> None:
    guest = cart_service.create_guest_cart()
    cart_service.add_item(GuestCartOwner(guest.cart_id, guest.token), plenty.id, 2)
    cart_service.add_item(UserCartOwner(shopper_user.id), plenty.id, 1)

    concurrently([lambda: cart_service.merge(shopper_user, guest.cart_id, guest.token)] * 4)

    lines = cart_service.get_cart(UserCartOwner(shopper_user.id)).lines
    assert [line.line.quantity for line in lines] == [3]
