"""A product's ``stock_state``, the key of the in-stock and sold-out indexes, follows its
stock through every write that moves it: creation, staff edits, checkouts and direct
orders (the last units included), cancellations and deletions of orders, the backfill;
and stays right when checkouts that take the last units race each other and a restock."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from helpers import new_shopper

from chalicelib.domain.cart import UserCartOwner
from chalicelib.domain.catalog import NewProduct, ProductChanges, ProductQuery
from chalicelib.domain.entities import Category, Product, User
from chalicelib.domain.orders import OrderChanges, OrderStatus
from chalicelib.errors import BusinessRuleViolated
from chalicelib.services import cart as cart_service
from chalicelib.services import catalog
from chalicelib.services import orders as order_service
from chalicelib.services.orders import Reply
from chalicelib.store.models.catalog import ProductRecord
from chalicelib.store.products import backfill_filter_keys
from chalicelib.store.unit_of_work import leaving_version_alone

Concurrently = Callable[[Sequence[Callable[[], Any]]], list[Any]]


def create(category: Category, stock: int, name: str = "Scarf") -> Product:
    return catalog.create_product(
        NewProduct(name=name, price=Decimal("5.00"), stock=stock, category_id=category.id)
    )


def stored_state(product: Product) -> tuple[int, str | None]:
    record = ProductRecord.get(product.id, consistent_read=True)
    return int(record.stock), record.stock_state


def listed(in_stock: bool) -> set[str]:
    """Names on every page of the in-stock (or sold-out) list."""
    names: set[str] = set()
    cursor = None
    while True:
        page = catalog.list_products(ProductQuery(limit=20, in_stock=in_stock, cursor=cursor))
        names |= {product.name for product in page.items}
        if (cursor := page.next_cursor) is None:
            return names


def test_a_new_product_is_in_stock_with_stock_and_sold_out_without(
    jackets_category: Category,
) -> None:
    stocked, sold_out = (
        create(jackets_category, 3, "Stocked"),
        create(jackets_category, 0, "Sold out"),
    )

    assert (stored_state(stocked), stored_state(sold_out)) == ((3, "in"), (0, "out"))
    assert (listed(in_stock=True), listed(in_stock=False)) == ({"Stocked"}, {"Sold out"})


def test_an_order_that_takes_the_last_units_marks_the_product_sold_out(
    shopper_user: User, jackets_category: Category
) -> None:
    scarf = create(jackets_category, 2)

    order_service.create_order(shopper_user, "A", [(scarf.id, 2)])

    assert stored_state(scarf) == (0, "out")
    assert listed(in_stock=False) == {"Scarf"}


def test_an_order_that_leaves_units_keeps_the_product_in_stock(
    shopper_user: User, jackets_category: Category
) -> None:
    scarf = create(jackets_category, 3)

    order_service.create_order(shopper_user, "A", [(scarf.id, 2)])

    assert stored_state(scarf) == (1, "in")


def test_a_checkout_of_the_last_units_marks_the_product_sold_out(
    shopper_user: User, jackets_category: Category
) -> None:
    scarf = create(jackets_category, 1)
    cart_service.add_item(UserCartOwner(shopper_user.id), scarf.id, 1)

    cart_service.checkout(shopper_user, "A")

    assert stored_state(scarf) == (0, "out")


def test_cancelling_an_order_puts_a_sold_out_product_back_in_stock(
    shopper_user: User, jackets_category: Category
) -> None:
    scarf = create(jackets_category, 1)
    reply = order_service.create_order(shopper_user, "A", [(scarf.id, 1)])

    order_service.update_order(
        shopper_user, reply.order_id, OrderChanges(status=OrderStatus.CANCELLED)
    )

    assert stored_state(scarf) == (1, "in")
    assert listed(in_stock=True) == {"Scarf"}


def test_deleting_an_unshipped_order_puts_a_sold_out_product_back_in_stock(
    staff_user: User, shopper_user: User, jackets_category: Category
) -> None:
    scarf = create(jackets_category, 1)
    reply = order_service.create_order(shopper_user, "A", [(scarf.id, 1)])

    order_service.delete_order(staff_user, reply.order_id)

    assert stored_state(scarf) == (1, "in")


def test_a_staff_restock_puts_a_sold_out_product_back_in_stock(jackets_category: Category) -> None:
    scarf = create(jackets_category, 0)

    catalog.update_product(scarf.id, ProductChanges(stock=4))

    assert stored_state(scarf) == (4, "in")


def test_a_staff_edit_that_empties_the_stock_marks_the_product_sold_out(
    jackets_category: Category,
) -> None:
    scarf = create(jackets_category, 4)

    catalog.update_product(scarf.id, ProductChanges(stock=0, name="Old scarf"))

    assert stored_state(scarf) == (0, "out")
    assert listed(in_stock=False) == {"Old scarf"}


def test_the_backfill_sets_the_stock_state_of_products_written_before_it(
    jackets_category: Category,
) -> None:
    stocked, sold_out = (
        create(jackets_category, 3, "Stocked"),
        create(jackets_category, 0, "Sold out"),
    )
    for product in (stocked, sold_out):
        leaving_version_alone(ProductRecord(product.id)).update(
            actions=[ProductRecord.stock_state.remove()]
        )

    assert (backfill_filter_keys(), backfill_filter_keys()) == (2, 0)
    assert (stored_state(stocked), stored_state(sold_out)) == ((3, "in"), (0, "out"))


def test_checkouts_of_the_last_units_racing_a_restock_leave_the_state_matching_the_stock(
    staff_user: User, jackets_category: Category, concurrently: Concurrently
) -> None:
    scarf = create(jackets_category, 3)
    shoppers = [new_shopper(n) for n in range(6)]
    for user in shoppers:
        cart_service.add_item(UserCartOwner(user.id), scarf.id, 1)
    checkouts: list[Callable[[], Any]] = [
        lambda user=user: cart_service.checkout(user, "A") for user in shoppers
    ]

    def restock() -> Product:  # lands before, between or after the sales that empty it
        return catalog.update_product(scarf.id, ProductChanges(stock=1))

    outcomes = concurrently([*checkouts, restock])

    assert all(isinstance(o, Reply | BusinessRuleViolated) for o in outcomes[:-1]), outcomes
    stock, state = stored_state(scarf)
    assert state == ("in" if stock > 0 else "out")
    assert (listed(in_stock=stock > 0), listed(in_stock=stock <= 0)) == ({"Scarf"}, set())


def test_orders_taking_the_last_units_of_a_refilled_product_keep_the_state_right(
    staff_user: User, jackets_category: Category, concurrently: Concurrently
) -> None:
    """Direct orders of two units and of one race on a stock of three, then again after a
    refill, so that the one taking the last units is sometimes the one that read more."""
    scarf = create(jackets_category, 3)
    shoppers = [new_shopper(n) for n in range(4)]
    for _ in range(2):
        concurrently(
            [
                lambda user=user, n=n: order_service.create_order(
                    user, "A", [(scarf.id, 1 + n % 2)]
                )
                for n, user in enumerate(shoppers)
            ]
        )
        stock, state = stored_state(scarf)
        assert state == ("in" if stock > 0 else "out")
        catalog.update_product(scarf.id, ProductChanges(stock=3))
