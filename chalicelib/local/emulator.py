"""The embedded AWS emulator (moto server) that `make run` and the tests use."""

from __future__ import annotations

import logging
import os
import urllib.request

LOOPBACK = "127.0.0.1"


def use_emulator_credentials() -> None:
    """The emulator accepts any credentials; these stop botocore from looking for real ones
    (and from ever signing a request with them)."""
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    os.environ.setdefault("AWS_SESSION_TOKEN", "testing")
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")


class Emulator:
    """A moto server on the loopback interface (never 0.0.0.0)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.url = f"http://{LOOPBACK}:{port}"
        from moto.server import ThreadedMotoServer  # moto is a development dependency

        self._server = ThreadedMotoServer(ip_address=LOOPBACK, port=port, verbose=False)

    def start(self) -> Emulator:
        # One line per emulated call would drown the API's own request log.
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()

    def reset(self) -> None:
        """Forget every table, item and object."""
        request = urllib.request.Request(f"{self.url}/moto-api/reset", method="POST")
        urllib.request.urlopen(request, timeout=10).close()
