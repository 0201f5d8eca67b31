from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.api.deferred import domain, schemas, services
from chalicelib.api.http import path_id, query_params
from chalicelib.api.media import public_url
from chalicelib.api.pages import page_response
from chalicelib.api.products import product_query, product_view
from chalicelib.api.responses import model_response, no_content
from chalicelib.api.routing import JSON, MULTIPART, endpoint
from chalicelib.api.security import Call
from chalicelib.api.uploads import fields_and_image
from chalicelib.schemas.validation import validate

categories = Blueprint(__name__)
CATEGORY = "/api/categories/{category_id}"


def category_view(category: domain.entities.Category) -> schemas.catalog.CategoryPublic:
    return schemas.catalog.CategoryPublic.of(category, public_url(category.image_key))


@endpoint(categories, "/api/categories", "GET", summary="Categories by id",
          response="catalog:CategoryPublic", many=True, paged=True,
          query="queries:PageQuery")  # fmt: skip
def list_categories(call: Call) -> Response:
    query = validate(schemas.queries.PageQuery, query_params(call.request))
    page = services.catalog.list_categories(query.limit, query.cursor)
    return page_response(call.request, [category_view(c) for c in page.items], page.next_cursor)


@endpoint(categories, "/api/categories", "POST", summary="Create a category", access="staff",
          body="catalog:CategoryCreate", response="catalog:CategoryPublic", status=201,
          errors=(413,), content_types=(JSON, MULTIPART))  # fmt: skip
def create_category(call: Call) -> Response:
    data, image = fields_and_image(call.request)
    fields = validate(schemas.catalog.CategoryCreate, data)
    category = services.catalog.create_category(fields.name, image.upload)
    return model_response(category_view(category), 201)


@endpoint(categories, CATEGORY, "GET", summary="A category", response="catalog:CategoryPublic")
def get_category(call: Call, category_id: str) -> Response:
    return model_response(category_view(services.catalog.get_category(path_id(category_id))))


def _update(
    call: Call,
    category_id: str,
    schema: type[schemas.catalog.CategoryCreate] | type[schemas.catalog.CategoryPatch],
) -> Response:
    target = path_id(category_id)  # a malformed id is a 404 before the body is judged
    data, image = fields_and_image(call.request)
    changes = schemas.catalog.category_changes(validate(schema, data))
    category = services.catalog.update_category(target, changes, image)
    return model_response(category_view(category))


@endpoint(categories, CATEGORY, "PUT", summary="Replace a category", access="staff",
          body="catalog:CategoryCreate", response="catalog:CategoryPublic", errors=(413,),
          content_types=(JSON, MULTIPART))  # fmt: skip
def replace_category(call: Call, category_id: str) -> Response:
    return _update(call, category_id, schemas.catalog.CategoryCreate)


@endpoint(categories, CATEGORY, "PATCH", summary="Change a category", access="staff",
          body="catalog:CategoryPatch", response="catalog:CategoryPublic", errors=(413,),
          content_types=(JSON, MULTIPART))  # fmt: skip
def patch_category(call: Call, category_id: str) -> Response:
    return _update(call, category_id, schemas.catalog.CategoryPatch)


@endpoint(categories, CATEGORY, "DELETE", summary="Delete an empty category", access="staff",
          status=204, errors=(409,))  # fmt: skip
def delete_category(call: Call, category_id: str) -> Response:
    services.catalog.delete_category(path_id(category_id))
    return no_content()


@endpoint(categories, CATEGORY + "/products", "GET", summary="The products of a category",
          response="catalog:ProductPublic", many=True, paged=True,
          query="queries:ProductListQuery")  # fmt: skip
def list_category_products(call: Call, category_id: str) -> Response:
    query = product_query(call.request, category_id=path_id(category_id))
    page = services.catalog.list_category_products(query)
    return page_response(call.request, [product_view(p) for p in page.items], page.next_cursor)
