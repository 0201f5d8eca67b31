from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, PlainSerializer

from chalicelib.domain.orders import MAX_ORDER_LINES, Order, OrderChanges, OrderItem, OrderStatus
from chalicelib.schemas.base import Schema, sent
from chalicelib.schemas.cart import Quantity, ShippingAddress
from chalicelib.schemas.common import Integer, Money, Reference, Timestamp
from chalicelib.schemas.queries import PageQuery

MAX_ORDER_ITEMS_SENT = 10 * MAX_ORDER_LINES

# Kept from the original API: an order item's subtotal is a JSON number, not a string.
ImageUrl = Callable[[str | None], str | None]
MoneyNumber = Annotated[Decimal, PlainSerializer(float, return_type=float)]


def _some_items(items: list[OrderItemCreate]) -> list[OrderItemCreate]:
    if not items:
        raise ValueError("This list may not be empty.")
    if len(items) > MAX_ORDER_ITEMS_SENT:
        raise ValueError(f"Ensure this field has no more than {MAX_ORDER_ITEMS_SENT} elements.")
    return items


class OrderItemCreate(Schema):
    product: Reference
    quantity: Quantity


class OrderCreate(Schema):
    """``total_price``, ``status`` and ``user`` in the body are ignored."""

    shipping_address: ShippingAddress
    # Repeated products are summed; the limit on distinct products is checked after that.
    order_items: Annotated[
        list[OrderItemCreate],
        AfterValidator(_some_items),
        Field(json_schema_extra={"minItems": 1, "maxItems": MAX_ORDER_ITEMS_SENT}),
    ]


class OrderReplace(Schema):
    """PUT: the address is required; items are never edited after creation."""

    shipping_address: ShippingAddress
    status: OrderStatus | None = None


class OrderPatch(Schema):
    shipping_address: ShippingAddress | None = None
    status: OrderStatus | None = None


def order_changes(update: OrderReplace | OrderPatch) -> OrderChanges:
    return OrderChanges(
        status=sent(update, "status", update.status),
        shipping_address=sent(update, "shipping_address", update.shipping_address),
    )


# Literal rather than the enum: a query parameter's schema must be self-contained.
StatusFilter = Literal["Pending", "Processing", "Shipped", "Delivered", "Cancelled"]


class OrderListQuery(PageQuery):
    user: Annotated[Integer, Field(ge=1)] | None = None
    status: StatusFilter | None = None

    @property
    def status_filter(self) -> OrderStatus | None:
        return OrderStatus(self.status) if self.status else None


class OrderItemPublic(Schema):
    id: int
    product: int
    product_name: str
    product_image: str | None
    quantity: int
    price: Money
    subtotal: MoneyNumber

    @classmethod
    def of(cls, item: OrderItem, image_url: ImageUrl) -> OrderItemPublic:
        return cls(
            id=item.id,
            product=item.product_id,
            product_name=item.product_name,
            product_image=image_url(item.product_image_key),
            quantity=item.quantity,
            price=item.price,
            subtotal=item.subtotal,
        )


class OrderPublic(Schema):
    id: int
    user: int
    user_name: str
    total_price: Money
    status: OrderStatus
    shipping_address: str
    created_at: Timestamp
    order_items: list[OrderItemPublic]

    @classmethod
    def of(cls, order: Order, image_url: ImageUrl) -> OrderPublic:
        return cls(
            id=order.id,
            user=order.user_id,
            user_name=order.user_name,
            total_price=order.total_price,
            status=order.status,
            shipping_address=order.shipping_address,
            created_at=order.created_at,
            order_items=[OrderItemPublic.of(item, image_url) for item in order.items],
        )
