"""Carts: one line per product, at most 50 lines, quantities within stock.

A cart stores product ids and quantities only. Names and prices are read from the catalog
whenever the cart is shown, so a line always shows the current price, and a line whose
product was deleted simply stops being shown (and is dropped on the next change).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from chalicelib.domain.entities import Product
from chalicelib.errors import BusinessRuleViolated, NotFound

if TYPE_CHECKING:
    from chalicelib.domain.orders import StoredReply

MAX_CART_LINES = 50
GUEST_CART_LIFETIME = timedelta(days=30)
CART_FULL = f"A cart holds at most {MAX_CART_LINES} different products."
MERGE_INTO_ITSELF = "A cart cannot be merged into itself."


@dataclass(frozen=True)
class UserCartOwner:
    user_id: int


@dataclass(frozen=True)
class GuestCartOwner:
    """A visitor's cart, proven by the token issued with it."""

    cart_id: int
    token: str


CartOwner = UserCartOwner | GuestCartOwner


@dataclass
class CartLine:
    id: int
    product_id: int
    quantity: int
    created_at: datetime
    updated_at: datetime


@dataclass
class Cart:
    id: int
    user_id: int | None
    created_at: datetime
    updated_at: datetime
    lines: list[CartLine] = field(default_factory=list)
    token_hash: str | None = None  # guest carts only
    expires_at: datetime | None = None  # guest carts only
    version: int | None = None  # set by the store; None until the cart is first stored

    @property
    def is_guest(self) -> bool:
        return self.user_id is None

    @property
    def is_full(self) -> bool:
        return len(self.lines) >= MAX_CART_LINES

    def is_expired(self, now: datetime) -> bool:
        return self.expires_at is not None and self.expires_at <= now

    def line_for(self, product_id: int) -> CartLine | None:
        return next((line for line in self.lines if line.product_id == product_id), None)

    def existing_line(self, product_id: int) -> CartLine:
        line = self.line_for(product_id)
        if line is None:
            raise NotFound()
        return line

    def product_ids(self) -> list[int]:
        return [line.product_id for line in self.lines]

    def touch(self, now: datetime) -> None:
        """Mark a change; a guest cart lives another 30 days from its last change."""
        self.updated_at = now
        if self.is_guest:
            self.expires_at = now + GUEST_CART_LIFETIME

    def add_line(self, line_id: int, product_id: int, quantity: int, now: datetime) -> CartLine:
        if self.is_full:
            raise BusinessRuleViolated(CART_FULL)
        line = CartLine(line_id, product_id, quantity, created_at=now, updated_at=now)
        self.lines.append(line)
        self.touch(now)
        return line

    def set_quantity(self, product_id: int, quantity: int, now: datetime) -> CartLine:
        line = self.existing_line(product_id)
        line.quantity = quantity
        line.updated_at = now
        self.touch(now)
        return line

    def remove(self, product_id: int, now: datetime) -> None:
        line = self.existing_line(product_id)
        self.lines.remove(line)
        self.touch(now)

    def clear(self, now: datetime) -> None:
        self.lines = []
        self.touch(now)

    def keep_only(self, product_ids: Iterable[int]) -> None:
        """Drop the lines of products that no longer exist."""
        kept = set(product_ids)
        self.lines = [line for line in self.lines if line.product_id in kept]


def ensure_in_stock(product: Product, quantity: int) -> None:
    if quantity > product.stock:
        raise BusinessRuleViolated(
            f'Not enough stock for "{product.name}": {product.stock} available, '
            f"{quantity} requested."
        )


def merge_into(target: Cart, source: Cart, products: dict[int, Product], now: datetime) -> None:
    """Sum the source's quantities into the target, line by line, within stock and the line
    limit. A line new to the target moves over with its id (the source cart goes away).
    ``products`` holds the products of both carts that still exist."""
    target.keep_only(products)
    for incoming in source.lines:
        product = products.get(incoming.product_id)
        if product is None:
            continue
        line = target.line_for(incoming.product_id)
        wanted = incoming.quantity + (line.quantity if line else 0)
        ensure_in_stock(product, wanted)
        if line is None:
            target.add_line(incoming.id, incoming.product_id, incoming.quantity, now)
        else:
            target.set_quantity(incoming.product_id, wanted, now)
    target.touch(now)


@dataclass(frozen=True)
class PricedLine:
    """A cart line with its product's current name and price."""

    line: CartLine
    product_name: str
    unit_price: Decimal

    @property
    def subtotal(self) -> Decimal:
        return self.unit_price * self.line.quantity


@dataclass(frozen=True)
class PricedCart:
    cart: Cart
    lines: list[PricedLine]

    @property
    def total(self) -> Decimal:
        return sum((line.subtotal for line in self.lines), Decimal("0"))


def price_line(line: CartLine, product: Product) -> PricedLine:
    return PricedLine(line, product.name, product.price)


def price_cart(cart: Cart, products: dict[int, Product]) -> PricedCart:
    """The lines whose product still exists, at today's prices."""
    return PricedCart(
        cart,
        [
            price_line(line, products[line.product_id])
            for line in cart.lines
            if line.product_id in products
        ],
    )


@dataclass
class CartRead:
    """What a store's ``read_cart`` answers in one read: the cart and whatever else the
    request asked for."""

    cart: Cart | None
    products: dict[int, Product]
    last_cart_id: int | None = None  # the cart id counter, when asked for
    reply: StoredReply | None = None  # the stored reply to an Idempotency-Key, when asked for
