"""Order rules: the status transition table, who may do what, when stock goes back, and
item snapshots priced with Decimal."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from chalicelib.domain.orders import (
    MAX_ORDER_LINES,
    Order,
    OrderItem,
    OrderStatus,
    check_address_change,
    check_delete,
    check_transition,
    combine_lines,
    returns_stock,
)
from chalicelib.errors import BusinessRuleViolated, InvalidInput, PermissionDenied

PENDING, PROCESSING, SHIPPED, DELIVERED, CANCELLED = (
    OrderStatus.PENDING,
    OrderStatus.PROCESSING,
    OrderStatus.SHIPPED,
    OrderStatus.DELIVERED,
    OrderStatus.CANCELLED,
)
STAFF_MOVES = {
    (PENDING, PROCESSING),
    (PROCESSING, SHIPPED),
    (SHIPPED, DELIVERED),
    (PENDING, CANCELLED),
    (PROCESSING, CANCELLED),
}
ALL_MOVES = [(a, b) for a in OrderStatus for b in OrderStatus if a != b]


@pytest.mark.parametrize(("current", "new"), sorted(STAFF_MOVES))
def test_staff_may_make_each_move_of_the_lifecycle(current, new) -> None:
    check_transition(current, new, by_staff=True)


@pytest.mark.parametrize(("current", "new"), [m for m in ALL_MOVES if m not in STAFF_MOVES])
def test_every_other_move_is_a_bad_transition_even_for_staff(current, new) -> None:
    with pytest.raises(BusinessRuleViolated):
        check_transition(current, new, by_staff=True)


def test_the_owner_may_cancel_a_pending_order() -> None:
    check_transition(PENDING, CANCELLED, by_staff=False)


@pytest.mark.parametrize("current", [PROCESSING, SHIPPED, DELIVERED])
def test_the_owner_may_not_cancel_an_order_once_it_left_pending(current) -> None:
    with pytest.raises(BusinessRuleViolated):
        check_transition(current, CANCELLED, by_staff=False)


@pytest.mark.parametrize("new", [PROCESSING, SHIPPED, DELIVERED])
def test_the_owner_may_not_move_an_order_along(new) -> None:
    with pytest.raises(PermissionDenied):
        check_transition(PENDING, new, by_staff=False)


@pytest.mark.parametrize("status", list(OrderStatus))
def test_keeping_the_status_is_no_transition(status) -> None:
    check_transition(status, status, by_staff=False)


@pytest.mark.parametrize(
    ("status", "gives_back"),
    [(PENDING, True), (PROCESSING, True), (SHIPPED, False), (DELIVERED, False), (CANCELLED, False)],
)
def test_only_an_unshipped_live_order_gives_its_stock_back(status, gives_back) -> None:
    assert returns_stock(status) is gives_back


def test_the_owner_may_not_change_the_address_once_shipped() -> None:
    check_address_change(PROCESSING, by_staff=False)
    with pytest.raises(BusinessRuleViolated):
        check_address_change(SHIPPED, by_staff=False)


def test_staff_may_change_the_address_at_any_time() -> None:
    check_address_change(DELIVERED, by_staff=True)


def test_the_owner_may_delete_only_a_pending_order() -> None:
    check_delete(PENDING, by_staff=False)
    with pytest.raises(PermissionDenied):
        check_delete(PROCESSING, by_staff=False)


def test_staff_may_delete_any_order() -> None:
    for status in OrderStatus:
        check_delete(status, by_staff=True)


def test_an_order_total_is_the_decimal_sum_of_its_subtotals() -> None:
    items = [
        OrderItem(1, 1, "A", None, 3, Decimal("0.10")),
        OrderItem(2, 2, "B", None, 1, Decimal("1400.00")),
    ]
    order = Order(1, 2, "Nur", PENDING, "Kohalpur", datetime.now(UTC), items)

    assert order.total_price == Decimal("1400.30")
    assert items[0].subtotal == Decimal("0.30")


def test_repeated_products_in_an_order_are_summed() -> None:
    assert combine_lines([(1, 2), (2, 1), (1, 3)]) == {1: 5, 2: 1}


def test_an_order_of_more_than_fifty_products_is_refused() -> None:
    with pytest.raises(InvalidInput):
        combine_lines([(product_id, 1) for product_id in range(MAX_ORDER_LINES + 1)])
