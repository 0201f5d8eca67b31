"""Global secondary indexes that lag behind the table, as DynamoDB's may.

moto answers an index Query from the table's current items, so code that wrongly relies
on an index seeing a write at once passes against it. ``indexes_frozen()`` makes every
index Query of the in-process emulator answer from the items as they were when the block
started, while reads by key and Queries of the table itself stay current: the worst lag an
eventually consistent index can show.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest


@contextmanager
def indexes_frozen(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends
    from moto.dynamodb.models.table import Table

    from chalicelib.config import get_settings

    tables = dynamodb_backends[DEFAULT_ACCOUNT_ID][get_settings().aws_region].tables
    frozen = {name: copy.deepcopy(table.items) for name, table in tables.items()}
    original = Table.query

    def lagging_query(table: Table, *args: Any, **kwargs: Any) -> Any:
        # moto's backend passes the index name as the eighth positional argument.
        index_name = kwargs.get("index_name", args[7] if len(args) > 7 else None)
        global_names = {index.name for index in table.global_indexes}
        if index_name not in global_names or table.name not in frozen:
            return original(table, *args, **kwargs)
        current = table.items
        table.items = frozen[table.name]
        try:
            return original(table, *args, **kwargs)
        finally:
            table.items = current

    monkeypatch.setattr(Table, "query", lagging_query)
    try:
        yield
    finally:
        monkeypatch.setattr(Table, "query", original)
