"""Demo data for local runs (`make run`, `manage.py seed`). The passwords are public and for
local use only, which is why this lives in chalicelib/local/, left out of the deployment zip."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from chalicelib.domain.accounts import NewUser
from chalicelib.domain.catalog import NewProduct
from chalicelib.errors import InvalidInput
from chalicelib.services import accounts, catalog

DEMO_STAFF = {"username": "admin", "email": "admin@example.com", "password": "admin-local-only"}
DEMO_SHOPPER = {
    "username": "shopper",
    "email": "shopper@example.com",
    "password": "shopper-local-only",
    "first_name": "Sam",
    "last_name": "Shopper",
}
DEMO_CATALOG: dict[str, list[dict[str, Any]]] = {
    "Jackets": [
        {"name": "White Jacket", "price": Decimal("1400.00"), "stock": 400, "color": "White",
         "size": "L", "description": "A white jacket for cool evenings."},
        {"name": "Denim Jacket", "price": Decimal("2250.50"), "stock": 35, "color": "Blue",
         "size": "M", "description": "Classic denim, stonewashed."},
        {"name": "Rain Jacket", "price": Decimal("1899.99"), "stock": 0, "color": "Yellow",
         "size": "S", "description": "Waterproof shell with a hood."},
    ],
    "Shoes": [
        {"name": "Running Shoes", "price": Decimal("3200.00"), "stock": 60, "color": "Black",
         "size": "42", "description": "Light trainers for road running."},
        {"name": "Leather Boots", "price": Decimal("5400.00"), "stock": 12, "color": "Brown",
         "size": "43", "description": "Hand-stitched leather boots."},
    ],
    "Accessories": [
        {"name": "Wool Scarf", "price": Decimal("450.00"), "stock": 150, "color": "Grey",
         "size": "", "description": "Soft merino scarf."},
    ],
}  # fmt: skip


def seed() -> bool:
    """Load the demo data once. The staff user is created first: its unique username makes
    a second, concurrent seed stop before it duplicates the catalog. Returns False when
    the data was already there."""
    try:
        accounts.signup(NewUser(**DEMO_STAFF), is_staff=True)
    except InvalidInput:
        return False
    accounts.signup(NewUser(**DEMO_SHOPPER))
    _seed_catalog()
    return True


def _seed_catalog() -> None:
    for category_name, products in DEMO_CATALOG.items():
        category = catalog.create_category(category_name)
        for product in products:
            catalog.create_product(NewProduct(category_id=category.id, **product))
