"""Schemathesis hooks for tests/e2e/test_schemathesis.py and `make fuzz`, loaded with
``SCHEMATHESIS_HOOKS=tests.e2e.schemathesis_hooks``.

Credentials are picked per operation from the environment the test sets
(``SHOP_FUZZ_URL``, ``SHOP_FUZZ_STAFF_TOKEN``, ``SHOP_FUZZ_USER_TOKEN``), so that every
operation can succeed with schema-valid data:

* staff operations run as a staff user, user operations as a customer;
* cart operations run with the guest cart's ``X-Cart-Token`` when a link handed them one
  (``POST /api/cart/guest/`` and the cart line links), otherwise as the customer, whose
  cart outlives a single request (a line added by one case can be changed by the next);
* merging runs as the customer with a guest cart issued for it (its token and its id);
  checkout runs with something in the customer's cart, and changing or removing a line
  with a line of that product in it;
* an operation on ``/api/users/{user_id}/`` that names a user this run signed up runs as
  that user; other operations that end or change the credentials they run with (logout,
  and changing or deleting a user, which can change a password, drop staff rights or
  delete the caller) run as a throwaway user signed up for that one request, so no other
  request ever loses its credentials.

Negative cases keep what was generated: a made-up cart token or id must be refused.
"""

from __future__ import annotations

import os
import re
import secrets
import threading
from typing import Any

import requests
import schemathesis
from schemathesis import GenerationMode
from schemathesis.core.failures import AcceptedNegativeData
from schemathesis.generation.meta import TestPhase

TIMEOUT = 30
THROWAWAY_OPERATIONS = re.compile(
    r"^(POST /api/auth/logout/|(PUT|PATCH|DELETE) /api/users/\{user_id\}/)$"
)
USER_OPERATIONS = re.compile(r"^(GET|PUT|PATCH|DELETE) /api/users/\{user_id\}/$")
GUEST_CART = "POST /api/cart/guest/"
SIGNUP = "POST /api/users/"
MERGE = "POST /api/cart/merge/"
CHECKOUT = "POST /api/cart/checkout/"
LINE_CHANGES = ("POST /api/cart/update_quantity/", "POST /api/cart/remove_item/")
# A schema-valid request may still be refused with 400 for what is stored, which no
# schema can state: a made-up cursor (only this deployment's signed cursors are
# accepted), an id that names nothing, a username or email already taken, wrong login
# credentials, stock, an empty or full cart, a status transition, a shipped order's
# address, a rating moved to another product; two rules between fields that JSON Schema
# cannot state (a password like the username, more distinct products than an order
# holds); and what an uploaded file holds (a decodable image of a bounded size), which a
# schema names (`contentMediaType`) but cannot check. These are the API's own messages,
# matched whole; any other 400 to a schema-valid request is a lie of the document (or a
# bug).
STORED_STATE_MESSAGES = tuple(
    re.compile(pattern)
    for pattern in (
        r"Invalid cursor\.",
        r'Invalid pk "[^"]*" - object does not exist\.',
        r"A user with that username already exists\.",
        r"user with this email already exists\.",
        r"Unable to log in with provided credentials\.",
        r'Not enough stock for ".*": \d+ available, \d+ requested\.',
        r'Insufficient stock for ".*"\.',
        r"Cart is empty\.",
        r"A cart holds at most \d+ different products\.",
        r"A cart cannot be merged into itself\.",
        r'An order cannot go from "\w+" to "\w+"\.',
        r"The shipping address cannot be changed once the order has shipped\.",
        r"A rating cannot be moved to another product\.",
        r"The password is too similar to the username\.",
        r"An order holds at most \d+ different products\.",
        r"Upload a valid image\. The file you uploaded was either not an image or a corrupted "
        r"image\.",
        r"Upload an image of at most [\d,]+ pixels\.",
        r"Upload an image of at most 4 MB\.",
        r"The submitted file is empty\.",
    )
)

