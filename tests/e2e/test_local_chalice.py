"""Plain `chalice local --stage local`, against the emulator that a `make run` started,
serves the shop as `make run` does: one JSON log line
per request and no library noise, 404 and 405 in the API's shape, and restarts only when
the shop's source changes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from chalicelib.local.emulator import LOOPBACK, free_ports

pytestmark = pytest.mark.e2e

PROJECT_DIR = Path(__file__).resolve().parents[2]
CHALICE = str(Path(sys.executable).parent / "chalice")
STARTUP_TIMEOUT = 60.0
# chalice's watcher polls every second.
RELOAD_WAIT_SECONDS = 2.5
LIBRARY_NOISE = (
    "Found credentials",
    "Override settings for pynamo",
    "Using Default settings value",
)


@dataclass
class ChaliceLocal:
    process: subprocess.Popen[bytes]
    url: str
    log_path: Path

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        return requests.request(method, f"{self.url}{path}", timeout=30, **kwargs)


def run_chalice_local(log_path: Path, environment: dict[str, str], *options: str) -> ChaliceLocal:
    (port,) = free_ports(1)
    process = subprocess.Popen(
        [CHALICE, "local", "--port", str(port), *options],
        cwd=PROJECT_DIR,
        env=environment,
        stdout=log_path.open("wb"),
        stderr=subprocess.STDOUT,
    )
    return ChaliceLocal(process, f"http://{LOOPBACK}:{port}", log_path)


def wait_until_healthy(server: ChaliceLocal) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        assert server.process.poll() is None, server.output()
        try:
            if server.request("GET", "/api/health/").ok:
                return
        except requests.ConnectionError:
            time.sleep(0.1)
    pytest.fail(f"chalice local did not answer:\n{server.output()}")


@pytest.fixture(scope="module")
def chalice_environment(stack, local_environment) -> dict[str, str]:
    """All that plain `chalice local --stage local` needs: the address of an emulator,
    here the one of the module's `make run`."""
    return local_environment(AWS_ENDPOINT_URL=stack.emulator_url)


@pytest.fixture(scope="module")
def chalice_local(chalice_environment, tmp_path_factory) -> Iterator[ChaliceLocal]:
    log_path = tmp_path_factory.mktemp("chalice-local") / "output.log"
    server = run_chalice_local(log_path, chalice_environment, "--stage", "local")
    wait_until_healthy(server)
    yield server
    if server.process.poll() is None:
        server.process.send_signal(signal.SIGINT)
        server.process.wait(10)


def json_lines(output: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


def test_one_json_line_per_request_and_nothing_else(chalice_local):
    response = chalice_local.request("GET", "/api/categories/")
    assert response.status_code == 200, response.text

    output = chalice_local.output()
    logged = [line for line in json_lines(output) if line.get("path") == "/api/categories/"]
    assert [(line["method"], line["status"]) for line in logged] == [("GET", 200)]
    others = [line for line in output.splitlines() if line and not line.startswith("{")]
    assert others == [f"Serving on {chalice_local.url}"]


def test_no_library_noise_once_storage_is_used(chalice_local):
    assert chalice_local.request("GET", "/api/products/?limit=1").status_code == 200
    output = chalice_local.output()
    assert [noise for noise in LIBRARY_NOISE if noise in output] == []


@pytest.fixture(params=["make run", "chalice local"])
def server(request) -> Any:
    return request.getfixturevalue("stack" if request.param == "make run" else "chalice_local")


def test_an_unknown_path_is_a_404_in_the_api_shape(server):
    response = server.request("GET", "/api/nothing-here/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


@pytest.mark.parametrize("method", ["TRACE", "PROPFIND"])
def test_an_unknown_method_is_a_json_405_listing_the_real_ones(server, method):
    response = server.request(method, "/api/categories/")
    assert response.status_code == 405
    assert response.headers["Content-Type"] == "application/json"
    assert response.json() == {"detail": f'Method "{method}" not allowed.'}
    allowed = response.headers["Allow"].split(", ")
    assert {"GET", "POST", "OPTIONS"} <= set(allowed)
    assert method not in allowed


def test_writes_outside_the_source_do_not_restart_it(chalice_local):
    from chalicelib.local.reloading import source_mtimes

    # The shop's source may change meanwhile (in a shared work tree): such a try is
    # repeated, since its restart would be a right one.
    for _ in range(3):
        sources = source_mtimes(str(PROJECT_DIR))
        restarts = chalice_local.output().count("Restarting")
        probe = PROJECT_DIR / ".pytest_cache" / f"restart-probe-{uuid.uuid4().hex}"
        probe.parent.mkdir(exist_ok=True)
        probe.write_text("written by a test")
        try:
            time.sleep(RELOAD_WAIT_SECONDS)
        finally:
            probe.unlink()
        if source_mtimes(str(PROJECT_DIR)) == sources:
            assert chalice_local.output().count("Restarting") == restarts
            return
        wait_until_healthy(chalice_local)
    pytest.fail("the shop's source changed during every try")


def test_the_watcher_restarts_on_a_source_change_only(tmp_path, monkeypatch):
    from chalice.cli.filewatch.stat import StatFileWatcher

    from chalicelib.local.reloading import _patch_stat_watcher

    for name in ("_seed_mtime_cache", "_single_pass_poll"):  # restored after the test
        monkeypatch.setattr(StatFileWatcher, name, getattr(StatFileWatcher, name))
    (tmp_path / "app.py").write_text("")
    (tmp_path / "chalicelib").mkdir()
    source = tmp_path / "chalicelib" / "catalog.py"
    source.write_text("")
    _patch_stat_watcher(str(tmp_path))
    watcher, restarts = StatFileWatcher(), []
    watcher._seed_mtime_cache(str(tmp_path))

    (tmp_path / ".local-data").mkdir()
    (tmp_path / ".local-data" / "emulator.pickle").write_bytes(b"saved")
    (tmp_path / "chalicelib" / "__pycache__").mkdir()
    (tmp_path / "chalicelib" / "__pycache__" / "catalog.cpython-313.pyc").write_bytes(b"")
    watcher._single_pass_poll(str(tmp_path), lambda: restarts.append("data"))
    later = time.time() + 5
    os.utime(source, (later, later))
    watcher._single_pass_poll(str(tmp_path), lambda: restarts.append("source"))

    assert restarts == ["source"]


def test_sigterm_stops_the_server_and_its_reloading_worker(chalice_local):
    """Stops the module's chalice local: the last test to use it."""
    server = chalice_local
    wait_until_healthy(server)
    server.process.send_signal(signal.SIGTERM)
    server.process.wait(10)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            server.request("GET", "/api/health/")
        except requests.ConnectionError:
            return
        time.sleep(0.2)
    pytest.fail("the worker still serves 5 s after SIGTERM reached chalice local")


def run_to_exit(environment: dict[str, str], *options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CHALICE, "local", "--no-autoreload", *options],
        cwd=PROJECT_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=STARTUP_TIMEOUT,
    )


def test_an_unknown_stage_lists_the_configured_ones(chalice_environment):
    done = run_to_exit(chalice_environment, "--stage", "nope")
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "chalice local --stage nope: .chalice/config.json has no stage 'nope'; its stages "
        "are local, dev, prod, test (use --stage local with the emulator)"
    )


def test_the_local_stage_without_an_emulator_says_how_to_start_one(local_environment):
    done = run_to_exit(local_environment(), "--stage", "local")
    assert done.returncode == 2
    assert "chalice local --stage local needs the emulator" in done.stderr
    assert "AWS_ENDPOINT_URL=http://127.0.0.1:5000" in done.stderr
