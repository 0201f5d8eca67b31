from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response
from chalice.app import Request

from chalicelib.api.deferred import domain, schemas, services
from chalicelib.api.http import path_id, query_params
from chalicelib.api.media import public_url
from chalicelib.api.pages import page_response
from chalicelib.api.responses import json_response, no_content
from chalicelib.api.routing import JSON, MULTIPART, endpoint
from chalicelib.api.security import Call
from chalicelib.api.uploads import fields_and_image
from chalicelib.domain.clock import isoformat_z
from chalicelib.domain.numbers import money_text
from chalicelib.schemas.validation import reference_check, validate

products = Blueprint(__name__)
PRODUCT = "/api/products/{product_id}"


def product_view(product: domain.entities.Product) -> dict[str, Any]:
    """A product as responses show it: the fields ``schemas.catalog.ProductPublic``
    documents, as its JSON serialisation writes them (tests/unit/test_product_view.py holds
    the two equal). A plain dict, not that model: building a container's first pydantic
    model loads pydantic's field machinery, which cost a cold product read more than all
    of the shop's own code (docs/performance.md, "Cold start")."""
    return {
        "id": product.id,
        "name": product.name,
        "description": product.description,
        "price": money_text(product.price),
        "image": public_url(product.image_key),
        "category": product.category_id,
        "stock": product.stock,
        "color": product.color,
        "size": product.size,
        "category_name": product.category_name,
        "average_rating": float(product.average_rating),
        "rating_count": product.rating_count,
        "created_at": isoformat_z(product.created_at),
    }


def product_query(request: Request, category_id: int | None = None) -> domain.catalog.ProductQuery:
    params = validate(schemas.queries.ProductListQuery, query_params(request))
    return params.to_query(category_id)


# For a 400 that names every field: whether the category of an invalid body exists (a
# valid one is checked by the use case, with its write).
RELATED = {"category": reference_check(lambda pk: services.catalog.get_category(pk))}


@endpoint(products, "/api/products", "GET", summary="Products, filtered and ordered",
          response="catalog:ProductPublic", many=True, paged=True,
          query="queries:ProductListQuery")  # fmt: skip
def list_products(call: Call) -> Response:
    page = services.catalog.list_products(product_query(call.request))
    return page_response(call.request, [product_view(p) for p in page.items], page.next_cursor)


@endpoint(products, "/api/products", "POST", summary="Create a product", access="staff",
          body="catalog:ProductCreate", response="catalog:ProductPublic", status=201,
          errors=(413,), content_types=(JSON, MULTIPART))  # fmt: skip
def create_product(call: Call) -> Response:
    data, image = fields_and_image(call.request)
    fields = validate(schemas.catalog.ProductCreate, data, related=RELATED)
    product = services.catalog.create_product(schemas.catalog.new_product(fields), image.upload)
    return json_response(product_view(product), 201)


@endpoint(products, PRODUCT, "GET", summary="A product", response="catalog:ProductPublic")
def get_product(call: Call, product_id: str) -> Response:
    return json_response(product_view(services.catalog.get_product(path_id(product_id))))


def _update(
    call: Call,
    product_id: str,
    schema: type[schemas.catalog.ProductCreate] | type[schemas.catalog.ProductPatch],
) -> Response:
    target = path_id(product_id)  # a malformed id is a 404 before the body is judged
    data, image = fields_and_image(call.request)
    changes = schemas.catalog.product_changes(validate(schema, data, related=RELATED))
    product = services.catalog.update_product(target, changes, image)
    return json_response(product_view(product))


@endpoint(products, PRODUCT, "PUT", summary="Replace a product", access="staff",
          body="catalog:ProductCreate", response="catalog:ProductPublic", errors=(413,),
          content_types=(JSON, MULTIPART))  # fmt: skip
def replace_product(call: Call, product_id: str) -> Response:
    return _update(call, product_id, schemas.catalog.ProductCreate)


@endpoint(products, PRODUCT, "PATCH", summary="Change a product", access="staff",
          body="catalog:ProductPatch", response="catalog:ProductPublic", errors=(413,),
          content_types=(JSON, MULTIPART))  # fmt: skip
def patch_product(call: Call, product_id: str) -> Response:
    return _update(call, product_id, schemas.catalog.ProductPatch)


@endpoint(products, PRODUCT, "DELETE", summary="Delete a product", access="staff", status=204)
def delete_product(call: Call, product_id: str) -> Response:
    services.catalog.delete_product(path_id(product_id))
    return no_content()
