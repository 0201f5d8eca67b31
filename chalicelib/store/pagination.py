"""One Query per page, with opaque cursors that only this API issues.

A cursor is the key the next page starts after, tagged with the index it belongs to and a
digest, so that a cursor from another list, or one a client made up, is refused.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from pynamodb.expressions.condition import Condition
from pynamodb.indexes import Index

from chalicelib.errors import InvalidInput
from chalicelib.store.models import ShopModel

RecordT = TypeVar("RecordT", bound=ShopModel)
ItemT = TypeVar("ItemT")

_CURSOR_CONTEXT = b"shop-api-cursor-v1"


@dataclass
class Page[ItemT]:
    items: list[ItemT]
    next_cursor: str | None


def _digest(payload: bytes) -> str:
    return hashlib.sha256(_CURSOR_CONTEXT + payload).hexdigest()[:16]


def encode_cursor(scope: str, key: dict[str, Any]) -> str:
    payload = json.dumps({"s": scope, "k": key}, sort_keys=True, separators=(",", ":"))
    raw = payload.encode()
    token = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    return f"{token}.{_digest(raw)}"


def decode_cursor(scope: str, cursor: str, key_names: set[str]) -> dict[str, Any]:
    invalid = InvalidInput.on("cursor", "Invalid cursor.")
    token, _, digest = cursor.partition(".")
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except ValueError:
        raise invalid from None
    # The digest is checked before parsing, so a made-up payload is never parsed (a deeply
    # nested one would exhaust the parser's recursion).
    if digest != _digest(raw):
        raise invalid
    try:
        decoded = json.loads(raw)
    except ValueError:
        raise invalid from None
    if not isinstance(decoded, dict) or decoded.get("s") != scope:
        raise invalid
    key = decoded.get("k")
    if not isinstance(key, dict) or set(key) != key_names:
        raise invalid
    return key


def _key_names(model: type[ShopModel], index: Index[Any]) -> set[str]:
    """The attributes of a LastEvaluatedKey on this index: the table key and the index key."""
    names = {model._hash_key_attribute().attr_name}
    table_range_key = model._range_key_attribute()
    if table_range_key is not None:
        names.add(table_range_key.attr_name)
    names.update(
        attribute.attr_name
        for attribute in index.Meta.attributes.values()
        if attribute.is_hash_key or attribute.is_range_key
    )
    return names


def query_page[RecordT: ShopModel, ItemT](
    model: type[RecordT],
    index: Index[Any],
    hash_value: Any,
    *,
    convert: Callable[[RecordT], ItemT],
    scope: str,
    limit: int,
    cursor: str | None,
    ascending: bool = True,
    range_condition: Condition | None = None,
    filter_condition: Condition | None = None,
) -> Page[ItemT]:
    """Read at most ``limit + 1`` index entries in one Query.

    The extra entry tells whether anything follows without a second request. With a
    filter, fewer than ``limit`` may match; the cursor then continues after what was read.
    """
    key_names = _key_names(model, index)
    start_key = None
    if cursor is not None:
        start_key = decode_cursor(scope, cursor, key_names)
    results = index.query(
        hash_value,
        range_key_condition=range_condition,
        filter_condition=filter_condition,
        scan_index_forward=ascending,
        page_size=limit + 1,
        last_evaluated_key=start_key,
    )
    raw_page = next(results.page_iter)
    raw_items = raw_page.get("Items", [])
    next_key = raw_page.get("LastEvaluatedKey")
    if len(raw_items) > limit:
        raw_items = raw_items[:limit]
        next_key = {name: raw_items[-1][name] for name in key_names}
    items = [convert(model.from_raw_data(item)) for item in raw_items]
    next_cursor = encode_cursor(scope, next_key) if next_key else None
    return Page(items, next_cursor)
