"""``GET /api/``: the API root, as Django REST Framework's DefaultRouter answers it, so
that a client (or a person with a browser) can start from one URL and find the rest."""

from __future__ import annotations

from chalice import Blueprint, Response
from chalice.app import Request

from chalicelib.api.http import absolute_url
from chalicelib.api.responses import json_response
from chalicelib.api.routing import endpoint
from chalicelib.api.security import Call

root = Blueprint(__name__)

# Each resource's entry point, relative to /api/. The cart and auth have no list of
# their own: they are entered through the cart's items and through login.
RESOURCES = {
    "categories": "categories/",
    "products": "products/",
    "ratings": "ratings/",
    "cart": "cart/items/",
    "orders": "orders/",
    "users": "users/",
    "auth": "auth/login/",
    "schema": "schema/",
    "docs": "docs/",
}


def api_base_url(request: Request) -> str:
    """This API's absolute base URL ending in ``/api/``: the Host header and the path the
    request came in on, so a deployed stage's prefix (``/prod/api/``) is kept."""
    return absolute_url(request, {}).removesuffix("?").rstrip("/") + "/"


@endpoint(root, "/api", "GET", summary="The API root: the URL of every resource", access="public")
def get_api_root(call: Call) -> Response:
    base = api_base_url(call.request)
    return json_response({name: base + path for name, path in RESOURCES.items()})
