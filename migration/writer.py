"""Idempotent bulk writes: items are compared with what the tables hold (one BatchGetItem
per 100 items) and only those that differ are written (BatchWriteItem, 25 items a call).
A rerun of the same dump therefore writes nothing, and a rerun after an interrupted import
writes what is missing.

Which keys a table holds is learnt first from one keys-only Scan of it, so items that are
not there yet (all of them, the first time) are written without being read."""

from __future__ import annotations

import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from pynamodb.connection import Connection
from pynamodb.exceptions import UpdateError

from chalicelib.config import get_settings
from chalicelib.store.models import ShopModel, bind_models
from chalicelib.store.models.counters import CounterRecord
from chalicelib.store.unit_of_work import condition_failed

READ_BATCH = 100
WRITE_BATCH = 25
MAX_ROUNDS = 8

# Called once per item with its label and whether it was written (else unchanged).
Outcome = Callable[[Any, bool], None]


def comparable(value: dict[str, Any]) -> Any:
    """A DynamoDB attribute value as plain Python, numbers as Decimal, so that "16800.00"
    and the "16800" DynamoDB gives back compare equal."""
    ((kind, raw),) = value.items()
    if kind == "N":
        return Decimal(raw)
    if kind == "M":
        return {name: comparable(item) for name, item in raw.items()}
    if kind == "L":
        return [comparable(item) for item in raw]
    if kind == "NS":
        return {Decimal(item) for item in raw}
    if kind in ("SS", "BS"):
        return set(raw)
    return raw


def same_item(stored: dict[str, Any] | None, wanted: dict[str, Any]) -> bool:
    if stored is None or stored.keys() != wanted.keys():
        return False
    return all(comparable(stored[name]) == comparable(wanted[name]) for name in wanted)


class BatchWriter:
    """Collects (label, record) pairs of any tables and flushes them 100 at a time."""

    def __init__(self, outcome: Outcome) -> None:
        bind_models()
        settings = get_settings()
        # Not the API's limits (2 s reads, one retry): a bulk load waits for the database.
        self.client = Connection(
            region=settings.aws_region,
            host=settings.aws_endpoint_url,
            connect_timeout_seconds=10,
            read_timeout_seconds=120,
            max_retry_attempts=5,
        ).client
        self.outcome = outcome
        self.pending: dict[tuple[str, str], tuple[Any, str, dict[str, Any], dict[str, Any]]] = {}
        self.writes = 0
        self.existing: dict[str, set[str]] = {}

    def add(self, label: Any, record: ShopModel) -> None:
        table = record.Meta.table_name
        item = record.serialize()
        key = _key_of(record, item)
        if table not in self.existing:
            self.existing[table] = self._keys_in(table, list(key))
        identity = (table, repr(sorted(key.items())))
        if identity in self.pending:
            self.flush()
        self.pending[identity] = (label, table, key, item)
        if len(self.pending) >= READ_BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        batch = list(self.pending.values())
        self.pending = {}
        stored = self._read(
            [
                (table, key)
                for _, table, key, _ in batch
                if repr(sorted(key.items())) in self.existing[table]
            ]
        )
        to_write: list[tuple[str, dict[str, Any]]] = []
        for label, table, key, item in batch:
            changed = not same_item(stored.get((table, repr(sorted(key.items())))), item)
            if changed:
                to_write.append((table, {"PutRequest": {"Item": item}}))
            self.outcome(label, changed)
        for start in range(0, len(to_write), WRITE_BATCH):
            request: dict[str, list[dict[str, Any]]] = {}
            for table, put in to_write[start : start + WRITE_BATCH]:
                request.setdefault(table, []).append(put)
            self._write(request)

    def _keys_in(self, table: str, key_names: list[str]) -> set[str]:
        names = {f"#k{number}": name for number, name in enumerate(key_names)}
        keys: set[str] = set()
        paginator = self.client.get_paginator("scan")
        pages = paginator.paginate(
            TableName=table,
            ProjectionExpression=", ".join(names),
            ExpressionAttributeNames=names,
            ConsistentRead=True,
        )
        for page in pages:
            for item in page.get("Items", []):
                keys.add(repr(sorted({name: item[name] for name in key_names}.items())))
        return keys

    def _read(self, keys: list[tuple[str, dict[str, Any]]]) -> dict[tuple[str, str], Any]:
        if not keys:
            return {}
        request: dict[str, Any] = {}
        for table, key in keys:
            request.setdefault(table, {"Keys": [], "ConsistentRead": True})["Keys"].append(key)
        found: dict[tuple[str, str], Any] = {}
        key_names = {table: list(key) for table, key in keys}
        for attempt in range(MAX_ROUNDS):
            response = self.client.batch_get_item(RequestItems=request)
            for table, items in response.get("Responses", {}).items():
                for item in items:
                    key = {name: item[name] for name in key_names[table]}
                    found[(table, repr(sorted(key.items())))] = item
            request = response.get("UnprocessedKeys") or {}
            if not request:
                return found
            time.sleep(min(2.0, 0.05 * 2**attempt))
        raise RuntimeError("DynamoDB kept refusing reads (throttled); run the import again")

    def _write(self, request: dict[str, list[dict[str, Any]]]) -> None:
        for attempt in range(MAX_ROUNDS):
            self.writes += 1
            response = self.client.batch_write_item(RequestItems=request)
            request = response.get("UnprocessedItems") or {}
            if not request:
                return
            time.sleep(min(2.0, 0.05 * 2**attempt))
        raise RuntimeError("DynamoDB kept refusing writes (throttled); run the import again")


def _key_of(record: ShopModel, item: dict[str, Any]) -> dict[str, Any]:
    names = [name for name, attribute in record.get_attributes().items() if attribute.is_hash_key]
    names += [name for name, attribute in record.get_attributes().items() if attribute.is_range_key]
    return {
        record.get_attributes()[name].attr_name: item[record.get_attributes()[name].attr_name]
        for name in names
    }


def raise_counter(name: str, at_least: int) -> bool:
    """Make the counter ``name`` at least ``at_least`` (never lower it); True if it moved."""
    if at_least < 1:
        return False
    bind_models()
    try:
        CounterRecord(name).update(
            actions=[CounterRecord.value.set(at_least)],
            condition=CounterRecord.value.does_not_exist() | (CounterRecord.value < at_least),
        )
    except UpdateError as error:
        if condition_failed(error):
            return False
        raise
    return True
