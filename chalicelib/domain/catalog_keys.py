"""What the product indexes order and match by: sort keys that sort like the values they
stand for, and the casefolded text the filters compare. Kept apart from the catalog's
value objects (domain/catalog.py) so that a product read, which writes no key, loads
neither."""

from __future__ import annotations

import re
from decimal import Decimal


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
