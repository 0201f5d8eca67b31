"""The OpenAPI 3.1 document, built from the route table and the pydantic schemas, so it
cannot drift from the code.

It states what the API enforces: bounds, lengths and patterns of every field (the
schemas' validators are the rule, their annotations describe them), the error bodies of
every status an operation can answer, the response headers (``ETag``, ``Link``,
``Retry-After``, ...) and links between operations, so that a client generator or a
fuzzer (``make fuzz``) can rely on it."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from chalicelib.api.deferred import resolve
from chalicelib.api.routing import (
    JSON,
    MULTIPART,
    OPERATIONS,
    Operation,
    SchemaRef,
    is_catalog_read,
)
from chalicelib.domain.numbers import MAX_ID, MAX_SIGNIFICANT_DIGITS
from chalicelib.schemas.common import NOT_BLANK_MARK, NOT_BLANK_PATTERNS

REF = "#/components/schemas/{model}"
IMAGE_FIELD = "image"
PATH_PARAMETER = re.compile(r"{(\w+)}")
ERROR_DESCRIPTIONS = {
    400: 'Invalid input: field errors (`{"field": ["message"]}`, `non_field_errors` for '
    "the body as a whole) or a detail (a body that is not JSON, a rule of the operation)",
    401: "No credentials, or invalid or expired ones",
    403: "Not allowed, or a failed CSRF check",
    404: "Not found",
    409: "Conflicts with stored state",
    413: "Body too large (JSON over 64 KB; a form over 4 MB + 64 KB)",
    415: "Unsupported content type",
    429: "Throttled; see Retry-After",
    503: "The database is busy; see Retry-After",
}
HEADER_DESCRIPTIONS = {
    "Idempotency-Key": "Repeating a request with the same key within 24 hours returns the "
    "first response and creates nothing; the same key with another body is a 409.",
    "X-Cart-Token": "The `cart_token` of a guest cart from POST /api/cart/guest/.",
    "If-None-Match": "An `ETag` of an earlier answer (or `*`): a 304 without body while it "
    "is still current.",
}
HEADER_SCHEMAS: dict[str, dict[str, Any]] = {
    "Idempotency-Key": {
        "type": "string",
        "minLength": 1,
        "maxLength": 255,
        "pattern": "^[\\x20-\\x7e]+$",
    },
    "X-Cart-Token": {"type": "string", "maxLength": 200, "pattern": "^[\\x21-\\x7e]*$"},
    # Any text: a value that names no current ETag (malformed ones included) is ignored.
    "If-None-Match": {"type": "string"},
}
RETRY_AFTER = {
    "description": "Seconds to wait before retrying",
    "schema": {"type": "integer", "minimum": 1},
}
SECURITY_SCHEMES = {
    "token": {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": "`Token <token>` from POST /api/auth/login/",
    },
    "bearer": {"type": "http", "scheme": "bearer"},
    "cartToken": {
        "type": "apiKey",
        "in": "header",
        "name": "X-Cart-Token",
        "description": "A guest cart's token, accepted by the cart endpoints instead of a "
        "login (except checkout and merge).",
    },
    "session": {
        "type": "apiKey",
        "in": "cookie",
        "name": "sessionid",
        "description": "Unsafe methods also need header X-CSRFToken equal to the csrftoken cookie.",
    },
}
ERROR_SCHEMAS = {
    "Detail": {
        "type": "object",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    },
    "FieldErrors": {
        "type": "object",
        "description": "Messages per field; `non_field_errors` for the body as a whole.",
        "minProperties": 1,
        "additionalProperties": {"type": "array", "items": {"type": "string"}, "minItems": 1},
    },
    "BadRequest": {
        "anyOf": [{"$ref": REF.format(model="FieldErrors")}, {"$ref": REF.format(model="Detail")}]
    },
}
# pydantic writes constraints it cannot apply natively (after a custom validator) under
# their Python names; JSON Schema's are these.
CONSTRAINT_NAMES = {
    "ge": "minimum",
    "le": "maximum",
    "gt": "exclusiveMinimum",
    "lt": "exclusiveMaximum",
    "min_length": "minLength",
    "max_length": "maxLength",
}
# Creations that answer 200 when they change what exists instead.
ALSO_SUCCEEDS_WITH_200 = {
    ("POST", "/api/cart/add_item"): "More of a product already in the cart: its line",
    ("POST", "/api/products/{product_id}/rate"): "The caller's earlier rating, replaced",
    ("POST", "/api/ratings"): "The caller's earlier rating of the product, replaced",
}
# What each operation's success hands to others: (link name, target operation, the
# parameters, request body or headers it fills). "$response.body#/id" is the new id.
ID = "$response.body#/id"


def _operation_id(method: str, path: str) -> str:
    return f"{method.lower()}{path.replace('/', '_')}"


def _links_to(path: str, parameter: str, methods: tuple[str, ...], value: str = ID) -> dict:
    return {
        f"{method.capitalize()}{_tag(path).capitalize()}": {
            "operationId": _operation_id(method, path),
            "parameters": {parameter: value},
        }
        for method in methods
    }


ITEM_METHODS = ("GET", "PUT", "PATCH", "DELETE")
CART_OPERATIONS = (
    ("GET", "/api/cart/items"),
    ("POST", "/api/cart/add_item"),
    ("POST", "/api/cart/remove_item"),
    ("POST", "/api/cart/update_quantity"),
    ("POST", "/api/cart/clear"),
    ("DELETE", "/api/cart/delete"),
)


def _links() -> dict[tuple[str, str], dict[str, Any]]:
    order = "/api/orders/{order_id}"
    product = "/api/products/{product_id}"
    category = "/api/categories/{category_id}"
    rating = "/api/ratings/{rating_id}"
    user = "/api/users/{user_id}"
    cart_token = "$response.body#/cart_token"
    guest_cart_links = {
        f"{method.capitalize()}{path.rsplit('/', 1)[1].title().replace('_', '')}": {
            "operationId": _operation_id(method, path),
            "parameters": {"header.X-Cart-Token": cart_token},
        }
        for method, path in CART_OPERATIONS
    }
    guest_cart_links["MergeCart"] = {
        "operationId": _operation_id("POST", "/api/cart/merge"),
        "parameters": {"header.X-Cart-Token": cart_token},
        "requestBody": {"cart_id": "$response.body#/cart_id"},
    }
    product_links = {
        **_links_to(product, "product_id", ITEM_METHODS),
        "RateProduct": {
            "operationId": _operation_id("POST", "/api/products/{product_id}/rate"),
            "parameters": {"product_id": ID},
        },
        "ListProductRatings": {
            "operationId": _operation_id("GET", "/api/ratings"),
            "parameters": {"product": ID},
        },
        "CreateRating": {
            "operationId": _operation_id("POST", "/api/ratings"),
            "requestBody": {"product": ID},
        },
        "AddToCart": {
            "operationId": _operation_id("POST", "/api/cart/add_item"),
            "requestBody": {"product_id": ID},
        },
        "OrderProduct": {
            "operationId": _operation_id("POST", "/api/orders"),
            "requestBody": {"order_items": [{"product": ID, "quantity": 1}]},
        },
    }
    # A cart line names its product; the same cart (the guest cart's token, when the line
    # was added with one) changes it.
    same_cart = "$request.header.X-Cart-Token"
    line_links = {
        name: {
            "operationId": _operation_id("POST", path),
            "parameters": {"header.X-Cart-Token": same_cart},
            "requestBody": {"product_id": "$response.body#/product"},
        }
        for name, path in (
            ("UpdateQuantity", "/api/cart/update_quantity"),
            ("RemoveItem", "/api/cart/remove_item"),
        )
    }
    return {
        ("POST", "/api/orders"): _links_to(order, "order_id", ITEM_METHODS),
        ("POST", "/api/cart/checkout"): _links_to(
            order, "order_id", ITEM_METHODS, "$response.body#/order_id"
        ),
        ("POST", "/api/products"): product_links,
        ("POST", "/api/categories"): {
            **_links_to(category, "category_id", ITEM_METHODS),
            "GetCategoryProducts": {
                "operationId": _operation_id("GET", "/api/categories/{category_id}/products"),
                "parameters": {"category_id": ID},
            },
            "CreateProduct": {
                "operationId": _operation_id("POST", "/api/products"),
                "requestBody": {"category": ID},
            },
        },
        ("POST", "/api/cart/add_item"): line_links,
        ("POST", "/api/ratings"): _links_to(rating, "rating_id", ITEM_METHODS),
        ("POST", "/api/products/{product_id}/rate"): _links_to(rating, "rating_id", ITEM_METHODS),
        ("POST", "/api/users"): {
            **_links_to(user, "user_id", ITEM_METHODS),
            # The new user logs in with the username and password it signed up with.
            "Login": {
                "operationId": _operation_id("POST", "/api/auth/login"),
                "requestBody": {
                    "username": "$response.body#/username",
                    "password": "$request.body#/password",
                },
            },
        },
        ("POST", "/api/cart/guest"): guest_cart_links,
        # The token goes into `Authorization: Token <token>`, which a link cannot compose:
        # clients prefix it themselves (securitySchemes.token).
        ("POST", "/api/auth/login"): _links_to(
            user, "user_id", ("GET",), "$response.body#/user/id"
        ),
    }


def _model(reference: SchemaRef | None) -> type[BaseModel] | None:
    return None if reference is None else resolve(reference)


def _number(value: Any) -> Any:
    if isinstance(value, str):
        value = Decimal(value)
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _decimal(node: dict[str, Any]) -> dict[str, Any]:
    """A decimal a client sends, as a JSON number or a string. Its bounds hold for both;
    a string is stated by a pattern (digits, at most ``decimal_places`` after the point)."""
    places = node.pop("decimal_places", None)
    bounds: dict[str, Any] = {
        key: node.pop(key) for key in ("minimum", "maximum", "exclusiveMaximum") if key in node
    }
    number: dict[str, Any] = {"type": "number", **bounds}
    fraction = r"(\.\d*)?" if places is None else rf"(\.\d{{0,{places}}})?"
    sign = "" if bounds.get("minimum", -1) >= 0 else "-?"
    text: dict[str, Any] = {
        "type": "string",
        "format": "decimal",
        "pattern": rf"^{sign}\d+{fraction}$",
    }
    if places is not None:
        number["multipleOf"] = float(Decimal(1).scaleb(-places))
    integer_digits = None
    if "exclusiveMaximum" in bounds and bounds.get("minimum", -1) >= 0:
        limit = Decimal(str(bounds["exclusiveMaximum"]))
        if limit == 10 ** (len(str(int(limit))) - 1):  # a power of ten: count the digits
            integer_digits = len(str(int(limit))) - 1
            if places is None:  # what DynamoDB stores: 38 significant digits in all
                fraction = rf"(\.\d{{0,{MAX_SIGNIFICANT_DIGITS - integer_digits}}})?"
            text["pattern"] = rf"^0*\d{{1,{integer_digits}}}{fraction}$"
    description = "A decimal number, as a JSON number or a string."
    return {"anyOf": [number, text], "description": description, **node}


def _normalized(node: Any) -> Any:
    """pydantic's schema, said in JSON Schema: its Python-named leftovers translated,
    decimals spelled out, and blank-refusing text given its not-blank pattern."""
    if isinstance(node, list):
        return [_normalized(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _normalized(value) for key, value in node.items()}
    for python_name, json_name in CONSTRAINT_NAMES.items():
        if python_name in node:
            node[json_name] = _number(node.pop(python_name))
    for key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        if key in node:
            node[key] = _number(node[key])
    if node.pop(NOT_BLANK_MARK, False) and node.get("pattern") in NOT_BLANK_PATTERNS:
        node["pattern"] = NOT_BLANK_PATTERNS[node["pattern"]]
    branches = node.get("anyOf")
    if (
        isinstance(branches, list)
        and {"type": "number"} in branches
        and {"type": "string"} in branches
        and len(branches) == 2
    ):
        del node["anyOf"]
        node = _decimal(node)
    node.pop("title", None)
    return node


class _Schemas:
    """Component schemas, with request bodies in validation mode and responses in
    serialization mode (they differ where a field is serialized, e.g. money as text)."""

    def __init__(self, operations: list[Operation]) -> None:
        keys: dict[tuple[type[BaseModel], str], None] = {}
        for operation in operations:
            body, response = _model(operation.body), _model(operation.response)
            if body is not None:
                keys[(body, "validation")] = None
            if response is not None:
                keys[(response, "serialization")] = None
        refs, document = models_json_schema(list(keys), ref_template=REF)  # type: ignore[arg-type]
        self.refs: dict[tuple[type[BaseModel], str], dict[str, Any]] = dict(refs)  # type: ignore[arg-type]
        self.components = {**_normalized(document.get("$defs", {})), **ERROR_SCHEMAS}

    def body(self, model: type[BaseModel]) -> dict[str, Any]:
        return self.refs[(model, "validation")]

    def response(self, model: type[BaseModel]) -> dict[str, Any]:
        return self.refs[(model, "serialization")]


def _text_only(branch: dict[str, Any]) -> dict[str, Any]:
    """A decimal in a query string is text (``?max_price=10.50``): its string form alone.
    A JSON number would reach the query in whatever notation a client's library writes
    it (``2.2e-311``), which the document cannot bound."""
    texts = [b for b in branch.get("anyOf", []) if b.get("format") == "decimal"]
    if not texts:
        return branch
    return {**texts[0], **{k: v for k, v in branch.items() if k not in ("anyOf", "description")}}


def _query_schema(field_schema: dict[str, Any]) -> dict[str, Any]:
    """A query parameter's schema: never null (a query string has no null), and an empty
    value means "no filter" (as an untouched filter form sends it)."""
    schema = _normalized(field_schema)
    schema.pop("default", None)
    branches = [_text_only(b) for b in schema.pop("anyOf", [schema]) if b.get("type") != "null"]
    for branch in branches:
        branch.pop("default", None)
        branch.pop("description", None)
    described = {k: v for k, v in schema.items() if k in ("description",)}
    return {"anyOf": [*branches, {"type": "string", "maxLength": 0}], **described}


def _request_headers(operation: Operation) -> tuple[str, ...]:
    headers = operation.headers
    if operation.access == "cart":
        headers = (*headers, "X-Cart-Token")
    if is_catalog_read(operation):
        headers = (*headers, "If-None-Match")
    return headers


def _parameters(operation: Operation) -> list[dict[str, Any]]:
    path_schema: dict[str, Any] = {
        "type": "integer",
        "format": "int64",
        "minimum": 1,
        "maximum": MAX_ID,
    }
    if operation.path_values:
        path_schema = {"type": "string", "enum": list(operation.path_values)}
    parameters: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "schema": path_schema}
        for name in PATH_PARAMETER.findall(operation.path)
    ]
    parameters += [
        {
            "name": header,
            "in": "header",
            "required": False,
            "description": HEADER_DESCRIPTIONS[header],
            "schema": HEADER_SCHEMAS[header],
        }
        for header in _request_headers(operation)
    ]
    query = _model(operation.query)
    if query is not None:
        schema = query.model_json_schema()
        for name, field_schema in schema.get("properties", {}).items():
            parameters.append(
                {
                    "name": name,
                    "in": "query",
                    "required": False,
                    "schema": _query_schema(field_schema),
                }
            )
    return parameters


def _cache_headers() -> dict[str, Any]:
    return {
        "ETag": {"description": "Strong tag of this answer", "schema": {"type": "string"}},
        "Cache-Control": {
            "description": "`public, max-age=..., stale-while-revalidate=...`",
            "schema": {"type": "string"},
        },
    }


def _success(operation: Operation, schemas: _Schemas) -> dict[str, Any]:
    if operation.status == 204:
        return {"description": "No content"}
    response: dict[str, Any] = {"description": operation.summary}
    response_model = _model(operation.response)
    if response_model is not None:
        schema: dict[str, Any] = schemas.response(response_model)
        if operation.many:
            schema = {"type": "array", "items": schema}
        response["content"] = {"application/json": {"schema": schema}}
    elif operation.media_type != JSON:
        response["content"] = {operation.media_type: {"schema": {"type": "string"}}}
    else:
        response["content"] = {"application/json": {"schema": {"type": "object"}}}
    headers: dict[str, Any] = {}
    if operation.paged:
        headers["Link"] = {
            "description": 'Present when more items follow: `<url>; rel="next"`',
            "schema": {"type": "string"},
        }
    if is_catalog_read(operation):
        headers.update(_cache_headers())
    if "Idempotency-Key" in operation.headers:
        headers["Idempotent-Replayed"] = {
            "description": "`true` when this is the stored answer to an earlier request "
            "with the same Idempotency-Key",
            "schema": {"type": "string", "enum": ["true"]},
        }
    if headers:
        response["headers"] = headers
    links = _links().get((operation.method, operation.path.rstrip("/")))
    if links:
        response["links"] = links
    return response


# A file part (with a filename) replaces the image. A form has no null: an empty text part
# `image` removes it, and an empty file input (no filename, no bytes) keeps it.
FORM_IMAGE = {
    "type": "string",
    "format": "binary",
    "contentMediaType": "image/*",
    "description": "The new image, a JPEG, PNG, WebP or GIF file of at most 4 MB. An empty "
    "text part `image` (no filename) removes the image instead.",
}


def _form_field(schema: dict[str, Any]) -> dict[str, Any]:
    """A JSON field's schema as a form's text part: a form has no null (the text `null`
    is no number and no id, and is refused as such, as DRF's form parsing does), and a
    decimal is its text."""
    branches = [b for b in schema.get("anyOf", [schema]) if b.get("type") != "null"]
    rest = {k: v for k, v in schema.items() if k not in ("anyOf", "default")}
    if len(branches) == 1:
        return _text_only({**branches[0], **rest})
    return {**rest, "anyOf": [_text_only(b) for b in branches]}


def _form_schema(component: dict[str, Any]) -> dict[str, Any]:
    """A form upload: the JSON body's fields as text parts, and the image as a file."""
    properties = {
        name: _form_field(field)
        for name, field in component.get("properties", {}).items()
        if name != IMAGE_FIELD
    }
    form: dict[str, Any] = {
        "type": "object",
        "properties": {**properties, IMAGE_FIELD: FORM_IMAGE},
    }
    if component.get("required"):
        form["required"] = component["required"]
    return form


def _body_schema(content_type: str, schema: dict[str, Any], schemas: _Schemas) -> dict[str, Any]:
    if content_type != MULTIPART:
        return schema
    return _form_schema(schemas.components[schema["$ref"].rsplit("/", 1)[1]])


def _error_statuses(operation: Operation) -> list[int]:
    # Every operation: a Content-Type it does not take (415), a database that stays busy
    # (503).
    statuses = {415, 503, *operation.errors}
    if operation.body is not None or operation.query is not None or operation.headers:
        statuses.add(400)
    if operation.body is not None:
        statuses.add(413)
    if operation.access != "public":
        statuses |= {401, 403}
    if PATH_PARAMETER.search(operation.path):
        statuses.add(404)
    return sorted(statuses)


def _error(status: int) -> dict[str, Any]:
    schema = "BadRequest" if status == 400 else "Detail"
    response: dict[str, Any] = {
        "description": ERROR_DESCRIPTIONS[status],
        "content": {"application/json": {"schema": {"$ref": REF.format(model=schema)}}},
    }
    if status in (429, 503):
        response["headers"] = {"Retry-After": RETRY_AFTER}
    if status == 401:
        response["headers"] = {
            "WWW-Authenticate": {"description": '`Token realm="api"`', "schema": {"type": "string"}}
        }
    return response


def _tag(path: str) -> str:
    """The segment after /api/ (``products``); the root, /api/ itself, is ``api``."""
    segments = path.strip("/").split("/")
    return segments[1] if len(segments) > 1 else segments[0]


def _body_required(model: type[BaseModel]) -> bool:
    """A body is required when it has a required field; a PATCH may send none (DRF
    changes nothing then)."""
    return any(field.is_required() for field in model.model_fields.values())


def _operation(operation: Operation, schemas: _Schemas) -> dict[str, Any]:
    described: dict[str, Any] = {
        "summary": operation.summary,
        "operationId": _operation_id(operation.method, operation.path),
        "tags": [_tag(operation.path)],
        "parameters": _parameters(operation),
        "responses": {str(operation.status): _success(operation, schemas)},
    }
    also = ALSO_SUCCEEDS_WITH_200.get((operation.method, operation.path))
    if also:
        described["responses"]["200"] = {**described["responses"]["201"], "description": also}
    if is_catalog_read(operation):
        described["responses"]["304"] = {
            "description": "Not modified: If-None-Match names the current ETag",
            "headers": _cache_headers(),
        }
    for status in _error_statuses(operation):
        described["responses"][str(status)] = _error(status)
    body = _model(operation.body)
    if body is not None:
        described["requestBody"] = {
            "required": _body_required(body),
            "content": {
                content_type: {"schema": _body_schema(content_type, schemas.body(body), schemas)}
                for content_type in operation.content_types
            },
        }
    if operation.access == "public":
        described["security"] = []
    else:
        described["security"] = [{"token": []}, {"bearer": []}, {"session": []}]
        if operation.access == "cart":
            described["security"].append({"cartToken": []})
        if operation.access == "staff":
            described["description"] = "Staff only."
    return described


def openapi_document(server_url: str) -> dict[str, Any]:
    schemas = _Schemas(OPERATIONS)
    paths: dict[str, dict[str, Any]] = {}
    for operation in OPERATIONS:
        path = operation.path.rstrip("/") + "/"
        paths.setdefault(path, {})[operation.method.lower()] = _operation(operation, schemas)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Shop API",
            "version": "1.0.0",
            "description": "Categories, products, users and sessions. Every path also "
            "works without its trailing slash. Lists are paged with `limit` and `cursor`. "
            "Any other method on a path is a 405 with `Allow`; errors are "
            '`{"detail": "..."}` or, for invalid input, `{"field": ["message"]}`.',
        },
        "servers": [{"url": server_url}],
        "paths": paths,
        "components": {"schemas": schemas.components, "securitySchemes": SECURITY_SCHEMES},
    }
