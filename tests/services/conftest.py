"""Service rules over the in-memory store (``chalicelib.local.memory``): the use cases
run as in production, with every record kept in Python dicts instead of DynamoDB, so a
rule costs microseconds to check. The repository contract suite (tests/contract/) holds
the in-memory store equal to DynamoDB's; what only DynamoDB, S3 or real concurrency can
show is tested in tests/integration/ against the moto server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from chalicelib.services.storage import IN_MEMORY, using_store


@pytest.fixture(autouse=True)
def store() -> Iterator[None]:
    """An empty in-memory store serving the use cases for one test (the fixtures ``staff_user``,
    ``shopper_user`` and ``jackets_category`` of tests/conftest.py build on it)."""
    from chalicelib.local.memory import core

    core.reset()
    with using_store(IN_MEMORY):
        yield
