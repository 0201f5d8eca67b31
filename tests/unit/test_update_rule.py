"""One rule for PUT and PATCH on every resource, as DRF applies it: a field the client
sent changes, a field it left out keeps its value. PUT's schema requires what create
requires; its defaults are not values sent."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from chalicelib.domain.accounts import UserChanges
from chalicelib.domain.catalog import ProductChanges
from chalicelib.domain.changes import UNSET
from chalicelib.domain.entities import Product, User
from chalicelib.domain.orders import OrderChanges, OrderStatus
from chalicelib.schemas import catalog, orders, ratings, users
from chalicelib.schemas.validation import validate

NOW = datetime(2025, 4, 17, tzinfo=UTC)
PARKA = Product(
    id=1, name="Parka", price=Decimal("99.00"), category_id=2, category_name="Coats",
    created_at=NOW, stock=5, description="Warm", color="Red", size="L",
)  # fmt: skip


def test_a_put_keeps_the_optional_fields_it_leaves_out() -> None:
    sent = validate(catalog.ProductCreate, {"name": "Anorak", "price": "80", "category": 2})

    changed = catalog.product_changes(sent).applied_to(PARKA)

    assert (changed.name, changed.price, changed.stock, changed.color) == (
        "Anorak", Decimal("80"), 5, "Red",
    )  # fmt: skip


def test_a_patch_changes_only_what_it_sends() -> None:
    sent = validate(catalog.ProductPatch, {"stock": 0})

    assert catalog.product_changes(sent) == ProductChanges(stock=0)


def test_a_null_for_a_field_that_cannot_be_null_changes_nothing() -> None:
    sent = validate(catalog.ProductPatch, {"name": None, "color": ""})

    assert catalog.product_changes(sent) == ProductChanges(color="")


def test_a_null_phone_clears_it_and_a_phone_left_out_stays() -> None:
    cleared = users.user_changes(validate(users.UserPatch, {"phone": None}))
    kept = users.user_changes(validate(users.UserPatch, {"first_name": "Ann"}))

    assert (cleared, kept.phone) == (UserChanges(phone=None), UNSET)


def test_a_user_put_leaves_the_role_and_password_alone_when_not_sent() -> None:
    ann = User(1, "ann", "ann@example.com", "hash", NOW, first_name="Ann", is_staff=True)
    sent = validate(users.UserReplace, {"username": "ann2", "email": "a@example.com"})

    changed = users.user_changes(sent).applied_to(ann)

    assert (changed.username, changed.first_name, changed.is_staff) == ("ann2", "Ann", True)
    assert users.user_changes(sent).password is UNSET


def test_a_rating_put_keeps_the_comment_it_leaves_out() -> None:
    changes = ratings.rating_changes(validate(ratings.RatingReplace, {"rating": 4}))

    assert (changes.rating, changes.comment, changes.product_id) == (4, UNSET, UNSET)


def test_an_order_put_without_a_status_keeps_the_status() -> None:
    sent = validate(orders.OrderReplace, {"shipping_address": "2 Main St"})

    assert orders.order_changes(sent) == OrderChanges(shipping_address="2 Main St")


def test_an_order_patch_of_the_status_keeps_the_address() -> None:
    sent = validate(orders.OrderPatch, {"status": "Cancelled"})

    assert orders.order_changes(sent) == OrderChanges(status=OrderStatus.CANCELLED)
