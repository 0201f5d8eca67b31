"""What each request path costs in DynamoDB calls, counted at the botocore client: the
budgeted paths stay within their budgets, and no path a client calls in normal use Scans."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest
from helpers import CLIENT_ADDRESS, PASSWORD

from chalicelib.domain.accounts import NewUser, UserChanges
from chalicelib.domain.catalog import CategoryChanges, NewProduct, ProductChanges, ProductQuery
from chalicelib.domain.entities import Category, Product, User
from chalicelib.errors import ShopError
from chalicelib.services import accounts, auth, catalog
from chalicelib.store import users

if TYPE_CHECKING:
    from call_recorder import DynamoDBCalls

CATALOG_SIZE = 12


@dataclass
class Shop:
    staff: User
    shopper: User
    category: Category
    products: list[Product]
    shopper_token: str


@pytest.fixture(scope="module")
def saved_shop(emulator: Any) -> tuple[Shop, Callable[[], None]]:
    """The shop, written once for the module, and what puts it back as it was."""
    from emptied import empty_store, saved_store

    empty_store(emulator)
    staff = accounts.create_superuser("staff", "staff@example.com", PASSWORD)
    shopper = accounts.signup(
        NewUser(username="shopper", email="shopper@example.com", password=PASSWORD)
    )
    category = catalog.create_category("Jackets")
    products = [
        catalog.create_product(
            NewProduct(
                name=f"Product {number}",
                price=Decimal(number),
                stock=number % 3,
                color="Blue" if number % 2 else "Red",
                category_id=category.id,
            ),
        )
        for number in range(CATALOG_SIZE)
    ]
    token = auth.login("shopper", PASSWORD, CLIENT_ADDRESS).token
    return Shop(staff, shopper, category, products, token), saved_store()


@pytest.fixture
def shop(store: None, saved_shop: tuple[Shop, Callable[[], None]]) -> Shop:
    """The module's shop, as it was before any test changed it (some paths write)."""
    written, restore = saved_shop
    restore()
    return written


def calls_of(recorder: DynamoDBCalls, path: Callable[[], Any]) -> list[str]:
    with recorder.counting():
        path()
    return recorder.operations


def test_reading_a_product_costs_one_call(shop: Shop, dynamodb_calls: DynamoDBCalls) -> None:
    assert calls_of(dynamodb_calls, lambda: catalog.get_product(shop.products[0].id)) == ["GetItem"]


def test_reading_a_category_costs_one_call(shop: Shop, dynamodb_calls: DynamoDBCalls) -> None:
    assert calls_of(dynamodb_calls, lambda: catalog.get_category(shop.category.id)) == ["GetItem"]


def test_listing_categories_costs_one_call(shop: Shop, dynamodb_calls: DynamoDBCalls) -> None:
    assert calls_of(dynamodb_calls, lambda: catalog.list_categories(20, None)) == ["Query"]


@pytest.mark.parametrize("ordering", [None, "price", "-price", "name", "-name", "-created_at"])
def test_a_page_of_products_costs_one_call(
    shop: Shop, dynamodb_calls: DynamoDBCalls, ordering: str | None
) -> None:
    query = ProductQuery(limit=20, ordering=ordering)

    assert calls_of(dynamodb_calls, lambda: catalog.list_products(query)) == ["Query"]


def test_a_page_of_a_categorys_products_costs_two_calls(
    shop: Shop, dynamodb_calls: DynamoDBCalls
) -> None:
    query = ProductQuery(limit=20, category_id=shop.category.id)

    assert calls_of(dynamodb_calls, lambda: catalog.list_category_products(query)) == [
        "GetItem",
        "Query",
    ]


def test_a_page_reads_one_item_more_than_it_serves(
    shop: Shop, dynamodb_calls: DynamoDBCalls
) -> None:
    with dynamodb_calls.counting():
        page = catalog.list_products(ProductQuery(limit=5))

    assert len(page.items) == 5
    assert [call.params["Limit"] for call in dynamodb_calls.calls] == [6]


def test_a_filtered_page_still_reads_one_page(shop: Shop, dynamodb_calls: DynamoDBCalls) -> None:
    query = ProductQuery(limit=5, color="Blue", in_stock=True, search="product")

    assert calls_of(dynamodb_calls, lambda: catalog.list_products(query)) == ["Query"]


def test_a_login_costs_three_calls(shop: Shop, dynamodb_calls: DynamoDBCalls) -> None:
    operations = calls_of(dynamodb_calls, lambda: auth.login("shopper", PASSWORD, CLIENT_ADDRESS))

    # The session is written together with the check that no failure counter reached its
    # limit meanwhile.
    assert operations == ["BatchGetItem", "GetItem", "TransactWriteItems"]


def test_authenticating_a_token_costs_one_call(shop: Shop, dynamodb_calls: DynamoDBCalls) -> None:
    operations = calls_of(dynamodb_calls, lambda: auth.authenticate(shop.shopper_token))

    assert operations == ["BatchGetItem"]


