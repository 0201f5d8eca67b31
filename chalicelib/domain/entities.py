"""The shop's records as plain objects, independent of storage and of the API shape."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal


@dataclass
class User:
    id: int
    username: str
    email: str
    password_hash: str
    created_at: datetime
    first_name: str = ""
    last_name: str = ""
    phone: str | None = None
    address: str = ""
    is_staff: bool = False
    # Carried over from the Django backend; only active users may log in.
    is_superuser: bool = False
    is_active: bool = True
    # Raised by each password change; sessions started under an older value are over.
    session_epoch: int = 0
    # The stored version this object was read at (None: not stored yet, or stored
    # before versions existed). Writes are conditioned on it.
    version: int | None = None

    @property
    def display_name(self) -> str:
        full_name = f"{self.first_name} {self.last_name}".strip()
        return full_name or self.username


@dataclass
class Session:
    token_hash: str
    user_id: int
    csrf_token: str
    created_at: datetime
    expires_at: datetime
    user_epoch: int = 0


@dataclass
class Category:
    id: int
    name: str
    created_at: datetime
    image_key: str | None = None
    product_count: int = 0
    # The stored version this object was read at (None: not stored yet, or stored
    # before versions existed). Writes are conditioned on it.
    version: int | None = None


@dataclass
class Product:
    id: int
    name: str
    price: Decimal
    category_id: int
    category_name: str
    created_at: datetime
    stock: int = 0
    description: str = ""
    color: str = ""
    size: str = ""
    image_key: str | None = None
    rating_sum: int = 0
    rating_count: int = 0
    # Images that orders show (so never deleted), this one's past images included.
    ordered_image_keys: frozenset[str] = frozenset()
    # The stored version this object was read at (None: not stored yet, or stored
    # before versions existed). Writes are conditioned on it.
    version: int | None = None

    @property
    def average_rating(self) -> float:
        if not self.rating_count:
            return 0
        return float(round(Decimal(self.rating_sum) / Decimal(self.rating_count), 2))
