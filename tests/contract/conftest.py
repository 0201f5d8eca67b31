"""The repository contract suite: every test here runs twice, against the DynamoDB store
(over the moto server, tables emptied for each test) and against the in-memory store
(``chalicelib.local.memory``), through the one door the use cases use
(``chalicelib.services.storage.store``). The in-memory store is what the fast service
tests run on; passing the same tests as DynamoDB is what keeps it honest."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from chalicelib.services.storage import DYNAMODB, IN_MEMORY, store, using_store


@pytest.fixture(params=[DYNAMODB, IN_MEMORY], ids=["dynamodb", "memory"])
def backend(request: pytest.FixtureRequest) -> Iterator[Any]:
    """``store``, serving from one store after the other, empty at the start."""
    if request.param == DYNAMODB:
        request.getfixturevalue("store")  # the emulator's tables, emptied
    else:
        from chalicelib.local.memory import core

        core.reset()
    with using_store(request.param):
        yield store


@pytest.fixture(scope="module")
def saved_emulator_catalog() -> dict[str, Any]:
    """A module's read-only catalog as first written to the emulator, and how to put it
    back (``catalog_records.written_once``)."""
    return {}
