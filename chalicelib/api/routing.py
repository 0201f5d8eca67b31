"""Route registration: every endpoint is wrapped so that errors take the API's shape, and
is recorded in a table that the OpenAPI document and the 405/OPTIONS fallbacks read."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from chalice import Blueprint, Chalice, Response
from pydantic import BaseModel

from chalicelib.api.responses import error_response, unexpected_error_response
from chalicelib.errors import MethodNotAllowed, ShopError

JSON = "application/json"
MULTIPART = "multipart/form-data"
HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
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


OPERATIONS: list[Operation] = []


def guarded(view: Callable[..., Response], request_of: Callable[[], Any]) -> Callable[..., Any]:
    @functools.wraps(view)
    def handle(**path_params: str) -> Response:
        try:
            return view(request_of(), **path_params)
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
        handler = guarded(view, lambda: blueprint.current_request)
        blueprint.route(path, methods=[method], content_types=list(content_types))(handler)
        OPERATIONS.append(
            Operation(path=path, method=method, content_types=content_types, **described)
        )
        return view

    return register


def install_fallbacks(app: Chalice, preflight: Callable[..., Response]) -> None:
    """Answer every other method on a known path with 405 and OPTIONS with a CORS
    preflight, in our error shape, instead of API Gateway's 403."""

    def method_not_allowed(request: Any, **_: str) -> Response:
        raise MethodNotAllowed(request.method)

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
