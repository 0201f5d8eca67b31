"""AWS calls that fail on purpose: the N-th DynamoDB or S3 call of a use case answers with
an error, or times out, as AWS and the network may.

Faults are injected at botocore's HTTP layer (``Endpoint._send``), under its retry
handler, so botocore retries them as it would real ones: a fault on the first attempt only
(``Fault.once``) is what botocore's own retry absorbs; a fault on every attempt of the call
is what reaches the shop's code. Calls are counted at ``BaseClient._make_api_call``, once
per API call whatever its attempts, in every thread and on every client.

A read timeout comes in two variants: the request never reached AWS (``refused``), or it
did and only the answer was lost (``reached``), so the write happened. For a retried
TransactWriteItems with the same ``ClientRequestToken`` (botocore fills one in per call
and keeps it for its retries) DynamoDB answers as the first time without applying it
again; moto does not, so the injector does it for the transactions it lost the answer of.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse
from botocore.client import BaseClient
from botocore.endpoint import Endpoint
from botocore.exceptions import ConnectTimeoutError, ReadTimeoutError


class _Body:
    def __init__(self, content: bytes) -> None:
        self.content = content

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self.content


def _response(request: Any, status: int, body: bytes, content_type: str) -> AWSResponse:
    headers = {"Content-Type": content_type, "x-amzn-RequestId": "fault-injected"}
    return AWSResponse(request.url, status, headers, _Body(body))


def dynamodb_error(code: str, status: int = 400, **extra: Any) -> Callable[[Any], AWSResponse]:
    def answer(request: Any) -> AWSResponse:
        body = {"__type": f"com.amazonaws.dynamodb.v20120810#{code}", "message": code, **extra}
        return _response(request, status, json.dumps(body).encode(), "application/x-amz-json-1.0")

    return answer


def transaction_conflict(request: Any) -> AWSResponse:
    """Cancelled because another transaction held one of the items: one reason per action,
    ``TransactionConflict`` on the first, ``None`` on the others."""
    actions = len(json.loads(request.body)["TransactItems"])
    reasons = [{"Code": "TransactionConflict", "Message": "Transaction is ongoing for the item"}]
    reasons += [{"Code": "None"}] * (actions - 1)
    return dynamodb_error(
        "TransactionCanceledException",
        Message="Transaction cancelled, please refer cancellation reasons for specific reasons",
        CancellationReasons=reasons,
    )(request)


def s3_error(code: str, status: int) -> Callable[[Any], AWSResponse]:
    def answer(request: Any) -> AWSResponse:
        body = f"<Error><Code>{code}</Code><Message>{code}</Message></Error>".encode()
        return _response(request, status, body, "application/xml")

    return answer


def read_timeout(request: Any) -> AWSResponse:
    raise ReadTimeoutError(endpoint_url=request.url, error="Read timed out. (fault injected)")


def connect_timeout(request: Any) -> AWSResponse:
    raise ConnectTimeoutError(endpoint_url=request.url, error="timed out (fault injected)")


@dataclass(frozen=True)
class Fault:
    """What the call answers instead of AWS, and which calls it can hit."""

    name: str
    answer: Callable[[Any], AWSResponse]
    service: str | None = None  # None: DynamoDB and S3
    operations: frozenset[str] | None = None  # None: every operation of the service
    reached: bool = False  # the request reached AWS (and was applied) before it failed
    once: bool = False  # the first attempt only: botocore's retry then succeeds

    def hits(self, service: str, operation: str) -> bool:
        if self.service is not None and service != self.service:
            return False
        return self.operations is None or operation in self.operations

    def __str__(self) -> str:
        return f"{self.name}{' once' if self.once else ''}"


S3_WRITES = frozenset({"PutObject", "DeleteObject"})
THROTTLING = Fault("ThrottlingException", dynamodb_error("ThrottlingException"), "dynamodb")
THROUGHPUT_EXCEEDED = Fault(
    "ProvisionedThroughputExceededException",
    dynamodb_error("ProvisionedThroughputExceededException"),
    "dynamodb",
)
TRANSACTION_CONFLICT = Fault(
    "TransactionCanceledException (TransactionConflict)",
    transaction_conflict,
    "dynamodb",
    frozenset({"TransactWriteItems"}),
)
READ_TIMEOUT = Fault("ReadTimeoutError before AWS", read_timeout)
ANSWER_LOST = Fault("ReadTimeoutError after AWS applied it", read_timeout, reached=True)
CONNECT_TIMEOUT = Fault("ConnectTimeoutError", connect_timeout)
S3_INTERNAL_ERROR = Fault("S3 InternalError", s3_error("InternalError", 500), "s3", S3_WRITES)
S3_SLOW_DOWN = Fault("S3 SlowDown", s3_error("SlowDown", 503), "s3", S3_WRITES)
S3_UNAVAILABLE = Fault(
    "S3 ServiceUnavailable", s3_error("ServiceUnavailable", 503), "s3", S3_WRITES
)
EVERY_FAULT = (
    THROTTLING,
    THROUGHPUT_EXCEEDED,
    TRANSACTION_CONFLICT,
    READ_TIMEOUT,
    ANSWER_LOST,
    CONNECT_TIMEOUT,
    S3_INTERNAL_ERROR,
    S3_SLOW_DOWN,
    S3_UNAVAILABLE,
)


def once(fault: Fault) -> Fault:
    return Fault(
        fault.name, fault.answer, fault.service, fault.operations, fault.reached, once=True
    )


@dataclass(frozen=True)
class Step:
    number: int  # 1-based, in the order the use case made its calls
    service: str
    operation: str
    object_key: str | None = None  # of an S3 call

    def __str__(self) -> str:
        return f"step {self.number} ({self.service} {self.operation})"


@dataclass
class FaultInjector:
    """Counts the AWS calls made while armed; makes the chosen one fail."""

    steps: list[Step] = field(default_factory=list)
    armed: bool = False
    target: int | None = None
    fault: Fault | None = None
    fired: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _call: threading.local = field(default_factory=threading.local)
    _applied_tokens: dict[str, AWSResponse] = field(default_factory=dict)

    @contextmanager
    def counting(self) -> Iterator[list[Step]]:
        """Record the calls made inside the block, failing none."""
        with self._armed(None, None):
            yield self.steps

    @contextmanager
    def failing(self, step: int, fault: Fault) -> Iterator[FaultInjector]:
        """Inside the block, the ``step``-th call fails with ``fault``."""
        with self._armed(step, fault):
            yield self

    @contextmanager
    def _armed(self, step: int | None, fault: Fault | None) -> Iterator[None]:
        with self._lock:
            self.steps, self.target, self.fault, self.fired = [], step, fault, 0
            self._applied_tokens.clear()
            self.armed = True
        try:
            yield
        finally:
            self.armed = False

    def begin_call(self, service: str, operation: str, params: dict[str, Any]) -> None:
        number = None
        if self.armed and service in ("dynamodb", "s3"):
            key = params.get("Key") if service == "s3" else None
            with self._lock:
                self.steps.append(Step(len(self.steps) + 1, service, operation, key))
                number = len(self.steps)
        self._call.current = (number, service, operation)
        self._call.attempts = 0

    def send(self, endpoint: Endpoint, request: Any, original: Callable[..., Any]) -> Any:
        number, service, operation = getattr(self._call, "current", (None, "", ""))
        self._call.attempts = getattr(self._call, "attempts", 0) + 1
        token = _transaction_token(operation, request)
        if token is not None and token in self._applied_tokens:
            # DynamoDB's answer to a repeat of an applied transaction: success, no effect.
            return self._applied_tokens[token]
        fault = self.fault
        if (
            not self.armed
            or fault is None
            or number != self.target
            or not fault.hits(service, operation)
            or (fault.once and self._call.attempts > 1)
        ):
            return original(endpoint, request)
        self.fired += 1
        if fault.reached:
            response = original(endpoint, request)
            if token is not None and response.status_code == 200:
                self._applied_tokens[token] = response
        return fault.answer(request)


def _transaction_token(operation: str, request: Any) -> str | None:
    if operation != "TransactWriteItems":
        return None
    token = json.loads(request.body).get("ClientRequestToken")
    return str(token) if token else None


@pytest.fixture
def aws_faults(store: None, monkeypatch: pytest.MonkeyPatch) -> FaultInjector:
    """A ``FaultInjector`` over every botocore client of this process. botocore's retries
    wait no backoff here (their number and conditions are unchanged), and its retry quota
    never runs out, so that each test sees the same retries whatever ran before it."""
    from botocore.retries import quota, standard

    injector = FaultInjector()
    make_api_call: Callable[..., Any] = BaseClient._make_api_call
    send: Callable[..., Any] = Endpoint._send

    def counted_call(client: BaseClient, operation: str, params: dict[str, Any]) -> Any:
        injector.begin_call(client.meta.service_model.service_name, operation, params)
        return make_api_call(client, operation, params)

    def faulty_send(endpoint: Endpoint, request: Any) -> Any:
        return injector.send(endpoint, request, send)

    monkeypatch.setattr(BaseClient, "_make_api_call", counted_call)
    monkeypatch.setattr(Endpoint, "_send", faulty_send)
    monkeypatch.setattr(standard.ExponentialBackoff, "delay_amount", lambda self, context: 0)
    monkeypatch.setattr(quota.RetryQuota, "acquire", lambda self, capacity_amount: True)
    return injector
