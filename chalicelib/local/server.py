"""`chalice local`, with the two things the shop needs from a local server:

- concurrent requests are isolated: Chalice's LocalChalice keeps ``current_request`` per
  thread (the test suite proves it, since a shared attribute would mix up users);
- an unknown path answers 404 in the API's error shape with CORS headers, as the deployed
  API does through its GatewayResponses, instead of API Gateway's bare 403.
"""

from __future__ import annotations

import json
import os
from typing import Any

from chalice.cli.factory import CLIFactory
from chalice.local import (
    ChaliceRequestHandler,
    CustomLocalChalice,
    ForbiddenError,
    LocalChalice,
    LocalDevServer,
    LocalGatewayException,
    ThreadedHTTPServer,
)

from chalicelib.api.cors import cors_headers, preflight_headers

PROJECT_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class ShopHTTPServer(ThreadedHTTPServer):
    # The default backlog of 5 resets connections when a page opens many at once.
    request_queue_size = 128


class ShopRequestHandler(ChaliceRequestHandler):
    def _send_error_response(self, error: LocalGatewayException) -> None:
        if not isinstance(error, ForbiddenError):
            super()._send_error_response(error)
            return
        origin = self.headers.get("origin")
        if self.command == "OPTIONS":
            self._send_http_response(200, preflight_headers(origin), None)
            return
        headers = {"Content-Type": "application/json", **cors_headers(origin)}
        self._send_http_response(404, headers, json.dumps({"detail": "Not found."}))

    def _send_http_response_with_body(
        self, code: int, headers: dict[str, Any], body: str | bytes
    ) -> None:
        """A HEAD response has no body: the app already dropped it and gives the length
        GET would have had as ``Content-Length``, which must go out alone."""
        if self.command != "HEAD":
            super()._send_http_response_with_body(code, headers, body)
            return
        headers = dict(headers)
        if not any(name.lower() == "content-length" for name in headers):
            headers["Content-Length"] = str(len(body.encode() if isinstance(body, str) else body))
        self.send_response(code)
        self._send_headers(headers)

    def log_message(self, format: str, *args: object) -> None:
        """The app logs one JSON line per request; the default access log would double it."""


def create_server(host: str, port: int, stage: str = "local") -> LocalDevServer:
    factory = CLIFactory(PROJECT_DIR, environ=os.environ)
    # Applies the stage's environment variables, then imports app.py.
    config = factory.create_config_obj(chalice_stage_name=stage)
    app = config.chalice_app
    CustomLocalChalice.__bases__ = (LocalChalice, app.__class__)
    app.__class__ = CustomLocalChalice
    return LocalDevServer(
        app, config, host, port, handler_cls=ShopRequestHandler, server_cls=ShopHTTPServer
    )
