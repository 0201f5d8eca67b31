"""Cart rules: one line per product, at most 50 lines, quantities within stock, current
prices, lines of deleted products dropped, guest carts living 30 days from their last
change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from chalicelib.domain.cart import (
    GUEST_CART_LIFETIME,
    MAX_CART_LINES,
    Cart,
    ensure_in_stock,
    merge_into,
    price_cart,
)
from chalicelib.domain.entities import Product
from chalicelib.errors import BusinessRuleViolated, NotFound

NOW = datetime(2025, 4, 17, 13, 0, tzinfo=UTC)


def product(product_id: int, price: str = "10.00", stock: int = 5) -> Product:
    return Product(
        id=product_id,
        name=f"Product {product_id}",
        price=Decimal(price),
        category_id=1,
        category_name="Jackets",
        created_at=NOW,
        stock=stock,
    )


def user_cart(*lines: tuple[int, int]) -> Cart:
    cart = Cart(1, user_id=7, created_at=NOW, updated_at=NOW)
    for line_id, (product_id, quantity) in enumerate(lines, start=1):
        cart.add_line(line_id, product_id, quantity, NOW)
    return cart


def guest_cart(*lines: tuple[int, int]) -> Cart:
    cart = Cart(2, user_id=None, created_at=NOW, updated_at=NOW, token_hash="h")
    for line_id, (product_id, quantity) in enumerate(lines, start=100):
        cart.add_line(line_id, product_id, quantity, NOW)
    return cart


def test_a_cart_refuses_a_51st_line() -> None:
    cart = user_cart(*[(product_id, 1) for product_id in range(1, MAX_CART_LINES + 1)])

    with pytest.raises(BusinessRuleViolated):
        cart.add_line(99, 999, 1, NOW)


def test_a_quantity_above_the_stock_is_refused() -> None:
    with pytest.raises(BusinessRuleViolated, match="Product 1"):
        ensure_in_stock(product(1, stock=3), 4)


def test_a_quantity_equal_to_the_stock_is_allowed() -> None:
    ensure_in_stock(product(1, stock=3), 3)


def test_changing_the_quantity_of_a_product_not_in_the_cart_is_not_found() -> None:
    with pytest.raises(NotFound):
        user_cart((1, 1)).set_quantity(2, 5, NOW)


def test_removing_a_product_not_in_the_cart_is_not_found() -> None:
    with pytest.raises(NotFound):
        user_cart((1, 1)).remove(2, NOW)


def test_a_priced_cart_shows_current_prices_and_a_decimal_total() -> None:
    priced = price_cart(user_cart((1, 3), (2, 1)), {1: product(1, "0.10"), 2: product(2, "0.20")})

    assert [line.subtotal for line in priced.lines] == [Decimal("0.30"), Decimal("0.20")]
    assert priced.total == Decimal("0.50")


def test_a_priced_cart_leaves_out_lines_of_deleted_products() -> None:
    priced = price_cart(user_cart((1, 3), (2, 1)), {2: product(2)})

    assert [line.line.product_id for line in priced.lines] == [2]
    assert priced.total == Decimal("10.00")


def test_a_guest_cart_lives_thirty_days_from_its_last_change() -> None:
    cart = guest_cart()
    later = NOW + timedelta(days=10)
    cart.touch(later)

    assert cart.expires_at == later + GUEST_CART_LIFETIME
    assert not cart.is_expired(later + timedelta(days=29))
    assert cart.is_expired(later + timedelta(days=30))


def test_a_user_cart_never_expires() -> None:
    cart = user_cart()
    cart.touch(NOW)

    assert not cart.is_expired(NOW + timedelta(days=3650))


def test_merging_sums_the_quantities_of_a_product_in_both_carts() -> None:
    target, source = user_cart((1, 2)), guest_cart((1, 3), (2, 1))

    merge_into(target, source, {1: product(1), 2: product(2)}, NOW)

    assert [(line.product_id, line.quantity) for line in target.lines] == [(1, 5), (2, 1)]


def test_a_merged_line_keeps_its_id() -> None:
    target, source = user_cart(), guest_cart((2, 1))

    merge_into(target, source, {2: product(2)}, NOW)

    assert [line.id for line in target.lines] == [source.lines[0].id]


def test_merging_over_the_stock_is_refused() -> None:
    target, source = user_cart((1, 4)), guest_cart((1, 2))

    with pytest.raises(BusinessRuleViolated, match="Product 1"):
        merge_into(target, source, {1: product(1, stock=5)}, NOW)


def test_merging_past_fifty_lines_is_refused() -> None:
    target = user_cart(*[(product_id, 1) for product_id in range(1, MAX_CART_LINES + 1)])
    products = {product_id: product(product_id) for product_id in range(1, 52)}

    with pytest.raises(BusinessRuleViolated):
        merge_into(target, guest_cart((51, 1)), products, NOW)


def test_merging_drops_lines_of_deleted_products_from_both_carts() -> None:
    target, source = user_cart((1, 1), (2, 1)), guest_cart((3, 1), (4, 1))

    merge_into(target, source, {2: product(2), 4: product(4)}, NOW)

    assert [line.product_id for line in target.lines] == [2, 4]
