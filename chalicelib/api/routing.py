"""Route registration: every endpoint is wrapped so that its declared access is enforced
and the admitted caller handed to it (a ``Call``), errors take the API's shape, and it
is recorded in a table that the OpenAPI document, the 405/OPTIONS fallbacks and the
response header policy (caching, ``Allow``) read. Every GET route answers HEAD too."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from chalice import Blueprint, Chalice, Response
from pydantic import BaseModel

from chalicelib.api.responses import error_response, unexpected_error_response
from chalicelib.api.security import Call, admitted
from chalicelib.errors import MethodNotAllowed, ShopError

JSON = "application/json"
MULTIPART = "multipart/form-data"
HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
# The order methods are listed in an ``Allow`` header.
ALLOW_ORDER = (*HTTP_METHODS, "OPTIONS")
# Public reads under these paths are the catalog: shared caches may keep them (see
# ``is_catalog_read``); every other response is private and never stored.
CATALOG_PATHS = ("/api/products", "/api/categories", "/api/ratings")
SchemaRef = type[BaseModel] | str


@dataclass(frozen=True)
class Operation:
    path: str
    method: str
    summary: str
    access: str = "public"  # public | user | staff | cart (user or guest cart token)
    # Schemas: a class, or text such as "catalog:ProductPublic" (see deferred.resolve) so
    # that the route module need not import it.
    body: SchemaRef | None = None
    response: SchemaRef | None = None
    status: int = 200
    many: bool = False
    paged: bool = False
    query: SchemaRef | None = None
    errors: tuple[int, ...] = field(default=())
    content_types: tuple[str, ...] = (JSON,)
    headers: tuple[str, ...] = ()  # request headers the operation reads, for the document
    media_type: str = JSON  # of the success response (the docs page answers HTML)
    # The values a path parameter may take when it is a name rather than an id.
    path_values: tuple[str, ...] = ()


OPERATIONS: list[Operation] = []


def _segments(path: str) -> list[str]:
    return path.strip("/").split("/")


def _matches(route: str, path: str) -> bool:
    """Whether a request path (or the route itself) falls under ``route``; a ``{name}``
    segment stands for any one segment, and a trailing slash makes no difference."""
    expected, given = _segments(route), _segments(path)
    return len(expected) == len(given) and all(
        want == got or (want.startswith("{") and want.endswith("}") and got != "")
        for want, got in zip(expected, given, strict=True)
    )


def _route_of(path: str) -> str | None:
    """The route a path falls under, preferring literal segments (``/api/users/me`` over
    ``/api/users/{user_id}``), as API Gateway does."""
    routes = {operation.path for operation in OPERATIONS if _matches(operation.path, path)}
    if not routes:
        return None
    return max(routes, key=lambda route: [not s.startswith("{") for s in _segments(route)])


def allowed_methods(path: str) -> list[str]:
    """The methods that work on ``path`` (a route such as ``/api/products/{product_id}``
    or a request path such as ``/api/products/7/``), as an ``Allow`` header lists them:
    HEAD wherever GET works, and OPTIONS (the CORS preflight) on every known path. An
    unknown path has none."""
    route = _route_of(path)
    if route is None:
        return []
    methods = {operation.method for operation in OPERATIONS if operation.path == route}
    if "GET" in methods:
        methods.add("HEAD")
    methods.add("OPTIONS")
    return [method for method in ALLOW_ORDER if method in methods]


def operation_of(route: str, method: str) -> Operation | None:
    """The operation that answers ``method`` on ``route`` (HEAD is answered by GET's)."""
    wanted = "GET" if method == "HEAD" else method
    for operation in OPERATIONS:
        if operation.path == route and operation.method == wanted:
            return operation
    return None


def is_catalog_read(operation: Operation | None) -> bool:
    """A read of the public catalog (products, categories, ratings): the same answer for
    every caller, so shared caches may keep it. Their routes never look at credentials."""
    return (
        operation is not None
        and operation.method == "GET"
        and operation.access == "public"
        and operation.path.startswith(CATALOG_PATHS)
    )


def guarded(
    view: Callable[..., Response], request_of: Callable[[], Any], access: str = "public"
) -> Callable[..., Any]:
    """``view(call, **path_params)``, called only once the route's declared access admits
    the caller (see ``security.admitted``), with that caller in ``call.principal``."""

    @functools.wraps(view)
    def handle(**path_params: str) -> Response:
        try:
            request = request_of()
            return view(Call(request, admitted(access, request)), **path_params)
        except ShopError as error:
            return error_response(error)
        except Exception as error:  # the edge: nothing unexpected leaves as a stack trace
            return unexpected_error_response(error)

    return handle


def endpoint(
    blueprint: Blueprint,
    path: str,
    method: str,
    *,
    content_types: tuple[str, ...] = (JSON,),
    **described: Any,
) -> Callable[[Callable[..., Response]], Callable[..., Response]]:
    def register(view: Callable[..., Response]) -> Callable[..., Response]:
        access = described.get("access", "public")
        handler = guarded(view, lambda: blueprint.current_request, access)
        # HEAD is GET without the body (the middleware drops it and keeps its length).
        methods = [method, "HEAD"] if method == "GET" else [method]
        blueprint.route(path, methods=methods, content_types=list(content_types))(handler)
        OPERATIONS.append(
            Operation(path=path, method=method, content_types=content_types, **described)
        )
        return view

    return register


def install_fallbacks(app: Chalice, preflight: Callable[..., Response]) -> None:
    """Answer every other method on a known path with 405 (with ``Allow``, added by the
    middleware to every 405) and OPTIONS with a CORS preflight, in our error shape,
    instead of API Gateway's 403."""

    def method_not_allowed(call: Call, **_: str) -> Response:
        raise MethodNotAllowed(call.request.method)

    for path, registered in list(app.routes.items()):
        missing = [method for method in HTTP_METHODS if method not in registered]
        if missing:
            app.route(path, methods=missing, content_types=["*/*"])(
                guarded(method_not_allowed, lambda: app.current_request)
            )
        if "OPTIONS" not in registered:
            app.route(path, methods=["OPTIONS"], content_types=["*/*"])(
                guarded(preflight, lambda: app.current_request)
            )
