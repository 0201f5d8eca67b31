from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint, Response
from chalice.app import Request

from chalicelib.api.deferred import deferred
from chalicelib.api.http import path_id, query_params
from chalicelib.api.pages import page_response
from chalicelib.api.responses import model_response, no_content
from chalicelib.api.routing import JSON, MULTIPART, endpoint
from chalicelib.api.security import require_staff
from chalicelib.api.uploads import fields_and_image
from chalicelib.domain.catalog import ProductQuery
from chalicelib.domain.entities import Product
from chalicelib.errors import NotFound
from chalicelib.schemas.validation import validate

if TYPE_CHECKING:
    from chalicelib.schemas import catalog as schemas
    from chalicelib.schemas import queries
    from chalicelib.schemas.catalog import ProductCreate, ProductPatch, ProductPublic
    from chalicelib.services import catalog
    from chalicelib.store import media_urls
else:
    schemas = deferred("chalicelib.schemas.catalog")
    queries = deferred("chalicelib.schemas.queries")
    catalog = deferred("chalicelib.services.catalog")
    media_urls = deferred("chalicelib.store.media_urls")

products = Blueprint(__name__)
PRODUCT = "/api/products/{product_id}"


def product_view(product: Product) -> ProductPublic:
    return schemas.ProductPublic.of(product, media_urls.public_url(product.image_key))


def product_query(request: Request, category_id: int | None = None) -> ProductQuery:
    params = validate(queries.ProductListQuery, query_params(request))
    return params.to_query(category_id)


def _unknown_category(category_id: object) -> str | None:
    """For a 400 that names every field: whether the category of an invalid body exists
    (a valid one is checked by the use case, with its write)."""
    try:
        catalog.get_category(int(str(category_id)))
    except (NotFound, ValueError):
        return f'Invalid pk "{category_id}" - object does not exist.'
    return None


RELATED = {"category": _unknown_category}


@endpoint(products, "/api/products", "GET", summary="Products, filtered and ordered",
          response="catalog:ProductPublic", many=True, paged=True,
          query="queries:ProductListQuery")  # fmt: skip
def list_products(request: Request) -> Response:
    page = catalog.list_products(product_query(request))
    return page_response(request, [product_view(p) for p in page.items], page.next_cursor)


@endpoint(products, "/api/products", "POST", summary="Create a product", access="staff",
          body="catalog:ProductCreate", response="catalog:ProductPublic", status=201,
          errors=(413,), content_types=(JSON, MULTIPART))  # fmt: skip
def create_product(request: Request) -> Response:
    actor = require_staff(request).user
    data, image = fields_and_image(request)
    fields = validate(schemas.ProductCreate, data, related=RELATED)
    product = catalog.create_product(actor, fields.model_dump(), image.upload)
    return model_response(product_view(product), 201)


@endpoint(products, PRODUCT, "GET", summary="A product", response="catalog:ProductPublic")
def get_product(request: Request, product_id: str) -> Response:
    return model_response(product_view(catalog.get_product(path_id(product_id))))


def _update(
    request: Request, product_id: str, schema: type[ProductCreate] | type[ProductPatch]
) -> Response:
    actor = require_staff(request).user
    target = path_id(product_id)  # a malformed id is a 404 before the body is judged
    data, image = fields_and_image(request)
    # PUT requires what create requires but, as in DRF, fields left out keep their values.
    fields = validate(schema, data, related=RELATED)
    changes = fields.model_dump(exclude_unset=True, exclude_none=True)
    product = catalog.update_product(actor, target, changes, image)
    return model_response(product_view(product))


@endpoint(products, PRODUCT, "PUT", summary="Replace a product", access="staff",
          body="catalog:ProductCreate", response="catalog:ProductPublic", errors=(413,),
          content_types=(JSON, MULTIPART))  # fmt: skip
def replace_product(request: Request, product_id: str) -> Response:
    return _update(request, product_id, schemas.ProductCreate)


@endpoint(products, PRODUCT, "PATCH", summary="Change a product", access="staff",
          body="catalog:ProductPatch", response="catalog:ProductPublic", errors=(413,),
          content_types=(JSON, MULTIPART))  # fmt: skip
def patch_product(request: Request, product_id: str) -> Response:
    return _update(request, product_id, schemas.ProductPatch)


@endpoint(products, PRODUCT, "DELETE", summary="Delete a product", access="staff", status=204)
def delete_product(request: Request, product_id: str) -> Response:
    actor = require_staff(request).user
    catalog.delete_product(actor, path_id(product_id))
    return no_content()
