"""End-to-end fixtures: the real local stack (`make run`'s
``python -m chalicelib.local.stack``) as a subprocess on free ports, spoken to over HTTP.

Each test module gets one stack with its own emulator; tests that are about starting and
stopping stacks start their own through ``start_stack``.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import suppress
from pathlib import Path
from typing import Any

import pytest
import requests
from helpers import PASSWORD

from chalicelib.local.emulator import LOOPBACK, free_ports

PROJECT_DIR = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT = 30.0
SHUTDOWN_TIMEOUT = 5.0
REQUEST_TIMEOUT = 30.0

# tests/conftest.py puts the whole test session in the `test` stage, and the `emulator`
# fixture points AWS_ENDPOINT_URL at its own moto server; the stack must run as
# `make run` does, with its `local` stage defaults and its own emulator. The tests'
# PASSWORD_ITERATIONS (1000) is kept: at the default 600,000 every signup and login of a
# stack cost 0.6 s of CPU, over a minute of each run.
TEST_STAGE_VARIABLES = (
    "AWS_ENDPOINT_URL",
    "STAGE",
    "TABLE_PREFIX",
    "MEDIA_BUCKET",
)


def port_is_free(port: int) -> bool:
    """Whether a new server could listen on the port (as the stack's own servers would,
    with SO_REUSEADDR, so connections left in TIME_WAIT do not count)."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((LOOPBACK, port))
        except OSError:
            return False
        return True


def stack_environment(**overrides: str) -> dict[str, str]:
    environment = {
        name: value for name, value in os.environ.items() if name not in TEST_STAGE_VARIABLES
    }
    # The startup lines ("AWS emulator on ...", "Started with fresh demo data.") are part of
    # what the tests read; unbuffered output makes them visible while the stack runs.
    environment["PYTHONUNBUFFERED"] = "1"
    environment.update(overrides)
    return environment


class Stack:
    """One running `python -m chalicelib.local.stack`."""

    def __init__(self, log_path: Path, *arguments: str, **environment: str) -> None:
        own_port, own_moto_port = free_ports(2)
        environment.setdefault("PORT", str(own_port))
        self.port = int(environment["PORT"])
        environment.setdefault("MOTO_PORT", str(own_moto_port))
        # The saved emulator data goes with the test's files, never into the project's.
        environment.setdefault("LOCAL_DATA_DIR", str(log_path.parent / "local-data"))
        self.moto_port = int(environment["MOTO_PORT"])
        self.shared_emulator_url = environment.get("AWS_ENDPOINT_URL")
        self.url = f"http://{LOOPBACK}:{self.port}"
        self.log_path = log_path
        self._log = log_path.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "chalicelib.local.stack", *arguments],
            cwd=PROJECT_DIR,
            env=stack_environment(**environment),
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    @property
    def emulator_url(self) -> str:
        return self.shared_emulator_url or f"http://{LOOPBACK}:{self.moto_port}"

    def moto_port_in_use(self) -> bool:
        return not port_is_free(self.moto_port)

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_for_output(self, text: str) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while text not in self.output():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.kill()
                pytest.fail(f"the stack never printed {text!r}:\n{self.output()}")
            time.sleep(0.1)

    def wait_until_healthy(self) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"the stack exited with {self.process.returncode}:\n{self.output()}")
            # The port is bound before the demo data is loaded, so a request may wait in
            # the listen queue: give it the rest of the start-up time rather than
            # abandoning it (which would leave a broken pipe in the log).
            remaining = max(0.1, deadline - time.monotonic())
            with suppress(requests.ConnectionError, requests.Timeout):
                if requests.get(f"{self.url}/api/health/", timeout=remaining).ok:
                    return
            time.sleep(0.1)
        self.kill()
        pytest.fail(f"the stack did not answer within {STARTUP_TIMEOUT} s:\n{self.output()}")

    def stop(self, signum: int = signal.SIGTERM) -> int | None:
        """Send the signal and wait a few seconds; the exit code, or None if it is still
        running (then it is killed)."""
        if self.process.poll() is None:
            self.process.send_signal(signum)
        try:
            return self.process.wait(SHUTDOWN_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.kill()
            return None
        finally:
            self._log.close()

    def assert_stops_cleanly(self, signum: int = signal.SIGTERM) -> None:
        code = self.stop(signum)
        assert code == 0, f"exit code {code} after {signum!r}:\n{self.output()}"
        busy = self.busy_ports()
        assert not busy, f"ports still in use after exit: {busy}"

    def busy_ports(self) -> list[int]:
        """The stack's ports that are still in use."""
        return [port for port in (self.port, self.moto_port) if not port_is_free(port)]

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self._log.close()

    # HTTP helpers

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", REQUEST_TIMEOUT)
        return requests.request(method, f"{self.url}{path}", **kwargs)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> requests.Response:
        return self.request("POST", path, json=body, **kwargs)

    def signup(self, username: str, password: str = PASSWORD) -> dict[str, Any]:
        body = {"username": username, "password": password, "email": f"{username}@example.com"}
        response = self.post("/api/users/", body)
        assert response.status_code == 201, response.text
        return response.json()

    def login(self, username: str, password: str = PASSWORD) -> dict[str, str]:
        """Headers that authenticate as the user."""
        response = self.post("/api/auth/login/", {"username": username, "password": password})
        assert response.status_code == 200, response.text
        return {"Authorization": f"Token {response.json()['token']}"}


StartStack = Callable[..., Stack]


@pytest.fixture(scope="session")
def local_environment() -> Callable[..., dict[str, str]]:
    """The environment of a stack, for tests that start other local commands."""
    return stack_environment


@pytest.fixture(scope="module")
def start_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StartStack]:
    """Starts stacks (command-line arguments, then environment overrides as keyword
    arguments) and waits until they answer (unless ``wait=False``); any left running at
    the end are killed."""
    started: list[Stack] = []

    def start(*arguments: str, wait: bool = True, **environment: str) -> Stack:
        log_path = tmp_path_factory.mktemp("stack") / "output.log"
        stack = Stack(log_path, *arguments, **environment)
        started.append(stack)
        if wait:
            stack.wait_until_healthy()
        return stack

    yield start
    for stack in started:
        stack.kill()


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """One stack per test process, as `make run` starts it, shared by the modules that
    only drive it over HTTP (each makes the records it needs); stopped with SIGTERM at
    the end. Starting a stack costs seconds of CPU, which per module dominated the run."""
    running = Stack(tmp_path_factory.mktemp("stack") / "output.log")
    try:
        running.wait_until_healthy()
        yield running
        running.assert_stops_cleanly()
    finally:
        running.kill()


@pytest.fixture(scope="session")
def demo_staff(stack: Stack) -> dict[str, str]:
    return stack.login("admin", "admin-local-only")


@pytest.fixture(scope="session")
def demo_shopper(stack: Stack) -> dict[str, str]:
    return stack.login("shopper", "shopper-local-only")
