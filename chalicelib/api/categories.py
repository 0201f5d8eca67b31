from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint, Response
from chalice.app import Request

from chalicelib.api.deferred import deferred
from chalicelib.api.http import path_id, query_params
from chalicelib.api.pages import page_response
from chalicelib.api.products import product_query, product_view
from chalicelib.api.responses import model_response, no_content
from chalicelib.api.routing import JSON, MULTIPART, endpoint
from chalicelib.api.security import require_staff
from chalicelib.api.uploads import fields_and_image
from chalicelib.domain.entities import Category
from chalicelib.schemas.validation import validate

if TYPE_CHECKING:
    from chalicelib.schemas import catalog as schemas
    from chalicelib.schemas import queries
    from chalicelib.schemas.catalog import CategoryCreate, CategoryPatch, CategoryPublic
    from chalicelib.services import catalog
    from chalicelib.store import media_urls
else:
    schemas = deferred("chalicelib.schemas.catalog")
    queries = deferred("chalicelib.schemas.queries")
    catalog = deferred("chalicelib.services.catalog")
    media_urls = deferred("chalicelib.store.media_urls")

categories = Blueprint(__name__)
CATEGORY = "/api/categories/{category_id}"


def category_view(category: Category) -> CategoryPublic:
    return schemas.CategoryPublic.of(category, media_urls.public_url(category.image_key))


@endpoint(categories, "/api/categories", "GET", summary="Categories by id",
          response="catalog:CategoryPublic", many=True, paged=True,
          query="queries:PageQuery")  # fmt: skip
def list_categories(request: Request) -> Response:
    query = validate(queries.PageQuery, query_params(request))
    page = catalog.list_categories(query.limit, query.cursor)
    return page_response(request, [category_view(c) for c in page.items], page.next_cursor)


@endpoint(categories, "/api/categories", "POST", summary="Create a category", access="staff",
          body="catalog:CategoryCreate", response="catalog:CategoryPublic", status=201,
          errors=(413,), content_types=(JSON, MULTIPART))  # fmt: skip
def create_category(request: Request) -> Response:
    actor = require_staff(request).user
    data, image = fields_and_image(request)
    fields = validate(schemas.CategoryCreate, data)
    category = catalog.create_category(actor, fields.model_dump(), image.upload)
    return model_response(category_view(category), 201)


@endpoint(categories, CATEGORY, "GET", summary="A category", response="catalog:CategoryPublic")
def get_category(request: Request, category_id: str) -> Response:
    return model_response(category_view(catalog.get_category(path_id(category_id))))


def _update(
    request: Request, category_id: str, schema: type[CategoryCreate] | type[CategoryPatch]
) -> Response:
    actor = require_staff(request).user
    target = path_id(category_id)  # a malformed id is a 404 before the body is judged
    data, image = fields_and_image(request)
    changes = validate(schema, data).model_dump(exclude_none=True)
    category = catalog.update_category(actor, target, changes, image)
    return model_response(category_view(category))


@endpoint(categories, CATEGORY, "PUT", summary="Replace a category", access="staff",
          body="catalog:CategoryCreate", response="catalog:CategoryPublic", errors=(413,),
          content_types=(JSON, MULTIPART))  # fmt: skip
def replace_category(request: Request, category_id: str) -> Response:
    return _update(request, category_id, schemas.CategoryCreate)


@endpoint(categories, CATEGORY, "PATCH", summary="Change a category", access="staff",
          body="catalog:CategoryPatch", response="catalog:CategoryPublic", errors=(413,),
          content_types=(JSON, MULTIPART))  # fmt: skip
def patch_category(request: Request, category_id: str) -> Response:
    return _update(request, category_id, schemas.CategoryPatch)


@endpoint(categories, CATEGORY, "DELETE", summary="Delete an empty category", access="staff",
          status=204, errors=(409,))  # fmt: skip
def delete_category(request: Request, category_id: str) -> Response:
    actor = require_staff(request).user
    catalog.delete_category(actor, path_id(category_id))
    return no_content()


@endpoint(categories, CATEGORY + "/products", "GET", summary="The products of a category",
          response="catalog:ProductPublic", many=True, paged=True,
          query="queries:ProductListQuery")  # fmt: skip
def list_category_products(request: Request, category_id: str) -> Response:
    query = product_query(request, category_id=path_id(category_id))
    page = catalog.list_category_products(query)
    return page_response(request, [product_view(p) for p in page.items], page.next_cursor)