def test_authenticating_reads_the_session_consistently(
    shop: Shop, dynamodb_calls: DynamoDBCalls
) -> None:
    with dynamodb_calls.counting():
        auth.authenticate(shop.shopper_token)

    request_items = dynamodb_calls.calls[0].params["RequestItems"]
    assert all(table["ConsistentRead"] for table in request_items.values())


def test_finding_a_user_by_username_costs_one_get(
    shop: Shop, dynamodb_calls: DynamoDBCalls
) -> None:
    assert calls_of(dynamodb_calls, lambda: users.find_user_id_by_username("SHOPPER")) == [
        "GetItem"
    ]


def request_paths(shop: Shop) -> dict[str, Callable[[], Any]]:
    """Every path of the services and stores in normal use, by name."""
    staff, shopper, category, product = shop.staff, shop.shopper, shop.category, shop.products[0]
    _, session = auth.authenticate(shop.shopper_token)
    paths: dict[str, Callable[[], Any]] = {
        "signup": lambda: accounts.signup(
            NewUser(username="newcomer", email="new@example.com", password=PASSWORD)
        ),
        "signup with a taken username": lambda: accounts.signup(
            NewUser(username="SHOPPER", email="x@example.com", password=PASSWORD)
        ),
        "login": lambda: auth.login("shopper", PASSWORD, CLIENT_ADDRESS),
        "failed login": lambda: auth.login("shopper", "wrong-password", CLIENT_ADDRESS),
        "login of an unknown user": lambda: auth.login("nobody", PASSWORD, CLIENT_ADDRESS),
        "authenticate": lambda: auth.authenticate(shop.shopper_token),
        "logout": lambda: auth.logout(session),
        "find user by username": lambda: users.find_user_id_by_username("shopper"),
        "get own user": lambda: accounts.get_user(shopper, shopper.id),
        "list users as staff": lambda: accounts.list_users(staff, 20, None),
        "update own profile": lambda: accounts.update_user(
            shopper, shopper.id, UserChanges(first_name="Sam", username="sam"), session
        ),
        "change own password": lambda: accounts.update_user(
            shopper, shopper.id, UserChanges(password="new-horse-10"), session
        ),
        "delete own user": lambda: accounts.delete_user(shopper, shopper.id),
        "get category": lambda: catalog.get_category(category.id),
        "list categories": lambda: catalog.list_categories(20, None),
        "create category": lambda: catalog.create_category("Hats"),
        "rename category": lambda: catalog.update_category(
            category.id, CategoryChanges(name="Coats")
        ),
        "delete category": lambda: catalog.delete_category(category.id),
        "get product": lambda: catalog.get_product(product.id),
        "create product": lambda: catalog.create_product(
            NewProduct(name="Hat", price=Decimal(5), category_id=category.id)
        ),
        "update product": lambda: catalog.update_product(product.id, ProductChanges(stock=4)),
        "delete product": lambda: catalog.delete_product(product.id),
        "category products": lambda: catalog.list_category_products(
            ProductQuery(limit=5, category_id=category.id, ordering="-price")
        ),
    }
    for ordering in ("created_at", "-created_at", "price", "-price", "name", "-name"):
        for filters in ({}, {"min_price": Decimal(2), "max_price": Decimal(8), "color": "Blue"}):
            query = ProductQuery(limit=5, ordering=ordering, search="prod", **filters)
            paths[f"products by {ordering} {sorted(filters)}"] = lambda query=query: (
                catalog.list_products(query)
            )
    return paths


PATH_NAMES = [
    "signup",
    "signup with a taken username",
    "login",
    "failed login",
    "login of an unknown user",
    "authenticate",
    "logout",
    "find user by username",
    "get own user",
    "list users as staff",
    "update own profile",
    "change own password",
    "delete own user",
    "get category",
    "list categories",
    "create category",
    "rename category",
    "delete category",
    "get product",
    "create product",
    "update product",
    "delete product",
    "category products",
]


@pytest.mark.parametrize("name", PATH_NAMES)
def test_no_request_path_scans_a_table(
    shop: Shop, dynamodb_calls: DynamoDBCalls, name: str
) -> None:
    path = request_paths(shop)[name]
    # Refusals are request paths too.
    with dynamodb_calls.counting(), contextlib.suppress(ShopError):
        path()

    assert dynamodb_calls.operations, "the path made no call at all"
    assert "Scan" not in dynamodb_calls.operations


def test_no_product_list_scans_a_table(shop: Shop, dynamodb_calls: DynamoDBCalls) -> None:
    lists = {name: path for name, path in request_paths(shop).items() if name.startswith("prod")}
    with dynamodb_calls.counting():
        for path in lists.values():
            path()

    assert dynamodb_calls.per_operation() == {"Query": len(lists)}
