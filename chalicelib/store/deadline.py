"""No AWS call attempt starts unless it can finish before the request's deadline.

See ``chalicelib.timeouts`` for the numbers and why. The check is a botocore
``before-send`` handler, which botocore runs before each attempt (retries included, after
their backoff sleep) with the prepared HTTP request.

How it reaches every client: botocore registers each entry of
``botocore.handlers.BUILTIN_HANDLERS`` on every new ``Session``, and a client takes its
session's handlers. The app has no single place where its clients are created: PynamoDB
builds a DynamoDB client lazily inside ``Connection.client``, from a fresh session per
connection and thread, for each model and for the shared connection, and may build it
again (when credentials went missing); the S3 client is built on the first image write.
Registering on each client would mean wrapping PynamoDB internals; appending to the
built-in list once covers them all, including clients built later. ``install()`` runs
before the app creates any client (``models.base`` and ``images`` call it). Other
botocore clients in the process (the tests' boto3 set-up) get the handler too; it does
nothing for them, as outside a request there is no deadline.
"""

from __future__ import annotations

import threading
import time
from typing import Any
from urllib.parse import urlsplit

from botocore import handlers
from botocore.exceptions import BotoCoreError

from chalicelib.timeouts import current_budget


class RequestDeadlineReached(BotoCoreError):
    """Too little of the request's time is left for another attempt.

    A botocore error, so that the call fails the way a timeout does: botocore does not
    retry it, PynamoDB wraps it in its own error, ``store.failures`` makes it a 503 and
    the log names it (with the endpoint) as the storage failure.
    """

    fmt = "Not enough time left in the request for an attempt on {endpoint_url}"


def refuse_attempts_past_deadline(request: Any, **_: Any) -> None:
    budget = current_budget()
    if budget is None:
        return  # outside a request: only the per-attempt timeouts apply
    budget.endpoint = urlsplit(request.url).netloc
    if not budget.allows_attempt(time.monotonic()):
        raise RequestDeadlineReached(endpoint_url=request.url)


_HANDLER = ("before-send", refuse_attempts_past_deadline)
_install_lock = threading.Lock()


def install() -> None:
    """Have every botocore session created from now on check the deadline (idempotent)."""
    with _install_lock:
        if _HANDLER not in handlers.BUILTIN_HANDLERS:
            handlers.BUILTIN_HANDLERS.append(_HANDLER)
