"""The dump's records as typed rows: field names follow the Django shop's models, foreign
keys are pks. Every check that needs only the record itself is made here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from chalicelib.domain import passwords
from chalicelib.domain.orders import OrderStatus
from chalicelib.domain.ratings import MAX_RATING, MIN_RATING

from .dump import DumpError, DumpRecord

USER_MODELS = ("user", "customuser")
SHOP_MODELS = ("category", "product", "rating", "order", "orderitem", "cart", "cartitem")
# The order in which the summary lists them.
KINDS = ("user", *SHOP_MODELS)


def kind_of(record: DumpRecord) -> str | None:
    """Which shop model a record is, whatever its app label; None for every other model."""
    if record.model in USER_MODELS:
        has_credentials = "username" in record.fields and "password" in record.fields
        return "user" if has_credentials or record.label == "auth.user" else None
    return record.model if record.model in SHOP_MODELS else None


@dataclass(slots=True)
class UserRow:
    id: int
    username: str
    email: str
    password: str
    first_name: str
    last_name: str
    phone: str | None
    address: str
    is_staff: bool
    is_superuser: bool
    is_active: bool
    created_at: datetime

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or self.username


@dataclass(slots=True)
class CategoryRow:
    id: int
    name: str
    image: str | None
    created_at: datetime


@dataclass(slots=True)
class ProductRow:
    id: int
    category: int
    name: str
    description: str
    price: Decimal
    stock: int
    color: str
    size: str
    image: str | None
    created_at: datetime


@dataclass(slots=True)
class RatingRow:
    id: int
    product: int
    user: int
    rating: int
    comment: str
    created_at: datetime
    updated_at: datetime


@dataclass(slots=True)
class OrderRow:
    id: int
    user: int
    user_name: str | None
    status: str
    shipping_address: str
    total_price: Decimal | None
    created_at: datetime


@dataclass(slots=True)
class OrderItemRow:
    id: int
    order: int
    product: int | None
    product_name: str | None
    quantity: int
    price: Decimal


@dataclass(slots=True)
class CartRow:
    id: int
    user: int | None
    created_at: datetime | None
    updated_at: datetime | None


@dataclass(slots=True)
class CartItemRow:
    id: int
    cart: int
    product: int
    quantity: int
    created_at: datetime | None
    updated_at: datetime | None


Row = (
    UserRow | CategoryRow | ProductRow | RatingRow | OrderRow | OrderItemRow | CartRow | CartItemRow
)
MISSING = object()


class _Fields:
    def __init__(self, record: DumpRecord) -> None:
        self.record = record
        self.fields = record.fields

    def fail(self, problem: str) -> DumpError:
        return DumpError(f"{self.record.describe()}: {problem}")

    def raw(self, name: str, default: Any = MISSING) -> Any:
        value = self.fields.get(name, MISSING)
        if value is MISSING or (value is None and default is not MISSING):
            if default is MISSING:
                raise self.fail(f'missing required field "{name}"')
            return default
        return value

    def text(self, name: str, default: Any = MISSING) -> Any:
        value = self.raw(name, default)
        if value is default and default is not MISSING:
            return value
        if not isinstance(value, str):
            raise self.fail(f'field "{name}" must be a string')
        return value

    def integer(self, name: str, default: Any = MISSING) -> Any:
        value = self.raw(name, default)
        if value is default and default is not MISSING:
            return value
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(f'field "{name}" must be an integer')
        return value

    def key(self, name: str, *, nullable: bool = False) -> int | None:
        """A foreign key: the pk of another record."""
        value = self.raw(name, None if nullable else MISSING)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise self.fail(f'field "{name}" must be the pk (a positive integer) of a record')
        return value

    def flag(self, name: str, default: bool) -> bool:
        value = self.raw(name, default)
        if not isinstance(value, bool):
            raise self.fail(f'field "{name}" must be true or false')
        return value

    def money(self, name: str, default: Any = MISSING) -> Any:
        value = self.raw(name, default)
        if value is default and default is not MISSING:
            return value
        try:
            # dumpdata writes DecimalFields as strings; a number was read as Decimal.
            amount = Decimal(value) if isinstance(value, str | int | Decimal) else None
        except InvalidOperation:
            amount = None
        if isinstance(value, bool) or amount is None or not amount.is_finite():
            raise self.fail(f'field "{name}" must be a decimal amount')
        return amount

    def timestamp(self, *names: str, required: bool = True) -> datetime | None:
        for name in names:
            value = self.fields.get(name)
            if value is None:
                continue
            try:
                moment = datetime.fromisoformat(str(value))
            except ValueError:
                raise self.fail(f'field "{name}" is not an ISO 8601 date and time') from None
            # Django with USE_TZ = False dumps naive times; they are taken as UTC.
            return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
        if required:
            raise self.fail(f'missing required field "{names[0]}"')
        return None


def _pk(record: DumpRecord) -> int:
    pk = record.pk
    if isinstance(pk, bool) or not isinstance(pk, int) or pk < 1:
        raise DumpError(f"{record.describe()}: the pk must be a positive integer")
    return pk


def parse_row(kind: str, record: DumpRecord) -> Row:
    f = _Fields(record)
    pk = _pk(record)
    if kind == "user":
        password = f.text("password")
        if not passwords.is_supported_hash(password):
            raise f.fail(
                f'password hash "{passwords.algorithm_of(password)}" is not one of Django\'s'
                " default hashers"
            )
        username = f.text("username")
        if not username.strip():
            raise f.fail('field "username" is empty')
        phone = f.raw("phone", None)
        return UserRow(
            id=pk,
            username=username,
            email=f.text("email", ""),
            password=password,
            first_name=f.text("first_name", ""),
            last_name=f.text("last_name", ""),
            phone=str(phone) if phone is not None else None,
            address=f.text("address", ""),
            is_staff=f.flag("is_staff", False),
            is_superuser=f.flag("is_superuser", False),
            is_active=f.flag("is_active", True),
            created_at=f.timestamp("date_joined", "created_at"),  # type: ignore[arg-type]
        )
    if kind == "category":
        return CategoryRow(
            pk,
            f.text("name"),
            f.text("image", "") or None,
            f.timestamp("created_at"),  # type: ignore[arg-type]
        )
    if kind == "product":
        return ProductRow(
            id=pk,
            category=f.key("category"),  # type: ignore[arg-type]
            name=f.text("name"),
            description=f.text("description", ""),
            price=f.money("price"),
            stock=f.integer("stock", 0),
            color=f.text("color", ""),
            size=f.text("size", ""),
            image=f.text("image", "") or None,
            created_at=f.timestamp("created_at"),  # type: ignore[arg-type]
        )
    if kind == "rating":
        value = f.integer("rating")
        if not MIN_RATING <= value <= MAX_RATING:
            raise f.fail(f'field "rating" must be between {MIN_RATING} and {MAX_RATING}')
        created_at = f.timestamp("created_at")
        return RatingRow(
            id=pk,
            product=f.key("product"),  # type: ignore[arg-type]
            user=f.key("user"),  # type: ignore[arg-type]
            rating=value,
            comment=f.text("comment", ""),
            created_at=created_at,  # type: ignore[arg-type]
            updated_at=f.timestamp("updated_at", required=False) or created_at,  # type: ignore[arg-type]
        )
    if kind == "order":
        status = f.text("status", str(OrderStatus.PENDING))
        known = {str(choice).casefold(): str(choice) for choice in OrderStatus}
        if status.casefold() not in known:
            raise f.fail(f'field "status" must be one of {", ".join(known.values())}')
        return OrderRow(
            id=pk,
            user=f.key("user"),  # type: ignore[arg-type]
            user_name=f.text("user_name", None),
            status=known[status.casefold()],
            shipping_address=f.text("shipping_address", ""),
            total_price=f.money("total_price", None),
            created_at=f.timestamp("created_at"),  # type: ignore[arg-type]
        )
    if kind == "orderitem":
        quantity = f.integer("quantity")
        if quantity < 1:
            raise f.fail('field "quantity" must be at least 1')
        return OrderItemRow(
            id=pk,
            order=f.key("order"),  # type: ignore[arg-type]
            product=f.key("product", nullable=True),
            product_name=f.text("product_name", None),
            quantity=quantity,
            price=f.money("price"),
        )
    if kind == "cart":
        return CartRow(
            id=pk,
            user=f.key("user", nullable=True),
            created_at=f.timestamp("created_at", required=False),
            updated_at=f.timestamp("updated_at", required=False),
        )
    if kind == "cartitem":
        quantity = f.integer("quantity")
        if quantity < 1:
            raise f.fail('field "quantity" must be at least 1')
        return CartItemRow(
            id=pk,
            cart=f.key("cart"),  # type: ignore[arg-type]
            product=f.key("product"),  # type: ignore[arg-type]
            quantity=quantity,
            created_at=f.timestamp("created_at", required=False),
            updated_at=f.timestamp("updated_at", required=False),
        )
    raise ValueError(kind)
