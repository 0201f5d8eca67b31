from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Field, StringConstraints

from chalicelib.domain.catalog import MAX_PRICE, CategoryChanges, NewProduct, ProductChanges
from chalicelib.domain.entities import Category
from chalicelib.schemas.base import Schema, sent
from chalicelib.schemas.common import (
    Integer,
    Line,
    Money,
    NotBlank,
    Number,
    Reference,
    Text,
    Timestamp,
)

CategoryName = Annotated[Line, StringConstraints(max_length=100), NotBlank]
ProductName = Annotated[Line, StringConstraints(max_length=200), NotBlank]
Price = Annotated[Number, Field(ge=0, lt=MAX_PRICE, decimal_places=2)]
# The range of the original's PositiveIntegerField; DynamoDB refuses numbers of more than
# 38 digits, so an unbounded integer could not always be stored.
Stock = Annotated[Integer, Field(ge=0, le=2_147_483_647)]
Attribute = Annotated[Line, Field(max_length=50)]
NOT_A_FILE = "The submitted data was not a file. Check the encoding type on the form."


def _only_null(value: Any) -> None:
    if value is not None:
        raise ValueError(NOT_A_FILE)


# In JSON the image can only be removed; a file comes in a multipart/form-data body, as a
# file field ``image`` (the API layer takes it out before these schemas see the fields).
ImageInput = Annotated[
    None,
    BeforeValidator(_only_null),
    Field(
        description="null removes the image. To upload one, send multipart/form-data with "
        "the other fields and a file field `image` (JPEG, PNG, WebP or GIF, at most 4 MB)."
    ),
]


class CategoryCreate(Schema):
    name: CategoryName
    image: ImageInput = None


class CategoryPatch(Schema):
    name: CategoryName | None = None
    image: ImageInput = None


def category_changes(update: CategoryCreate | CategoryPatch) -> CategoryChanges:
    return CategoryChanges(name=sent(update, "name", update.name))


class CategoryPublic(Schema):
    id: int
    name: str
    image: str | None
    created_at: Timestamp

    @classmethod
    def of(cls, category: Category, image_url: str | None) -> CategoryPublic:
        return cls(
            id=category.id, name=category.name, image=image_url, created_at=category.created_at
        )


class ProductCreate(Schema):
    name: ProductName
    price: Price
    category: Reference
    stock: Stock = 0
    description: Text = ""
    color: Attribute = ""
    size: Attribute = ""
    image: ImageInput = None


class ProductPatch(Schema):
    name: ProductName | None = None
    price: Price | None = None
    category: Reference | None = None
    stock: Stock | None = None
    description: Text | None = None
    color: Attribute | None = None
    size: Attribute | None = None
    image: ImageInput = None


def new_product(fields: ProductCreate) -> NewProduct:
    return NewProduct(
        name=fields.name,
        price=fields.price,
        category_id=fields.category,
        stock=fields.stock,
        description=fields.description,
        color=fields.color,
        size=fields.size,
    )


def product_changes(update: ProductCreate | ProductPatch) -> ProductChanges:
    return ProductChanges(
        name=sent(update, "name", update.name),
        price=sent(update, "price", update.price),
        category_id=sent(update, "category", update.category),
        stock=sent(update, "stock", update.stock),
        description=sent(update, "description", update.description),
        color=sent(update, "color", update.color),
        size=sent(update, "size", update.size),
    )


class ProductPublic(Schema):
    """A product in responses, as the document states it; the responses themselves are
    built by ``chalicelib.api.products.product_view`` without this model."""

    id: int
    name: str
    description: str
    price: Money
    image: str | None
    category: int
    stock: int
    color: str
    size: str
    category_name: str
    average_rating: float
    rating_count: int
    created_at: Timestamp
