"""Chalice's local server as the shop runs it, under `make run` (``create_server``) and
under plain `chalice local` (``adapt_chalice_local``, which app.py calls under the chalice
CLI):

- concurrent requests are isolated: Chalice's LocalChalice keeps ``current_request`` per
  thread (the test suite proves it, since a shared attribute would mix up users);
- an unknown path answers 404 in the API's error shape with CORS headers, as the deployed
  API does through its GatewayResponses, instead of API Gateway's bare 403;
- any other method (TRACE, PROPFIND, ...) answers the API's JSON 405 with ``Allow``, never
  the HTML error page of Python's HTTP server;
- one JSON log line per request: the app writes it, or this server for the answers above,
  which never reach the app; the HTTP server's own access line is dropped.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import sys
import time
from typing import Any, NoReturn
from urllib.parse import urlsplit

from chalice.app import Chalice
from chalice.config import Config
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
from chalicelib.local.emulator import unreachable, use_emulator_credentials
from chalicelib.local.stages import StageUnknown, stage_environment

PROJECT_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EMULATED_STAGES = ("local", "test")

access_logger = logging.getLogger("shop.access")


class ShopHTTPServer(ThreadedHTTPServer):
    # The default backlog of 5 resets connections when a page opens many at once.
    request_queue_size = 128


class ShopRequestHandler(ChaliceRequestHandler):
    _started = 0.0

    def parse_request(self) -> bool:
        self._started = time.perf_counter()
        return bool(super().parse_request())

    def __getattr__(self, name: str) -> Any:
        """``do_<METHOD>`` for every method that Chalice's handler does not define."""
        if name.startswith("do_"):
            return self._answer_unknown_method
        raise AttributeError(name)

    def _answer_unknown_method(self) -> None:
        from chalicelib.api.routing import allowed_methods

        self._parse_payload()  # read the body, so that the connection can be reused
        allowed = allowed_methods(urlsplit(self.path).path)
        if not allowed:
            self._send_not_found()
            return
        headers = {
            "Content-Type": "application/json",
            "Allow": ", ".join(allowed),
            **cors_headers(self.headers.get("origin")),
        }
        body = json.dumps({"detail": f'Method "{self.command}" not allowed.'})
        self._send_http_response(405, headers, body)
        self._log(405)

    def _send_error_response(self, error: LocalGatewayException) -> None:
        if not isinstance(error, ForbiddenError):
            super()._send_error_response(error)
            return
        if self.command == "OPTIONS":
            self._send_http_response(200, preflight_headers(self.headers.get("origin")), None)
            self._log(200)
            return
        self._send_not_found()

    def _send_not_found(self) -> None:
        headers = {"Content-Type": "application/json", **cors_headers(self.headers.get("origin"))}
        self._send_http_response(404, headers, json.dumps({"detail": "Not found."}))
        self._log(404)

    def _log(self, status: int) -> None:
        """The line the app's middleware writes, for an answer that never reached it."""
        path = urlsplit(self.path).path
        fields = {
            "event": "request",
            "method": self.command,
            "path": path,
            "status": status,
            "duration_ms": round((time.perf_counter() - self._started) * 1000, 1),
        }
        access_logger.info("%s %s %s", self.command, path, status, extra=fields)

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


def _local_server(app: Chalice, config: Config, host: str, port: int) -> LocalDevServer:
    # What chalice.local.create_local_server does, with the shop's handler and server.
    CustomLocalChalice.__bases__ = (LocalChalice, app.__class__)
    app.__class__ = CustomLocalChalice
    return LocalDevServer(
        app, config, host, port, handler_cls=ShopRequestHandler, server_cls=ShopHTTPServer
    )


def create_server(host: str, port: int, stage: str = "local") -> LocalDevServer:
    """The API server of `make run` (bound, not yet serving)."""
    from chalice.cli.factory import CLIFactory

    factory = CLIFactory(PROJECT_DIR, environ=os.environ)
    # Applies the stage's environment variables, then imports app.py.
    config = factory.create_config_obj(chalice_stage_name=stage)
    return _local_server(config.chalice_app, config, host, port)


# Plain `chalice local`


def _refuse(message: str) -> NoReturn:
    """Stop `chalice local` with a message. The server is created on a thread of the
    reloader's worker process, where SystemExit would end only that thread."""
    print(message, file=sys.stderr, flush=True)
    sys.stdout.flush()
    os._exit(2)


def _check_stage(stage: str) -> None:
    try:
        stage_environment(stage)
    except StageUnknown as unknown:
        _refuse(
            f"chalice local --stage {stage}: .chalice/config.json has no stage {stage!r}; "
            f"its stages are {', '.join(unknown.known)} (use --stage local with the emulator)"
        )
    if stage not in EMULATED_STAGES:
        return
    endpoint = os.environ.get("AWS_ENDPOINT_URL")
    if not endpoint:
        _refuse(
            f"chalice local --stage {stage} needs the emulator: start it (make run, or "
            ".venv/bin/python -m chalicelib.local.stack --emulator-only) and set "
            "AWS_ENDPOINT_URL=http://127.0.0.1:5000"
        )
    reason = unreachable(endpoint)
    if reason is not None:
        _refuse(
            f"AWS_ENDPOINT_URL={endpoint} does not answer ({reason}): start the emulator "
            "first (make run, or .venv/bin/python -m chalicelib.local.stack --emulator-only)"
        )
    # The emulator accepts any credentials; real ones are never needed, nor looked up.
    use_emulator_credentials()


def _create_local_server(app_obj: Chalice, config: Config, host: str, port: int) -> LocalDevServer:
    """Replaces chalice.local.create_local_server, which `chalice local` calls once it has
    imported the app."""
    _check_stage(config.chalice_stage)
    try:
        return _local_server(app_obj, config, host, port)
    except OSError as error:
        if error.errno != errno.EADDRINUSE:
            raise
        _refuse(
            f"port {port} is in use: stop the other server or choose another port, "
            f"e.g. chalice local --stage {config.chalice_stage} --port {port + 1}"
        )


def adapt_chalice_local() -> None:
    """Make `chalice local` serve the shop as `make run` does, and reload on changes to the
    shop's own source only. Called by app.py under the chalice CLI; a no-op for its other
    commands (``chalice package`` imports the app too)."""
    if "local" not in sys.argv[1:]:
        return
    import chalice.local

    from chalicelib.local.reloading import reload_on_source_changes_only

    chalice.local.create_local_server = _create_local_server
    reload_on_source_changes_only(PROJECT_DIR)
