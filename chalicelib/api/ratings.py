from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.api.deferred import domain, schemas, services
from chalicelib.api.http import json_body, path_id, query_params
from chalicelib.api.pages import page_response
from chalicelib.api.responses import model_response, no_content
from chalicelib.api.routing import endpoint
from chalicelib.api.security import Call
from chalicelib.errors import NotFound
from chalicelib.schemas.validation import reference_check, validate

ratings = Blueprint(__name__)
RATING = "/api/ratings/{rating_id}"
RATE_SUMMARY = "Rate a product: 201 for a first rating, 200 when it replaces the caller's"
# For a 400 that names every field: whether the product of an invalid body exists.
RELATED = {"product": reference_check(lambda pk: services.catalog.get_product(pk))}


def rating_view(rating: domain.ratings.Rating) -> schemas.ratings.RatingPublic:
    return schemas.ratings.RatingPublic.of(rating)


def _rated(rated: tuple[domain.ratings.Rating, bool]) -> Response:
    rating, created = rated
    return model_response(rating_view(rating), 201 if created else 200)


@endpoint(ratings, "/api/products/{product_id}/rate", "POST", access="user",
          summary=RATE_SUMMARY, body="ratings:RateProduct", response="ratings:RatingPublic",
          status=201)  # fmt: skip
def rate_product(call: Call, product_id: str) -> Response:
    fields = validate(schemas.ratings.RateProduct, json_body(call.request))
    rated = services.ratings.rate(call.user, path_id(product_id), fields.rating, fields.comment)
    return _rated(rated)


@endpoint(ratings, "/api/ratings", "GET", summary="Ratings, by product and/or user",
          response="ratings:RatingPublic", many=True, paged=True,
          query="ratings:RatingListQuery")  # fmt: skip
def list_ratings(call: Call) -> Response:
    query = validate(schemas.ratings.RatingListQuery, query_params(call.request)).to_query()
    page = services.ratings.list_ratings(query)
    return page_response(call.request, [rating_view(r) for r in page.items], page.next_cursor)


@endpoint(ratings, "/api/ratings", "POST", access="user",
          summary=RATE_SUMMARY, body="ratings:RatingCreate", response="ratings:RatingPublic",
          status=201)  # fmt: skip
def create_rating(call: Call) -> Response:
    fields = validate(schemas.ratings.RatingCreate, json_body(call.request), related=RELATED)
    try:
        rated = services.ratings.rate(call.user, fields.product, fields.rating, fields.comment)
    except NotFound:
        raise domain.references.unknown_reference("product", [fields.product]) from None
    return _rated(rated)


@endpoint(ratings, RATING, "GET", summary="A rating", response="ratings:RatingPublic")
def get_rating(call: Call, rating_id: str) -> Response:
    return model_response(rating_view(services.ratings.get_rating(path_id(rating_id))))


def _update(
    call: Call,
    rating_id: str,
    schema: type[schemas.ratings.RatingReplace] | type[schemas.ratings.RatingPatch],
) -> Response:
    changes = schemas.ratings.rating_changes(validate(schema, json_body(call.request)))
    rating = services.ratings.update_rating(call.user, path_id(rating_id), changes)
    return model_response(rating_view(rating))


@endpoint(ratings, RATING, "PUT", summary="Replace a rating (author or staff)", access="user",
          body="ratings:RatingReplace", response="ratings:RatingPublic")  # fmt: skip
def replace_rating(call: Call, rating_id: str) -> Response:
    return _update(call, rating_id, schemas.ratings.RatingReplace)


@endpoint(ratings, RATING, "PATCH", summary="Change a rating (author or staff)", access="user",
          body="ratings:RatingPatch", response="ratings:RatingPublic")  # fmt: skip
def patch_rating(call: Call, rating_id: str) -> Response:
    return _update(call, rating_id, schemas.ratings.RatingPatch)


@endpoint(ratings, RATING, "DELETE", summary="Delete a rating (author or staff)",
          access="user", status=204)  # fmt: skip
def delete_rating(call: Call, rating_id: str) -> Response:
    services.ratings.delete_rating(call.user, path_id(rating_id))
    return no_content()
