"""Schemathesis hooks for tests/e2e/test_schemathesis.py and `make fuzz`, loaded with
``SCHEMATHESIS_HOOKS=tests.e2e.schemathesis_hooks``.

Credentials are picked per operation from the environment the test sets
(``SHOP_FUZZ_URL``, ``SHOP_FUZZ_STAFF_TOKEN``, ``SHOP_FUZZ_USER_TOKEN``):

* staff operations run as a staff user, user operations as a customer, cart operations
  with a guest cart's ``X-Cart-Token`` (unless the case carries one of its own);
* operations that end or change the credentials they run with (logout, and changing or
  deleting a user, which can change a password, drop staff rights or delete the caller)
  run as a throwaway user signed up for that one request, so no other request ever
  loses its credentials.
"""

from __future__ import annotations

import os
import re
import secrets
from typing import Any

import requests
import schemathesis
from schemathesis import GenerationMode

TIMEOUT = 30
THROWAWAY_OPERATIONS = re.compile(
    r"^(POST /api/auth/logout/|(PUT|PATCH|DELETE) /api/users/\{user_id\}/)$"
)
# A schema-valid request may still be refused for what is stored, which no schema can
# say: a made-up cursor (only this deployment's signed cursors are accepted), an id
# that names nothing, a username or email already taken, stock, an empty cart, a status
# transition. Those 400s are expected; any other 400 to a schema-valid request is a lie
# of the document (or a bug), as schemathesis's positive_data_acceptance would report.
STORED_STATE_MESSAGES = re.compile(
    r"Invalid cursor\.|object does not exist|already exists|already taken|Insufficient stock"
    r"|only \d+ (left|available|in stock)|[Cc]art is empty|[Tt]ransition|cannot be changed"
    r"|Cannot|not allowed from|too similar|Invalid pk|does not exist|[Ss]tock|empty"
    r"|Unable to log in with provided credentials"
)


def _url() -> str:
    return os.environ["SHOP_FUZZ_URL"]


def _throwaway_token() -> str:
    name = f"fz{secrets.token_hex(6)}"
    password = f"pw-{secrets.token_hex(8)}"
    body = {"username": name, "password": password, "email": f"{name}@example.com"}
    requests.post(f"{_url()}/api/users/", json=body, timeout=TIMEOUT).raise_for_status()
    login = requests.post(
        f"{_url()}/api/auth/login/",
        json={"username": name, "password": password},
        timeout=TIMEOUT,
    )
    login.raise_for_status()
    return str(login.json()["token"])


def _guest_cart_token() -> str:
    issued = requests.post(f"{_url()}/api/cart/guest/", timeout=TIMEOUT)
    issued.raise_for_status()
    return str(issued.json()["cart_token"])


def _access(case: Any) -> str:
    security = case.operation.definition.raw.get("security", [])
    if not security:
        return "public"
    if {"cartToken": []} in security:
        return "cart"
    if "Staff only" in case.operation.definition.raw.get("description", ""):
        return "staff"
    return "user"


def _header_parameters(case: Any) -> set[str]:
    parameters = case.operation.definition.raw.get("parameters", [])
    return {p["name"] for p in parameters if p.get("in") == "header"}


@schemathesis.auth()
class ShopCredentials:
    def get(self, case: Any, context: Any) -> dict[str, str]:
        return {
            "staff": os.environ["SHOP_FUZZ_STAFF_TOKEN"],
            "user": os.environ["SHOP_FUZZ_USER_TOKEN"],
            "cart": _guest_cart_token(),
        }

    def set(self, case: Any, data: dict[str, str], context: Any) -> None:
        access = _access(case)
        if access == "public":
            return
        case.headers = case.headers or {}
        positive = case.meta is None or case.meta.generation.mode == GenerationMode.POSITIVE
        # A generated token names no cart: valid data gets a real one (negative data keeps
        # its own, which must be refused). Merge reads the guest cart's token too.
        if positive and "X-Cart-Token" in _header_parameters(case):
            case.headers["X-Cart-Token"] = data["cart"]
        if access == "cart":
            return
        if THROWAWAY_OPERATIONS.match(case.operation.label):
            token = _throwaway_token()
        else:
            token = data[access]
        case.headers["Authorization"] = f"Token {token}"


def _messages(body: Any) -> list[str]:
    if not isinstance(body, dict):
        return []
    found: list[str] = []
    for value in body.values():
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, list):
            found.extend(str(item) for item in value)
    return found


@schemathesis.check
def schema_valid_requests_fail_only_on_stored_state(ctx: Any, response: Any, case: Any) -> None:
    """positive_data_acceptance, with 400 allowed only for reasons of stored state."""
    meta = case.meta
    if meta is None or meta.generation.mode != GenerationMode.POSITIVE:
        return
    if response.status_code != 400:
        return
    try:
        body = response.json()
    except ValueError:
        body = None
    messages = _messages(body)
    unexplained = [m for m in messages if not STORED_STATE_MESSAGES.search(m)]
    if unexplained or not messages:
        raise AssertionError(
            f"A schema-valid request was refused with 400: {unexplained or response.text}"
        )
