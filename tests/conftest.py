"""Shared fixtures. Integration, API and end-to-end tests run against a real moto server
over HTTP, the same emulator `make run` uses; unit tests need none of it."""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from helpers import PASSWORD

if TYPE_CHECKING:
    from chalicelib.domain.entities import Category, Product, User

# The test stage: its own table prefix and a low password work factor, which the settings
# allow only in local stages. Set before anything reads the settings.
TEST_ENVIRONMENT = {
    "STAGE": "test",
    "TABLE_PREFIX": "shop-test-",
    "MEDIA_BUCKET": "shop-test-media",
    "PASSWORD_ITERATIONS": "1000",
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}
os.environ.update(TEST_ENVIRONMENT)
# The key page cursors are signed with: random per run, shared with the servers the tests
# start (they inherit the environment), so a cursor one of them issued is valid in another.
os.environ.setdefault("CURSOR_SECRET", secrets.token_urlsafe(32))
# moto's request recorder (used to count DynamoDB calls) reads its path at import. One
# file per process: parallel test workers inherit the environment of the process that
# started them, and a shared file would count one worker's calls in another's budget.
RECORDING = os.path.join(tempfile.gettempdir(), f"moto-recording-{os.getpid()}")
os.environ["MOTO_RECORDER_FILEPATH"] = RECORDING
for variable in ("AWS_PROFILE", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL_S3"):
    os.environ.pop(variable, None)


@pytest.fixture(scope="session")
def emulator() -> Iterator[object]:
    from chalicelib.config import reset_settings
    from chalicelib.local.emulator import Emulator, free_ports

    server = Emulator(free_ports(1)[0]).start()
    os.environ["AWS_ENDPOINT_URL"] = server.url
    reset_settings()
    yield server
    server.stop()
    if os.path.exists(RECORDING):
        os.remove(RECORDING)


@pytest.fixture
def store(emulator: object) -> Iterator[None]:
    """Empty tables and bucket for one test."""
    from emptied import empty_store

    empty_store(emulator)
    yield


# The use cases' users and category, as domain objects. tests/api's `staff` and `shopper`
# are other things (clients signed in as them), hence the different names.
@pytest.fixture
def staff_user(store: None) -> User:
    """The superuser "staff", created through the use case."""
    from chalicelib.services.accounts import create_superuser

    return create_superuser("staff", "staff@example.com", PASSWORD)


@pytest.fixture
def shopper_user(store: None) -> User:
    """The user "shopper", signed up through the use case."""
    from chalicelib.domain.accounts import NewUser
    from chalicelib.services.accounts import signup

    return signup(NewUser(username="shopper", email="shopper@example.com", password=PASSWORD))


@pytest.fixture
def jackets_category(staff_user: User) -> Category:
    """The category "Jackets", created through the use case."""
    from chalicelib.services.catalog import create_category

    return create_category("Jackets")


@pytest.fixture
def parka(staff_user: User, jackets_category: Category) -> Product:
    """A parka at 99.00, 10 in stock, in the "Jackets" category."""
    from decimal import Decimal

    from chalicelib.domain.catalog import NewProduct
    from chalicelib.services.catalog import create_product

    fields = NewProduct(
        name="Parka", price=Decimal("99.00"), stock=10, category_id=jackets_category.id
    )
    return create_product(fields)


# Two products rated by three users, for the lists of ratings.
@pytest.fixture
def parka_and_cap(staff_user: User, jackets_category: Category) -> list[Product]:
    from decimal import Decimal

    from chalicelib.domain.catalog import NewProduct
    from chalicelib.services.catalog import create_product

    return [
        create_product(NewProduct(name=name, price=Decimal(10), category_id=jackets_category.id))
        for name in ("Parka", "Cap")
    ]


@pytest.fixture
def raters(store: None) -> list[User]:
    from helpers import make_user

    return [make_user(name) for name in ("zoe", "ann", "max")]


@pytest.fixture
def rating_ids(parka_and_cap: list[Product], raters: list[User]) -> list[int]:
    """Ratings made product by product, so that user order and id order differ."""
    from chalicelib.services import ratings

    return [
        ratings.rate(user, product.id, 3, "")[0].id for product in parka_and_cap for user in raters
    ]


# The modules that take longest (measured: schemathesis ~40 s, the signal and data tests of
# `make run` ~15-20 s each, the deploy rehearsal ~20 s ...) start first. pytest-xdist
# hands whole modules to its workers in collection order (`make test` passes
# --no-loadscope-reorder; its default order, by number of tests, would hand these
# few-test modules out last), and a long module handed out last keeps one worker busy
# while the other has nothing left to do.
LONGEST_FIRST = (
    "tests/e2e/test_schemathesis.py",
    "tests/e2e/test_local_signals.py",
    "tests/deploy/test_deploy_rehearsal.py",
    "tests/e2e/test_local_data.py",
    "tests/api/test_storage_timeouts.py",
    "tests/e2e/test_local_messages.py",
    "tests/api/test_images.py",
    "tests/api/test_import_django.py",
    "tests/deploy/test_template_lint.py",
    "tests/e2e/test_checkout_races.py",
    "tests/e2e/test_stack_lifecycle.py",
    "tests/e2e/test_docs_in_browser.py",
    "tests/deploy/test_deploy_recovery.py",
    "tests/e2e/test_stack_concurrency.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {path: position for position, path in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.partition("::")[0], len(rank)))
