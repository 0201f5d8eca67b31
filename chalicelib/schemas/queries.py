"""Query-string parameters of the list endpoints."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from chalicelib.domain.catalog import MAX_PRICE, ProductQuery
from chalicelib.schemas.base import Schema
from chalicelib.schemas.common import Integer, Line, Number

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 500


class PageQuery(Schema):
    limit: Annotated[Integer, Field(ge=1, le=MAX_PAGE_SIZE)] = DEFAULT_PAGE_SIZE
    # Opaque: issued in a page's `Link` header, refused (400) unless this deployment signed
    # it for the same list.
    cursor: (
        Annotated[
            str,
            Field(
                json_schema_extra={
                    "maxLength": 2048,
                    "pattern": r"^[A-Za-z0-9_=-]+\.[A-Za-z0-9_=-]+$",
                    "description": "Opaque cursor of the next page, from the `Link` header.",
                }
            ),
        ]
        | None
    ) = None

    @model_validator(mode="before")
    @classmethod
    def _ignore_blank_values(cls, data: Any) -> Any:
        # As django-filter does: `?category=&search=` sent by an untouched form means "no
        # filter", not an invalid one.
        if isinstance(data, dict):
            return {name: value for name, value in data.items() if value != ""}
        return data


class ProductListQuery(PageQuery):
    category: Annotated[Integer, Field(ge=1)] | None = None
    min_price: Annotated[Number, Field(ge=0, lt=MAX_PRICE)] | None = None
    max_price: Annotated[Number, Field(ge=0, lt=MAX_PRICE)] | None = None
    color: Line | None = None
    size: Line | None = None
    in_stock: Literal["true", "false", "True", "False", "1", "0"] | None = None
    search: Annotated[Line, Field(max_length=200)] | None = None
    ordering: Literal["price", "-price", "created_at", "-created_at", "name", "-name"] | None = None

    def to_query(self, category_id: int | None = None) -> ProductQuery:
        """``category_id`` from the path wins over the ``category`` filter."""
        in_stock = None if self.in_stock is None else self.in_stock in ("true", "True", "1")
        return ProductQuery(
            limit=self.limit,
            cursor=self.cursor,
            category_id=category_id if category_id is not None else self.category,
            min_price=self.min_price,
            max_price=self.max_price,
            color=self.color,
            size=self.size,
            in_stock=in_stock,
            search=self.search or None,
            ordering=self.ordering,
        )
