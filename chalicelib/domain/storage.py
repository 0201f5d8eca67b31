"""What every store answers with: the values its repositories return and the outcomes of
its writes. The DynamoDB store (``chalicelib.store``) and the in-memory one the service
tests use (``chalicelib.local.memory``) both return and raise exactly these, so the use
cases cannot tell them apart."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # For annotations only: a product read, which needs ``Page``, loads no cart code.
    from chalicelib.domain.cart import Cart
    from chalicelib.domain.entities import Product
    from chalicelib.domain.throttling import FailureWindow


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


REPLY_LIFETIME = timedelta(hours=24)


@dataclass(frozen=True)
class StoredReply:
    """The response stored for an order's ``Idempotency-Key``."""

    key: str
    request_hash: str
    order_id: int
    status: int
    body: str
    created_at: datetime

    @property
    def expires_at(self) -> datetime:
        return self.created_at + REPLY_LIFETIME


@dataclass
class CartRead:
    cart: Cart | None
    products: dict[int, Product]
    last_cart_id: int | None = None  # the cart id counter, when asked for
    reply: StoredReply | None = None  # the stored reply to an Idempotency-Key, when asked for


@dataclass(frozen=True)
class Counter:
    """One login failure counter as read, with its limit."""

    key: str
    label: str
    window: FailureWindow
    limit: int


@dataclass
class LoginState:
    user_id: int | None
    username_failures: FailureWindow
    address_failures: FailureWindow
