"""A page of a list kept in id order, as the DynamoDB store's one Query of ``limit + 1``
entries reads it: ``limit`` rows after the cursor's id, and a cursor when more follow,
signed for the same list (``scope``) and holding each row's key on the index as the
DynamoDB store's own record of the row has it."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from chalicelib.domain.storage import Page
from chalicelib.local.memory import core
from chalicelib.store.models import ShopModel
from chalicelib.store.pagination import decode_cursor, encode_cursor


def id_ordered_page[RowT](
    rows: Callable[[], Iterable[RowT]],
    *,
    id_of: Callable[[RowT], int],
    record_of: Callable[[RowT], ShopModel],
    scope: str,
    key_names: Mapping[str, str],
    limit: int,
    cursor: str | None,
) -> Page[RowT]:
    """``rows`` is read inside the Query's call; ``record_of`` is the DynamoDB store's
    mapping of a row to its record, whose key attributes make the cursor."""
    after = 0
    if cursor is not None:
        after = int(decode_cursor(scope, cursor, key_names)["id"]["N"])
    with core.call("Query"):
        read = sorted((row for row in rows() if id_of(row) > after), key=id_of)[: limit + 1]
        items = [copy.deepcopy(row) for row in read[:limit]]
    if len(read) <= limit:
        return Page(items, None)
    key: dict[str, Any] = record_of(items[-1]).serialize()
    return Page(items, encode_cursor(scope, {name: key[name] for name in key_names}))
