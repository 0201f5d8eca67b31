"""What every store answers with: the values its repositories return and the outcomes of
its writes. The DynamoDB store (``chalicelib.store``) and the in-memory one the service
tests use (``chalicelib.local.memory``) both return and raise exactly these, so the use
cases cannot tell them apart. The values of one resource's reads (``CartRead``,
``StoredReply``, the login ``Counter`` and ``LoginState``) live in that resource's domain
module, so a product read loads none of them."""

from __future__ import annotations

from dataclasses import dataclass


class WriteConflict(Exception):
    """What the write was based on changed before it landed (another write came first, or
    held one of the items at the same moment); nothing was written. The use case reads
    again and retries (``services.contention.retried``)."""


class ConditionsFailed(Exception):
    """Nothing was written: the conditions of the actions labelled ``labels`` failed."""

    def __init__(self, labels: frozenset[str]) -> None:
        super().__init__(f"conditions failed: {sorted(labels)}")
        self.labels = labels


class StockShortage(Exception):
    def __init__(self, product_ids: list[int]) -> None:
        super().__init__(f"not enough stock for products {product_ids}")
        self.product_ids = product_ids


@dataclass
class Page[ItemT]:
    items: list[ItemT]
    next_cursor: str | None
