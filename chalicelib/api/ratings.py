from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint, Response
from chalice.app import Request

from chalicelib.api.deferred import deferred
from chalicelib.api.http import json_body, path_id, query_params
from chalicelib.api.pages import page_response
from chalicelib.api.responses import model_response, no_content
from chalicelib.api.routing import endpoint
from chalicelib.api.security import require_user
from chalicelib.errors import InvalidInput, NotFound
from chalicelib.schemas.validation import validate

if TYPE_CHECKING:
    from chalicelib.domain.ratings import Rating
    from chalicelib.schemas import ratings as schemas
    from chalicelib.schemas.ratings import RatingPatch, RatingPublic, RatingReplace
    from chalicelib.services import ratings as rating_service
else:
    schemas = deferred("chalicelib.schemas.ratings")
    rating_service = deferred("chalicelib.services.ratings")

ratings = Blueprint(__name__)
RATING = "/api/ratings/{rating_id}"
RATE_SUMMARY = "Rate a product: 201 for a first rating, 200 when it replaces the caller's"


def rating_view(rating: Rating) -> RatingPublic:
    return schemas.RatingPublic.of(rating)


def _rated(rated: tuple[Rating, bool]) -> Response:
    rating, created = rated
    return model_response(rating_view(rating), 201 if created else 200)


@endpoint(ratings, "/api/products/{product_id}/rate", "POST", access="user",
          summary=RATE_SUMMARY, body="ratings:RateProduct", response="ratings:RatingPublic",
          status=201)  # fmt: skip
def rate_product(request: Request, product_id: str) -> Response:
    actor = require_user(request).user
    fields = validate(schemas.RateProduct, json_body(request))
    return _rated(rating_service.rate(actor, path_id(product_id), fields.rating, fields.comment))


@endpoint(ratings, "/api/ratings", "GET", summary="Ratings, by product and/or user",
          response="ratings:RatingPublic", many=True, paged=True,
          query="ratings:RatingListQuery")  # fmt: skip
def list_ratings(request: Request) -> Response:
    query = validate(schemas.RatingListQuery, query_params(request)).to_query()
    page = rating_service.list_ratings(query)
    return page_response(request, [rating_view(r) for r in page.items], page.next_cursor)


@endpoint(ratings, "/api/ratings", "POST", access="user",
          summary=RATE_SUMMARY, body="ratings:RatingCreate", response="ratings:RatingPublic",
          status=201)  # fmt: skip
def create_rating(request: Request) -> Response:
    actor = require_user(request).user
    fields = validate(
        schemas.RatingCreate, json_body(request), related={"product": _unknown_product}
    )
    try:
        rated = rating_service.rate(actor, fields.product, fields.rating, fields.comment)
    except NotFound:
        raise InvalidInput.on("product", _no_such_product(fields.product)) from None
    return _rated(rated)


def _no_such_product(product_id: object) -> str:
    return f'Invalid pk "{product_id}" - object does not exist.'


def _unknown_product(product_id: object) -> str | None:
    """For a 400 that names every field: whether the product of an invalid body exists."""
    from chalicelib.services import catalog

    try:
        catalog.get_product(int(str(product_id)))
    except (NotFound, ValueError):
        return _no_such_product(product_id)
    return None


@endpoint(ratings, RATING, "GET", summary="A rating", response="ratings:RatingPublic")
def get_rating(request: Request, rating_id: str) -> Response:
    return model_response(rating_view(rating_service.get_rating(path_id(rating_id))))


def _update(
    request: Request, rating_id: str, schema: type[RatingReplace] | type[RatingPatch]
) -> Response:
    actor = require_user(request).user
    # PUT requires the rating; like PATCH it changes only what is sent, so a comment left
    # out is kept (DRF's serializers do the same), never blanked.
    fields = validate(schema, json_body(request))
    changes = fields.model_dump(exclude_unset=True, exclude_none=True)
    rating = rating_service.update_rating(actor, path_id(rating_id), changes)
    return model_response(rating_view(rating))


@endpoint(ratings, RATING, "PUT", summary="Replace a rating (author or staff)", access="user",
          body="ratings:RatingReplace", response="ratings:RatingPublic")  # fmt: skip
def replace_rating(request: Request, rating_id: str) -> Response:
    return _update(request, rating_id, schemas.RatingReplace)


@endpoint(ratings, RATING, "PATCH", summary="Change a rating (author or staff)", access="user",
          body="ratings:RatingPatch", response="ratings:RatingPublic")  # fmt: skip
def patch_rating(request: Request, rating_id: str) -> Response:
    return _update(request, rating_id, schemas.RatingPatch)


@endpoint(ratings, RATING, "DELETE", summary="Delete a rating (author or staff)",
          access="user", status=204)  # fmt: skip
def delete_rating(request: Request, rating_id: str) -> Response:
    actor = require_user(request).user
    rating_service.delete_rating(actor, path_id(rating_id))
    return no_content()
