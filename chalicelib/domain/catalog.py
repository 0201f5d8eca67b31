"""Catalog rules and the query a product list is asked for."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from chalicelib.domain.changes import UNSET, Maybe, chosen
from chalicelib.domain.entities import Category, Product

MAX_PRICE = Decimal("100000000")
PRODUCT_ORDERINGS = ("price", "-price", "created_at", "-created_at", "name", "-name")


@dataclass(frozen=True)
class CategoryChanges:
    name: Maybe[str] = UNSET

    def applied_to(self, category: Category) -> Category:
        return replace(category, name=chosen(self.name, category.name))


@dataclass(frozen=True)
class NewProduct:
    name: str
    price: Decimal
    category_id: int
    stock: int = 0
    description: str = ""
    color: str = ""
    size: str = ""


@dataclass(frozen=True)
class ProductChanges:
    name: Maybe[str] = UNSET
    price: Maybe[Decimal] = UNSET
    category_id: Maybe[int] = UNSET
    stock: Maybe[int] = UNSET
    description: Maybe[str] = UNSET
    color: Maybe[str] = UNSET
    size: Maybe[str] = UNSET

    def applied_to(self, product: Product) -> Product:
        """The product with these changes, but in its category still: a move also copies
        the new category's name, which the use case reads."""
        return replace(
            product,
            name=chosen(self.name, product.name),
            price=chosen(self.price, product.price),
            stock=chosen(self.stock, product.stock),
            description=chosen(self.description, product.description),
            color=chosen(self.color, product.color),
            size=chosen(self.size, product.size),
        )


@dataclass(frozen=True)
class ProductQuery:
    limit: int
    cursor: str | None = None
    category_id: int | None = None
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    color: str | None = None
    size: str | None = None
    in_stock: bool | None = None
    search: str | None = None
    ordering: str | None = None

    @property
    def sort_field(self) -> str:
        """``id``, ``price`` or ``name``: ids are issued in creation order, so the id order
        is the ``created_at`` order."""
        field = (self.ordering or "id").lstrip("-")
        return "id" if field == "created_at" else field

    @property
    def ascending(self) -> bool:
        return not (self.ordering or "").startswith("-")
