"""Catalog rules and the query a product list is asked for."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

MAX_PRICE = Decimal("100000000")
PRODUCT_ORDERINGS = ("price", "-price", "created_at", "-created_at", "name", "-name")


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


def price_sort_key(price: Decimal, product_id: int) -> str:
    return f"{price:015.2f}#{product_id:012d}"


# Below every printable character, so that "Jacket" sorts before "Jacket blue" (a visible
# separator such as "#" sorts after the space and would reverse them). Not NUL, which some
# tools and clients treat as the end of a string.
NAME_KEY_SEPARATOR = "\x01"


def name_sort_key(name: str, product_id: int) -> str:
    return f"{name.casefold()}{NAME_KEY_SEPARATOR}{product_id:012d}"


def search_text(name: str, description: str) -> str:
    return f"{name}\n{description}".casefold()


def search_terms(search: str) -> list[str]:
    """The casefolded terms of a ``search``, split as DRF's SearchFilter splits them (on
    whitespace and commas); a product matches when it contains every one."""
    return [term for term in re.split(r"[\s,]+", search.replace("\x00", "").casefold()) if term]


def filter_key(value: str) -> str | None:
    """What the color and size filters compare, so that ``?color=blue`` finds "Blue";
    None for an empty value, which no filter asks for."""
    return value.casefold() or None
