"""One Query per page, with opaque cursors that only this API issues.

A cursor is the key the next page starts after, tagged with the list it belongs to and
signed with HMAC-SHA256 under the deployment's cursor key (``store.cursor_keys``):
``<base64url JSON>.<base64url MAC>``. A cursor a client made up or changed, one from
another list, or one signed under a rotated key is refused before it is parsed; a signed
one is still checked to hold exactly the key the index expects, each attribute of its
type within DynamoDB's limits, so nothing but a well-formed key ever reaches a Query.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from pynamodb.constants import NUMBER, STRING
from pynamodb.expressions.condition import Condition
from pynamodb.indexes import Index

from chalicelib.domain.numbers import MAX_SIGNIFICANT_DIGITS
from chalicelib.domain.storage import Page
from chalicelib.errors import InvalidInput
from chalicelib.store.cursor_keys import cursor_key
from chalicelib.store.models import ShopModel

RecordT = TypeVar("RecordT", bound=ShopModel)
ItemT = TypeVar("ItemT")

_CURSOR_CONTEXT = b"shop-api-cursor-v2\x00"
# Far above any cursor this API issues (a key of three short attributes), so a client
# cannot make the server decode and hash megabytes.
MAX_CURSOR_LENGTH = 2048
# DynamoDB's limit on a key attribute's value (a partition key's; a sort key's is 1024).
MAX_KEY_STRING_BYTES = 2048
# Every numeric key of this API is a non-negative integer (ids), written canonically.
_KEY_NUMBER = re.compile(rf"(0|[1-9][0-9]{{0,{MAX_SIGNIFICANT_DIGITS - 1}}})\Z")


def _mac(payload: bytes) -> bytes:
    return hmac.new(cursor_key(), _CURSOR_CONTEXT + payload, hashlib.sha256).digest()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def encode_cursor(scope: str, key: dict[str, Any]) -> str:
    payload = json.dumps({"s": scope, "k": key}, sort_keys=True, separators=(",", ":"))
    raw = payload.encode()
    return f"{_b64(raw)}.{_b64(_mac(raw))}"


def _valid_value(value: Any, attribute_type: str) -> bool:
    """A DynamoDB attribute value of exactly ``attribute_type``: ``{"N": "<integer>"}``
    or ``{"S": "<text>"}``."""
    if not isinstance(value, dict) or list(value) != [attribute_type]:
        return False
    text = value[attribute_type]
    if not isinstance(text, str):
        return False
    if attribute_type == NUMBER:
        return bool(_KEY_NUMBER.match(text))
    if attribute_type == STRING:
        try:
            size = len(text.encode())
        except UnicodeEncodeError:  # a lone surrogate is no text DynamoDB stores
            return False
        return 0 < size <= MAX_KEY_STRING_BYTES
    return False


def decode_cursor(scope: str, cursor: str, key_types: Mapping[str, str]) -> dict[str, Any]:
    """The key ``cursor`` names, when this deployment signed it for ``scope`` and it holds
    exactly the attributes of ``key_types`` (name -> DynamoDB type), else a 400."""
    invalid = InvalidInput.on("cursor", "Invalid cursor.")
    if len(cursor) > MAX_CURSOR_LENGTH or not cursor.isascii():
        raise invalid
    token, _, mac = cursor.partition(".")
    try:
        raw, supplied = _unb64(token), _unb64(mac)
    except (ValueError, binascii.Error):
        raise invalid from None
    # The MAC is checked before parsing, so a made-up payload is never parsed.
    if not hmac.compare_digest(supplied, _mac(raw)):
        raise invalid
    try:
        decoded = json.loads(raw)
    except (ValueError, RecursionError):
        raise invalid from None
    if not isinstance(decoded, dict) or set(decoded) != {"s", "k"} or decoded["s"] != scope:
        raise invalid
    key = decoded["k"]
    if not isinstance(key, dict) or set(key) != set(key_types):
        raise invalid
    if not all(_valid_value(key[name], kind) for name, kind in key_types.items()):
        raise invalid
    return key


def key_types(model: type[ShopModel], index: Index[Any]) -> dict[str, str]:
    """The attributes of a LastEvaluatedKey on this index, the table key and the index
    key, with their DynamoDB types."""
    attributes = [model._hash_key_attribute()]
    table_range_key = model._range_key_attribute()
    if table_range_key is not None:
        attributes.append(table_range_key)
    attributes.extend(
        attribute
        for attribute in index.Meta.attributes.values()
        if attribute.is_hash_key or attribute.is_range_key
    )
    return {attribute.attr_name: attribute.attr_type for attribute in attributes}


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
    key_names = key_types(model, index)
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
