"""The embedded AWS emulator (moto server) that `make run` and the tests use."""

from __future__ import annotations

import logging
import os
import socket
import threading
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


def use_emulator_credentials() -> None:
    """The emulator accepts any credentials; these stop botocore from looking for real ones
    (and from ever signing a request with them)."""
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    os.environ.setdefault("AWS_SESSION_TOKEN", "testing")
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")


def one_request_at_a_time(app: Callable[..., Any]) -> Callable[..., Any]:
    """DynamoDB applies each request atomically, a transaction included. moto server runs
    concurrent requests on parallel threads without isolation: one request's condition
    check and write can interleave with another's, and a cancelled transaction restores
    a snapshot of whole tables over writes made meanwhile. Handling one request at a
    time gives the emulator DynamoDB's atomicity, which concurrency tests depend on."""
    lock = threading.Lock()

    def handle(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        with lock:
            return app(environ, start_response)

    return handle


class Emulator:
    """A moto server on the loopback interface (never 0.0.0.0)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.url = f"http://{LOOPBACK}:{port}"
        self._server: Any = None
        self._thread: threading.Thread | None = None

    def start(self) -> Emulator:
        # moto is a development dependency.
        from moto.moto_server.werkzeug_app import (
            DomainDispatcherApplication,
            MotoRequestHandler,
            create_backend_app,
        )
        from werkzeug.serving import make_server

        # One line per emulated call would drown the API's own request log.
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        app = one_request_at_a_time(DomainDispatcherApplication(create_backend_app))
        self._server = make_server(
            LOOPBACK, self.port, app, threaded=True, request_handler=MotoRequestHandler
        )
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join()

    def reset(self) -> None:
        """Forget every table, item and object."""
        request = urllib.request.Request(f"{self.url}/moto-api/reset", method="POST")
        urllib.request.urlopen(request, timeout=10).close()
