"""BatchGetItem across tables: one round trip for records that live in different tables."""

from __future__ import annotations

from typing import Any

from chalicelib.store.models import ShopModel, shared_connection

MAX_UNPROCESSED_ROUNDS = 3


def batch_get_one_each(
    requests: list[tuple[type[ShopModel], dict[str, Any]]],
) -> list[ShopModel | None]:
    """Strongly consistent read of one item per (model, raw key), in the given order."""
    client = shared_connection().client
    request_items: dict[str, Any] = {}
    for model, key in requests:
        table = request_items.setdefault(
            model.Meta.table_name, {"Keys": [], "ConsistentRead": True}
        )
        table["Keys"].append(key)
    found: dict[str, list[dict[str, Any]]] = {}
    for _ in range(MAX_UNPROCESSED_ROUNDS):
        response = client.batch_get_item(RequestItems=request_items)
        for table_name, items in response.get("Responses", {}).items():
            found.setdefault(table_name, []).extend(items)
        request_items = response.get("UnprocessedKeys") or {}
        if not request_items:
            break
    results: list[ShopModel | None] = []
    for model, key in requests:
        match = next(
            (
                item
                for item in found.get(model.Meta.table_name, [])
                if all(item.get(name) == value for name, value in key.items())
            ),
            None,
        )
        results.append(model.from_raw_data(match) if match is not None else None)
    return results
