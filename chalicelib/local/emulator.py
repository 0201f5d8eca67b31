"""The embedded AWS emulator (moto server) that `make run` and the tests use."""

from __future__ import annotations

import errno
import io
import json
import logging
import os
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from contextlib import ExitStack
from typing import Any

LOOPBACK = "127.0.0.1"


def free_ports(count: int) -> list[int]:
    """Distinct free loopback ports: the probes stay bound until all are chosen."""
    with ExitStack() as probes:
        ports = []
        for _ in range(count):
            probe = probes.enter_context(socket.socket())
            probe.bind((LOOPBACK, 0))
            ports.append(int(probe.getsockname()[1]))
        return ports


def unreachable(url: str, timeout: float = 3.0) -> str | None:
    """Why nothing answers at ``url`` (refused, timed out, not a URL), or None when
    something does: any HTTP answer will do."""
    try:
        urllib.request.urlopen(url, timeout=timeout).close()
    except urllib.error.HTTPError:
        return None
    except (OSError, ValueError) as error:
        return str(getattr(error, "reason", error))
    return None


def use_emulator_credentials() -> None:
    """The emulator accepts any credentials; these stop botocore from looking for real ones
    (and from ever signing a request with them)."""
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    os.environ.setdefault("AWS_SESSION_TOKEN", "testing")
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")


# DynamoDB operations that only read; every other call (and any S3 call but GET and HEAD)
# may change what the emulator holds.
READ_ONLY_TARGETS = ("Get", "BatchGet", "TransactGet", "Query", "Scan", "Describe", "List")


def may_write(environ: dict[str, Any]) -> bool:
    target = str(environ.get("HTTP_X_AMZ_TARGET", ""))
    if target:
        return not target.partition(".")[2].startswith(READ_ONLY_TARGETS)
    return environ.get("REQUEST_METHOD") not in ("GET", "HEAD")


TRANSACT_WRITE = "DynamoDB_20120810.TransactWriteItems"
# How long DynamoDB remembers a TransactWriteItems' ClientRequestToken.
TOKEN_MEMORY_SECONDS = 600


class TransactionReplay:
    """DynamoDB's idempotency of TransactWriteItems, which moto lacks.

    botocore gives every TransactWriteItems a ClientRequestToken and sends the same one
    again when it retries (after a timeout, say). DynamoDB answers such a repeat within
    ten minutes with the first answer and applies nothing twice; moto applies it again,
    where every ``attribute_not_exists`` condition of the first attempt now fails. Under
    load (a read timeout whose request had landed) that turned a signup, a login or a new
    product into an error locally that cannot happen on AWS. This remembers the answer
    of each successful transaction by its token and gives it again to a repeat."""

    def __init__(self) -> None:
        self._answers: dict[str, tuple[float, bytes, str, list[tuple[str, str]], bytes]] = {}

    def __call__(self, app: Callable[..., Any]) -> Callable[..., Any]:
        def handle(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
            if environ.get("HTTP_X_AMZ_TARGET") != TRANSACT_WRITE:
                return app(environ, start_response)
            body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
            environ["wsgi.input"] = io.BytesIO(body)
            token = str(json.loads(body or b"{}").get("ClientRequestToken") or "")
            now = time.monotonic()
            self._answers = {
                key: answer
                for key, answer in self._answers.items()
                if now - answer[0] < TOKEN_MEMORY_SECONDS
            }
            remembered = self._answers.get(token)
            if remembered is not None and remembered[1] == body:
                _, _, status, headers, answer = remembered
                start_response(status, headers)
                return [answer]
            captured: dict[str, Any] = {}

            def capture(status: str, headers: list[tuple[str, str]], *args: Any) -> Any:
                captured.update(status=status, headers=headers)
                return start_response(status, headers, *args)

            answer = b"".join(app(environ, capture))
            if token and str(captured.get("status", "")).startswith("200"):
                self._answers[token] = (now, body, captured["status"], captured["headers"], answer)
            return [answer]

        return handle


def join_promptly(thread: threading.Thread, timeout: float | None = None) -> None:
    """``thread.join(timeout)`` in short steps. Python 3.13's join waits in C without
    running signal handlers, and a signal that the kernel hands to another thread is
    handled only at the main thread's next step: one long join would ignore Ctrl-C."""
    deadline = None if timeout is None else time.monotonic() + timeout
    while thread.is_alive() and (deadline is None or time.monotonic() < deadline):
        thread.join(0.1)


class PortInUse(Exception):
    def __init__(self, port: int) -> None:
        super().__init__(f"port {port} is in use")
        self.port = port


def listening_socket(port: int) -> socket.socket:
    """A socket listening on the loopback port, or PortInUse. Bound here rather than by
    the server so that a taken port is an exception to explain, not a process exit."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((LOOPBACK, port))
    except OSError as error:
        sock.close()
        if error.errno == errno.EADDRINUSE:
            raise PortInUse(port) from error
        raise
    sock.listen(128)
    return sock


class Emulator:
    """A moto server on the loopback interface (never 0.0.0.0).

    DynamoDB applies each request atomically, a transaction included. moto server runs
    concurrent requests on parallel threads without isolation: one request's condition
    check and write can interleave with another's, and a cancelled transaction restores
    a snapshot of whole tables over writes made meanwhile. The emulator therefore handles
    one request at a time (under ``lock``), which gives it DynamoDB's atomicity (the
    concurrency tests depend on it) and lets a snapshot of its state be taken between two
    requests. ``writes`` counts the requests that may have changed the state.
    """

    def __init__(self, port: int) -> None:
        self.port = port
        self.url = f"http://{LOOPBACK}:{port}"
        self.lock = threading.Lock()
        self.writes = 0
        self._server: Any = None
        self._thread: threading.Thread | None = None

    def _one_request_at_a_time(self, app: Callable[..., Any]) -> Callable[..., Any]:
        def handle(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
            with self.lock:
                if may_write(environ):
                    self.writes += 1
                return app(environ, start_response)

        return handle

    def start(self) -> Emulator:
        """Listen and serve on a background thread; PortInUse if the port is taken."""
        # moto is a development dependency.
        from moto.moto_server.werkzeug_app import (
            DomainDispatcherApplication,
            MotoRequestHandler,
            create_backend_app,
        )
        from werkzeug.serving import make_server

        # One line per emulated call would drown the API's own request log.
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        app = self._one_request_at_a_time(
            TransactionReplay()(DomainDispatcherApplication(create_backend_app))
        )
        with listening_socket(self.port) as sock:
            # werkzeug serves a duplicate of the socket.
            self._server = make_server(
                LOOPBACK,
                self.port,
                app,
                threaded=True,
                request_handler=MotoRequestHandler,
                fd=sock.fileno(),
            )
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            if self._thread is not None:  # shutdown() waits for a loop that must run
                self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            join_promptly(self._thread)

    def reset(self) -> None:
        """Forget every table, item and object."""
        request = urllib.request.Request(f"{self.url}/moto-api/reset", method="POST")
        urllib.request.urlopen(request, timeout=10).close()
