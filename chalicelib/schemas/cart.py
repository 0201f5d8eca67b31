from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

from chalicelib.domain.cart import PricedCart, PricedLine
from chalicelib.schemas.base import Schema
from chalicelib.schemas.common import Integer, Money, NotBlank, Reference, Text, Timestamp

Quantity = Annotated[Integer, Field(ge=1)]
ShippingAddress = Annotated[
    Text, StringConstraints(strip_whitespace=True, max_length=500), NotBlank
]


class CartItemAdd(Schema):
    product_id: Reference
    quantity: Quantity = 1


class CartItemRemove(Schema):
    product_id: Reference


class CartQuantityUpdate(Schema):
    product_id: Reference
    quantity: Quantity


class CartCheckout(Schema):
    shipping_address: ShippingAddress


class CartMerge(Schema):
    cart_id: Reference


class CartItemPublic(Schema):
    id: int
    product: int
    product_name: str
    product_price: Money
    quantity: int
    subtotal: Money
    created_at: Timestamp
    updated_at: Timestamp

    @classmethod
    def of(cls, priced: PricedLine) -> CartItemPublic:
        line = priced.line
        return cls(
            id=line.id,
            product=line.product_id,
            product_name=priced.product_name,
            product_price=priced.unit_price,
            quantity=line.quantity,
            subtotal=priced.subtotal,
            created_at=line.created_at,
            updated_at=line.updated_at,
        )


class CartPublic(Schema):
    id: int
    user: int | None
    items: list[CartItemPublic]
    total: Money
    created_at: Timestamp
    updated_at: Timestamp

    @classmethod
    def of(cls, priced: PricedCart) -> CartPublic:
        cart = priced.cart
        return cls(
            id=cart.id,
            user=cart.user_id,
            items=[CartItemPublic.of(line) for line in priced.lines],
            total=priced.total,
            created_at=cart.created_at,
            updated_at=cart.updated_at,
        )


class Message(Schema):
    message: str


class OrderCreated(Schema):
    message: str
    order_id: int


class GuestCartIssued(Schema):
    cart_id: int
    cart_token: str
