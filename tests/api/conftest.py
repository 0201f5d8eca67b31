"""HTTP behaviour through Chalice's test client: the whole app, middleware included, over
the in-memory store (``chalicelib.local.memory``), which the repository contract suite
(tests/contract/) holds equal to the DynamoDB store. A module about what only DynamoDB, S3
or botocore do (timeouts, the emulator's failures, the client's retry settings, the
Django import's batch writes) is marked ``pytestmark = pytest.mark.dynamodb`` and runs
against the moto server."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from chalice.test import Client
from helpers import PASSWORD, Api, Catalog, People, login, signup
from log_capture import log_lines  # noqa: F401  (a fixture of every API test)

from chalicelib.services.storage import DYNAMODB, IN_MEMORY, using_store


@pytest.fixture(scope="module", autouse=True)
def served_store(request: pytest.FixtureRequest) -> Iterator[str]:
    """The store the module's use cases run on (see the module's docstring)."""
    if request.node.get_closest_marker("dynamodb"):
        yield DYNAMODB
    else:
        with using_store(IN_MEMORY):
            yield IN_MEMORY


@pytest.fixture
def store(served_store: str, request: pytest.FixtureRequest) -> None:
    """The served store, empty for one test."""
    from emptied import empty_served_store

    empty_served_store(lambda: request.getfixturevalue("emulator"))


@pytest.fixture
def chalice_client(store: None) -> Iterator[Client]:
    from app import app

    with Client(app, stage_name="test") as client:
        yield client


@pytest.fixture
def api(chalice_client: Client) -> Api:
    """A client over tables emptied for this test (module_tables.py: once per module)."""
    return Api(chalice_client)


@pytest.fixture
def shopper(api: Api) -> Api:
    signup(api, "shopper")
    return api.as_token(login(api, "shopper"))


@pytest.fixture
def staff(api: Api) -> Api:
    from chalicelib.services.accounts import create_superuser

    create_superuser("staff", "staff@example.com", PASSWORD)
    return api.as_token(login(api, "staff"))


@pytest.fixture
def settings() -> Any:
    """The settings the app reads. A test changes one with ``monkeypatch.setattr``, which
    puts it back afterwards; resetting them instead would rebind every model to new
    connections, which costs about a second."""
    from chalicelib.config import get_settings

    return get_settings()


@pytest.fixture
def catalog(staff: Api) -> Catalog:
    return Catalog(staff)  # over the module's shared tables when it imports module_tables


@pytest.fixture
def jackets(catalog: Catalog) -> dict[str, Any]:
    """The category "Jackets"."""
    return catalog.category("Jackets")


@pytest.fixture
def jacket(catalog: Catalog, jackets: dict[str, Any]) -> dict[str, Any]:
    return catalog.product(jackets, "White Jacket", price="1400.00", stock=5)


@pytest.fixture
def scarf(catalog: Catalog, jackets: dict[str, Any]) -> dict[str, Any]:
    return catalog.product(jackets, "Wool Scarf", price="450.00", stock=9)


@pytest.fixture
def people(api: Api) -> People:
    return People(api)


@pytest.fixture(scope="module")
def shared_api(served_store: str, request: pytest.FixtureRequest) -> Iterator[Api]:
    """One client over tables emptied once per module, for modules whose tests only read
    what module-scoped fixtures wrote (or are refused before writing anything). Emptying
    the tables costs more than most tests, so read-only suites share them (through
    module_tables.py, which makes this the module's ``api``)."""
    from emptied import empty_served_store

    from app import app

    empty_served_store(lambda: request.getfixturevalue("emulator"))
    with Client(app, stage_name="test") as client:
        yield Api(client)


@pytest.fixture(scope="module")
def shared_staff(shared_api: Api) -> Api:
    from chalicelib.services.accounts import create_superuser

    create_superuser("staff", "staff@example.com", PASSWORD)
    return shared_api.as_token(login(shared_api, "staff"))


@pytest.fixture(scope="module")
def shared_catalog(shared_staff: Api) -> Catalog:
    return Catalog(shared_staff)


@pytest.fixture(scope="module")
def shared_people(shared_api: Api) -> People:
    return People(shared_api)


@pytest.fixture(scope="module")
def shared_shopper(shared_people: People) -> Api:
    shared_people.signup("shopper")
    return shared_people.client("shopper")