# What this run created, seen in its responses: guest cart tokens (a link hands them to
# the cart operations) and users with their passwords (so an operation on a user runs
# as that user). Logins are kept (a password hash costs the server about half a second)
# until an operation that can end them succeeds with them.
_lock = threading.Lock()
_issued_cart_tokens: set[str] = set()
_signed_up: dict[str, tuple[str, str]] = {}
_logins: dict[str, str] = {}
THROWAWAY = "throwaway"


def _url() -> str:
    return os.environ["SHOP_FUZZ_URL"]


def _login(username: str, password: str) -> str | None:
    login = requests.post(
        f"{_url()}/api/auth/login/",
        json={"username": username, "password": password},
        timeout=TIMEOUT,
    )
    return str(login.json()["token"]) if login.status_code == 200 else None


def _throwaway_token() -> str:
    name = f"fz{secrets.token_hex(6)}"
    password = f"pw-{secrets.token_hex(8)}"
    body = {"username": name, "password": password, "email": f"{name}@example.com"}
    requests.post(f"{_url()}/api/users/", json=body, timeout=TIMEOUT).raise_for_status()
    token = _login(name, password)
    assert token is not None, f"the throwaway user {name} cannot log in"
    return token


def _guest_cart() -> dict[str, Any]:
    issued = requests.post(f"{_url()}/api/cart/guest/", timeout=TIMEOUT)
    issued.raise_for_status()
    cart: dict[str, Any] = issued.json()
    with _lock:
        _issued_cart_tokens.add(cart["cart_token"])
    return cart


def _add_line(token: str, product_id: Any) -> None:
    """Puts one unit of the product into the user's cart (when it exists and is in stock),
    so that changing or removing its line can succeed."""
    if isinstance(product_id, int) and not isinstance(product_id, bool):
        requests.post(
            f"{_url()}/api/cart/add_item/",
            json={"product_id": product_id, "quantity": 1},
            headers={"Authorization": f"Token {token}"},
            timeout=TIMEOUT,
        )


def _fill_cart(token: str) -> None:
    """Puts one unit of a product in stock into the user's cart (if any is in stock): the
    newest, so that checkouts do not use up the first products, which the coverage phase
    names (an id's minimum, 1)."""
    listed = requests.get(
        f"{_url()}/api/products/",
        params={"in_stock": "true", "ordering": "-created_at", "limit": "1"},
        timeout=TIMEOUT,
    )
    products = listed.json() if listed.status_code == 200 else []
    if products:
        requests.post(
            f"{_url()}/api/cart/add_item/",
            json={"product_id": products[0]["id"], "quantity": 1},
            headers={"Authorization": f"Token {token}"},
            timeout=TIMEOUT,
        )


def _access(case: Any) -> str:
    security = case.operation.definition.raw.get("security", [])
    if not security:
        return "public"
    if {"cartToken": []} in security:
        return "cart"
    if "Staff only" in case.operation.definition.raw.get("description", ""):
        return "staff"
    return "user"


def _signed_up_user_token(case: Any) -> str | None:
    """A token of the user the path names, when this run signed them up."""
    if not USER_OPERATIONS.match(case.operation.label):
        return None
    user_id = str((case.path_parameters or {}).get("user_id"))
    with _lock:
        credentials = _signed_up.get(user_id)
        token = _logins.get(user_id)
    if credentials is None or token is not None:
        return token
    token = _login(*credentials)
    if token is not None:
        with _lock:
            _logins[user_id] = token
    return token


def _kept_throwaway_token() -> str:
    with _lock:
        token = _logins.get(THROWAWAY)
    if token is None:
        token = _throwaway_token()
        with _lock:
            _logins[THROWAWAY] = token
    return token


