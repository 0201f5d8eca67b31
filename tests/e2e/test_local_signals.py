"""Ctrl-C and SIGTERM stop `make run` within seconds, whenever they come: while it starts,
while it serves requests, or while it stops; a second one stops it at once."""

from __future__ import annotations

import contextlib
import random
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest
import requests

pytestmark = pytest.mark.e2e

SHUTDOWN_TIMEOUT = 5.0
# Start-ups per run, each signalled at a random moment: the seed is new for each run (and
# printed with a failure, to replay it), so the moments covered accumulate across runs.
ROUNDS = 5
# Start-up (imports, emulator, tables, demo data or restored data) takes about this long
# on the 2-core development machine once the handlers are installed; the signals fall
# anywhere in it.
LATEST_SIGNAL_SECONDS = 3.0
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder for every stack of the module: each start restores what the previous
    one saved, which also shows that no stop, however abrupt, breaks the snapshot."""
    return tmp_path_factory.mktemp("local-data")


def wait_for_signal_handlers(stack) -> None:
    """Until the stack handles SIGTERM: before, Python's defaults apply (death by the
    signal, or a KeyboardInterrupt, even one during the interpreter's own start-up).
    Linux shows the handled signals in /proc; elsewhere the first line comes after."""
    status = Path(f"/proc/{stack.process.pid}/status")
    sigterm_bit = 1 << (signal.SIGTERM - 1)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and stack.process.poll() is None:
        if status.exists():
            caught = next(
                line for line in status.read_text().splitlines() if line.startswith("SigCgt:")
            )
            if int(caught.split()[1], 16) & sigterm_bit:
                return
        elif stack.output():
            return
        time.sleep(0.005)
    pytest.fail(f"the stack never installed its signal handlers:\n{stack.output()}")


def assert_stopped(stack, signum: int, context: str) -> None:
    try:
        code = stack.process.wait(SHUTDOWN_TIMEOUT)
    except subprocess.TimeoutExpired:
        stack.kill()
        pytest.fail(f"still running {SHUTDOWN_TIMEOUT} s after {signum!r} {context}")
    assert code == 0, f"exit code {code} after {signum!r} {context}:\n{stack.output()}"
    busy = stack.busy_ports()
    assert not busy, f"ports still in use after {signum!r} {context}: {busy}"
    assert "Traceback" not in stack.output(), stack.output()


def test_a_signal_at_any_moment_of_start_up_stops_everything(start_stack, data_dir):
    seed = random.randrange(10**6)
    chosen = random.Random(seed)
    for round_number in range(ROUNDS):
        signum = chosen.choice(STOP_SIGNALS)
        delay = chosen.uniform(0, LATEST_SIGNAL_SECONDS)
        stack = start_stack(wait=False, LOCAL_DATA_DIR=str(data_dir))
        wait_for_signal_handlers(stack)
        time.sleep(delay)
        stack.process.send_signal(signum)
        assert_stopped(stack, signum, f"at {delay:.2f} s (round {round_number}, seed {seed})")


def test_ctrl_c_during_requests_stops_everything(start_stack, data_dir):
    stack = start_stack(LOCAL_DATA_DIR=str(data_dir))
    # Whatever the stops before left in the folder (a snapshot, or none) starts cleanly.
    categories = [category["name"] for category in stack.get("/api/categories/").json()]
    assert categories == ["Jackets", "Shoes", "Accessories"]
    stopped = threading.Event()

    def browse() -> None:
        while not stopped.is_set():
            with contextlib.suppress(requests.RequestException):
                stack.get("/api/products/?limit=5", timeout=5)

    browsers = [threading.Thread(target=browse) for _ in range(4)]
    for browser in browsers:
        browser.start()
    try:
        stack.get("/api/categories/")  # the browsers are under way
        stack.process.send_signal(signal.SIGINT)
        assert_stopped(stack, signal.SIGINT, "during requests")
        assert "Stopping." in stack.output()
    finally:
        stopped.set()
        for browser in browsers:
            browser.join()


def test_a_second_ctrl_c_stops_at_once_while_the_first_waits_for_the_emulator(
    start_stack, data_dir
):
    stack = start_stack(LOCAL_DATA_DIR=str(data_dir))
    # A request whose body never finishes keeps the emulator busy, so the last save
    # waits for it (2 s, then gives up).
    with socket.create_connection(("127.0.0.1", stack.moto_port)) as stuck:
        stuck.sendall(
            b"PUT /shop-local-media/stuck HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Length: 1000000\r\n\r\npartial"
        )
        stack.process.send_signal(signal.SIGINT)
        stack.wait_for_output("Stopping.")
        time.sleep(1.1)  # past the second in which a repeated signal counts as the first
        assert stack.process.poll() is None, stack.output()

        stack.process.send_signal(signal.SIGINT)
        code = stack.process.wait(SHUTDOWN_TIMEOUT)
    # 0 would mean the first stop ran its course (the save gave up after 2 s).
    assert code == 128 + signal.SIGINT
    assert "Stopped at once, without saving." in stack.output()
    assert stack.busy_ports() == []
