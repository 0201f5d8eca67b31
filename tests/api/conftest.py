"""HTTP behaviour through Chalice's test client: the whole app, middleware included,
against the moto server."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from chalice.test import Client
from helpers import PASSWORD, Api, Catalog, People, login, signup
from log_capture import log_lines  # noqa: F401  (a fixture of every API test)


@pytest.fixture
def chalice_client(store: None) -> Iterator[Client]:
    from app import app

    with Client(app, stage_name="test") as client:
        yield client


def shares_tables(request: pytest.FixtureRequest) -> bool:
    """A test module that sets ``SHARED_TABLES = True`` gets the ``shared_*`` fixtures below
    for ``api``, ``staff``, ``shopper``, ``catalog`` and ``people``: tables emptied once per
    module instead of once per test."""
    return bool(getattr(request.module, "SHARED_TABLES", False))


@pytest.fixture
def api(request: pytest.FixtureRequest) -> Api:
    if shares_tables(request):
        return request.getfixturevalue("shared_api")  # type: ignore[no-any-return]
    return Api(request.getfixturevalue("chalice_client"))


@pytest.fixture
def shopper(request: pytest.FixtureRequest, api: Api) -> Api:
    if shares_tables(request):
        return request.getfixturevalue("shared_shopper")  # type: ignore[no-any-return]
    signup(api, "shopper")
    return api.as_token(login(api, "shopper"))


@pytest.fixture
def staff(request: pytest.FixtureRequest, api: Api) -> Api:
    if shares_tables(request):
        return request.getfixturevalue("shared_staff")  # type: ignore[no-any-return]
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
    return Catalog(staff)  # the shared staff client with shared tables


@pytest.fixture
def people(api: Api) -> People:
    return People(api)


@pytest.fixture(scope="module")
def shared_api(emulator: object) -> Iterator[Api]:
    """One client over tables emptied once per module, for modules whose tests only read
    what module-scoped fixtures wrote (or are refused before writing anything). Emptying
    the tables costs more than most tests, so read-only suites share them. A module that
    sets ``SHARED_TABLES`` instead of using this directly, so that ``api`` is this client."""
    from emptied import empty_store

    from app import app

    empty_store(emulator)
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