@schemathesis.auth()
class ShopCredentials:
    def get(self, case: Any, context: Any) -> dict[str, str]:
        return {
            "staff": os.environ["SHOP_FUZZ_STAFF_TOKEN"],
            "user": os.environ["SHOP_FUZZ_USER_TOKEN"],
        }

    def set(self, case: Any, data: dict[str, str], context: Any) -> None:
        access = _access(case)
        if access == "public":
            return
        case.headers = case.headers or {}
        label = case.operation.label
        positive = case.meta is None or case.meta.generation.mode == GenerationMode.POSITIVE
        if positive:
            with _lock:
                issued = case.headers.get("X-Cart-Token") in _issued_cart_tokens
            if access == "cart" and issued:
                return
            if access == "cart":
                # A generated token names no cart: the customer's own cart instead.
                case.headers.pop("X-Cart-Token", None)
                if label in LINE_CHANGES and isinstance(case.body, dict):
                    _add_line(data["user"], case.body.get("product_id"))
            elif label == MERGE and not issued:
                cart = _guest_cart()
                case.headers["X-Cart-Token"] = cart["cart_token"]
                if isinstance(case.body, dict):
                    case.body["cart_id"] = cart["cart_id"]
            elif label == CHECKOUT:
                _fill_cart(data["user"])
            token = _signed_up_user_token(case)
            if token is not None:
                case.headers["Authorization"] = f"Token {token}"
                return
        elif access == "cart":
            return
        if THROWAWAY_OPERATIONS.match(label):
            token = _kept_throwaway_token()
        else:
            token = data["user" if access == "cart" else access]
        case.headers["Authorization"] = f"Token {token}"


@schemathesis.hook
def after_call(context: Any, case: Any, response: Any) -> None:
    """Writes down each operation's status (to ``SHOP_FUZZ_STATUSES``, when set, for the
    test to read); remembers the guest carts and users this run created, and forgets a
    login that an operation may have ended (see the module's doc)."""
    label = case.operation.label
    statuses = os.environ.get("SHOP_FUZZ_STATUSES")
    if statuses:
        with _lock, open(statuses, "a", encoding="utf-8") as log:
            log.write(f"{label}\t{response.status_code}\n")
    if THROWAWAY_OPERATIONS.match(label) and 200 <= response.status_code < 300:
        used = (case.headers or {}).get("Authorization", "").removeprefix("Token ")
        with _lock:
            for key, token in list(_logins.items()):
                if token == used:
                    del _logins[key]
    if response.status_code not in (200, 201):
        return
    try:
        body = response.json()
    except ValueError:
        return
    if not isinstance(body, dict):
        return
    with _lock:
        if label == GUEST_CART:
            _issued_cart_tokens.add(body["cart_token"])
        elif label == SIGNUP and isinstance(case.body, dict):
            _signed_up[str(body["id"])] = (body["username"], case.body["password"])
        elif USER_OPERATIONS.match(label) and str(body.get("id")) in _signed_up:
            password = _signed_up[str(body["id"])][1]
            sent = case.body if isinstance(case.body, dict) else {}
            _signed_up[str(body["id"])] = (body["username"], sent.get("password") or password)


@schemathesis.hook
def filter_failure(context: Any, failure: Any, case: Any, response: Any) -> bool:
    """Keeps every failure but a false one of the stateful phase, which sends valid data
    only (tests/e2e/schemathesis.toml): after a link merges a value into a form with a
    file part, schemathesis checks the body again, takes the file's bytes for a string
    that is none, and reports the valid request as accepted invalid data."""
    meta = case.meta
    stateful = meta is not None and meta.phase.name == TestPhase.STATEFUL
    return not (stateful and isinstance(failure, AcceptedNegativeData))


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
    unexplained = [
        message
        for message in messages
        if not any(pattern.fullmatch(message) for pattern in STORED_STATE_MESSAGES)
    ]
    if unexplained or not messages:
        raise AssertionError(
            f"A schema-valid request was refused with 400: {unexplained or response.text}"
        )
