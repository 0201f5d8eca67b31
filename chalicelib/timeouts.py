"""How long the app waits for AWS (DynamoDB and S3): per attempt, per call and per request.

The function has a 10 s Lambda timeout (``lambda_timeout`` in .chalice/config.json). A
request that is still waiting when it runs out ends as API Gateway's own 502/504, without
CORS headers, so a browser cannot even read it. A slow or hung dependency must instead
end as this API's 503 with ``Retry-After``, which needs time left to build it. Hence:

* one attempt (one HTTP request) waits at most ``CONNECT + READ`` = 1 + 2 = 3 s;
* one call makes at most 2 attempts with one backoff sleep (< 1 s) between them:
  2 x 3 s + 1 s = 7 s at worst, inside the 10 s - 2 s margin = 8 s a request may spend;
* a request makes several calls one after another (login: three; checkout: six, its
  session lookup included), and per-call bounds do not bound their sum. So each request
  also has a deadline: its Lambda time left minus ``DEADLINE_MARGIN_SECONDS``. An
  attempt that could not finish before it is not started (``chalicelib.store.deadline``);
  the call fails at once and the request answers 503 with the margin still in hand.

Nothing here imports botocore: the HTTP middleware records the deadline on every request,
including those that never touch storage.
"""

from __future__ import annotations

import time
from contextvars import ContextVar, Token
from dataclasses import dataclass
from typing import Any

# In-region TCP and TLS set-up with DynamoDB or S3 takes milliseconds; a connection that is
# not up after 1 s is a broken path, and the retry gets a fresh connection.
CONNECT_TIMEOUT_SECONDS = 1
# The longest wait for response bytes (botocore's read timeout is per socket read, not for
# the whole response). DynamoDB answers item reads and writes in single-digit
# milliseconds and transactions and 1 MB queries in tens; S3 stores a 4 MB image well
# under a second from Lambda. 2 s is far above any healthy answer.
READ_TIMEOUT_SECONDS = 2
# The first attempt and one retry (botocore "standard" mode), which rescues a dropped
# connection or a throttled call. A third attempt would not fit: 3 x 3 s + backoff > 8 s.
MAX_ATTEMPTS = 2
# botocore's standard mode sleeps rand(0, 1) x scale x 2**(retry - 1) before a retry: the
# scale is 1 s for throttling and 25 ms (DynamoDB) or 50 ms (S3) otherwise, so the one
# retry waits less than 1 s. (A server-sent ``x-amz-retry-after`` can stretch that sleep
# by up to 5 s; the deadline stops the attempt after it, but cannot cut the sleep short.)
RETRY_BACKOFF_MAX_SECONDS = 1

ATTEMPT_WORST_CASE_SECONDS = CONNECT_TIMEOUT_SECONDS + READ_TIMEOUT_SECONDS
CALL_WORST_CASE_SECONDS = (
    MAX_ATTEMPTS * ATTEMPT_WORST_CASE_SECONDS + (MAX_ATTEMPTS - 1) * RETRY_BACKOFF_MAX_SECONDS
)
# Kept back from the Lambda time left when a request starts: one backoff sleep that
# precedes a refused attempt (< 1 s) plus building, logging and returning the 503.
DEADLINE_MARGIN_SECONDS = 2

# For PynamoDB, as ``Model.Meta`` attributes and ``Connection`` keyword arguments. PynamoDB
# counts retries, not attempts, and always uses botocore's standard mode. (It also reuses
# ``max_retry_attempts`` as the number of rounds a ``batch_write`` resends unprocessed
# items; with 1 it sends once and fails on leftovers, which only throttling leaves.)
PYNAMODB_CLIENT_SETTINGS: dict[str, Any] = {
    "connect_timeout_seconds": CONNECT_TIMEOUT_SECONDS,
    "read_timeout_seconds": READ_TIMEOUT_SECONDS,
    "max_retry_attempts": MAX_ATTEMPTS - 1,
}
# For ``botocore.config.Config`` (the S3 client). ``total_max_attempts`` counts the first
# attempt; botocore's ``max_attempts`` would count retries only.
BOTOCORE_CLIENT_SETTINGS: dict[str, Any] = {
    "connect_timeout": CONNECT_TIMEOUT_SECONDS,
    "read_timeout": READ_TIMEOUT_SECONDS,
    "retries": {"mode": "standard", "total_max_attempts": MAX_ATTEMPTS},
}


@dataclass
class RequestBudget:
    """The time a request may spend on AWS calls, and where its latest attempt went."""

    deadline: float  # on the time.monotonic() clock
    endpoint: str | None = None  # host:port of the latest attempt, to log a failure

    def allows_attempt(self, now: float) -> bool:
        """Whether an attempt started ``now`` finishes, even at its worst, in time."""
        return now + ATTEMPT_WORST_CASE_SECONDS <= self.deadline


_current_budget: ContextVar[RequestBudget | None] = ContextVar("request_budget", default=None)


def start_request(seconds_left: float | None) -> Token[RequestBudget | None]:
    """Record the deadline of the request now starting, ``seconds_left`` being what its
    Lambda invocation has left; None (no Lambda context) records no deadline."""
    budget = None
    if seconds_left is not None:
        budget = RequestBudget(time.monotonic() + seconds_left - DEADLINE_MARGIN_SECONDS)
    return _current_budget.set(budget)


def end_request(token: Token[RequestBudget | None]) -> None:
    _current_budget.reset(token)


def current_budget() -> RequestBudget | None:
    """The budget of the request being served; None outside a request (manage.py, tests'
    set-up), where only the per-attempt limits apply."""
    return _current_budget.get()
