"""Orders: item snapshots taken at checkout, and who may move an order to which status."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from chalicelib.domain.changes import UNSET, Maybe
from chalicelib.errors import BusinessRuleViolated, InvalidInput, PermissionDenied

MAX_ORDER_LINES = 50
EMPTY_CART = "Cart is empty."
ADDRESS_FROZEN = "The shipping address cannot be changed once the order has shipped."
OWNER_STATUS_CHANGE = "You may only cancel your order."
OWNER_DELETE = "Only a pending order can be deleted by its owner."
REPLY_LIFETIME = timedelta(hours=24)


class OrderStatus(StrEnum):
    PENDING = "Pending"
    PROCESSING = "Processing"
    SHIPPED = "Shipped"
    DELIVERED = "Delivered"
    CANCELLED = "Cancelled"


# Where staff may move an order from each status; the owner may only cancel a pending one.
STAFF_TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    OrderStatus.PENDING: frozenset({OrderStatus.PROCESSING, OrderStatus.CANCELLED}),
    OrderStatus.PROCESSING: frozenset({OrderStatus.SHIPPED, OrderStatus.CANCELLED}),
    OrderStatus.SHIPPED: frozenset({OrderStatus.DELIVERED}),
    OrderStatus.DELIVERED: frozenset(),
    OrderStatus.CANCELLED: frozenset(),
}
OWNER_TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    OrderStatus.PENDING: frozenset({OrderStatus.CANCELLED}),
}
# Until an order ships its goods are still in the warehouse: cancelling or deleting it puts
# them back into stock. A cancelled order has already given its stock back.
UNSHIPPED = frozenset({OrderStatus.PENDING, OrderStatus.PROCESSING})


def check_transition(current: OrderStatus, new: OrderStatus, *, by_staff: bool) -> None:
    """Staying in the same status is no transition and always allowed."""
    if new == current:
        return
    if not by_staff and new != OrderStatus.CANCELLED:
        raise PermissionDenied(OWNER_STATUS_CHANGE)
    allowed = STAFF_TRANSITIONS if by_staff else OWNER_TRANSITIONS
    if new not in allowed.get(current, frozenset()):
        raise BusinessRuleViolated(f'An order cannot go from "{current}" to "{new}".')


def returns_stock(current: OrderStatus) -> bool:
    """Whether cancelling or deleting an order in this status puts its items back in stock."""
    return current in UNSHIPPED


def check_address_change(current: OrderStatus, *, by_staff: bool) -> None:
    if not by_staff and current not in UNSHIPPED:
        raise BusinessRuleViolated(ADDRESS_FROZEN)


def check_delete(current: OrderStatus, *, by_staff: bool) -> None:
    if not by_staff and current != OrderStatus.PENDING:
        raise PermissionDenied(OWNER_DELETE)


@dataclass(frozen=True)
class OrderChanges:
    status: Maybe[OrderStatus] = UNSET
    shipping_address: Maybe[str] = UNSET


@dataclass
class OrderItem:
    """What was bought, as it was at checkout: later product changes do not touch it."""

    id: int
    product_id: int
    product_name: str
    product_image_key: str | None
    quantity: int
    price: Decimal

    @property
    def subtotal(self) -> Decimal:
        return self.price * self.quantity


@dataclass
class Order:
    id: int
    user_id: int
    user_name: str
    status: OrderStatus
    shipping_address: str
    created_at: datetime
    items: list[OrderItem] = field(default_factory=list)
    # The total as stored with the order. Orders placed here store the sum of their items;
    # orders migrated from the Django backend keep the total Django stored, exactly.
    stored_total: Decimal | None = None
    # The stored version this object was read at (None: not stored yet, or stored
    # before versions existed). Writes are conditioned on it.
    version: int | None = None

    @property
    def total_price(self) -> Decimal:
        if self.stored_total is not None:
            return self.stored_total
        return sum((item.subtotal for item in self.items), Decimal("0"))

    def quantities(self) -> dict[int, int]:
        return {item.product_id: item.quantity for item in self.items}


def combine_lines(lines: Iterable[tuple[int, int]]) -> dict[int, int]:
    """Quantities per product, in first-seen order: one transaction may touch a product's
    stock only once, so repeated products are summed."""
    combined: dict[int, int] = {}
    for product_id, quantity in lines:
        combined[product_id] = combined.get(product_id, 0) + quantity
    if len(combined) > MAX_ORDER_LINES:
        raise InvalidInput.on(
            "order_items", f"An order holds at most {MAX_ORDER_LINES} different products."
        )
    return combined


def insufficient_stock(product_names: Iterable[str]) -> BusinessRuleViolated:
    names = ", ".join(f'"{name}"' for name in product_names)
    return BusinessRuleViolated(f"Insufficient stock for {names}.")


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
