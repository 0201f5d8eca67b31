"""When `make run` cannot start, or its emulator goes away, it says what is wrong in one
line that names the variable and the fix, with no traceback."""

from __future__ import annotations

import json
import socket
import subprocess
from collections.abc import Iterator

import pytest

from chalicelib.local.emulator import LOOPBACK, free_ports
from chalicelib.local.persistence import owned

pytestmark = pytest.mark.e2e

EXIT_TIMEOUT = 60.0


def failed_start(start_stack, **environment: str) -> tuple[int, str]:
    """Exit code and output of a stack that stops by itself."""
    stack = start_stack(wait=False, **environment)
    try:
        code = stack.process.wait(EXIT_TIMEOUT)
    except subprocess.TimeoutExpired:
        stack.kill()
        pytest.fail(f"the stack kept running:\n{stack.output()}")
    stack.kill()  # closes its log
    return code, stack.output()


@pytest.fixture
def taken_port() -> Iterator[int]:
    with socket.socket() as listener:
        listener.bind((LOOPBACK, 0))
        listener.listen()
        yield int(listener.getsockname()[1])


def test_a_taken_port_names_port_and_another_one(start_stack, taken_port):
    code, output = failed_start(start_stack, PORT=str(taken_port))
    assert code == 2
    assert output.strip() == (
        f"PORT={taken_port} is in use: stop the other server or choose another port, "
        f"e.g. PORT={taken_port + 1} make run"
    )


def test_a_taken_emulator_port_names_moto_port(start_stack, taken_port):
    code, output = failed_start(start_stack, MOTO_PORT=str(taken_port))
    assert code == 2
    assert "Traceback" not in output
    assert (
        f"MOTO_PORT={taken_port} is in use: stop the other emulator or choose another port, "
        f"e.g. MOTO_PORT={taken_port + 1} make run (or use the emulator there: "
        f"AWS_ENDPOINT_URL=http://{LOOPBACK}:{taken_port} make run)"
    ) in output


def test_a_data_folder_in_use_names_its_owner_and_the_ways_out(start_stack, tmp_path):
    (port,) = free_ports(1)
    with owned(tmp_path, "make run (pid 4242, emulator http://127.0.0.1:5000)"):
        code, output = failed_start(start_stack, LOCAL_DATA_DIR=str(tmp_path), PORT=str(port))
    assert code == 2
    assert output.strip() == (
        f"{tmp_path}/ is in use by make run (pid 4242, emulator http://127.0.0.1:5000): "
        f"share that emulator with AWS_ENDPOINT_URL=<its address> PORT={port + 1} make run, "
        "or give this one its own folder with LOCAL_DATA_DIR=<path>"
    )


def test_an_emulator_that_does_not_answer_is_named_at_start(start_stack):
    (nothing_there,) = free_ports(1)
    url = f"http://{LOOPBACK}:{nothing_there}"
    code, output = failed_start(start_stack, AWS_ENDPOINT_URL=url)
    assert code == 2
    assert output.startswith(f"AWS_ENDPOINT_URL={url} does not answer (")
    assert "unset AWS_ENDPOINT_URL to let make run start its own" in output
    assert "Traceback" not in output


def test_an_unknown_stage_lists_the_configured_ones(start_stack):
    code, output = failed_start(start_stack, STAGE="nope")
    assert code == 2
    assert output.strip() == (
        "STAGE=nope has no configuration in .chalice/config.json, whose stages are "
        "local, dev, prod, test: e.g. STAGE=local make run"
    )


@pytest.fixture(scope="module")
def separate_emulator(start_stack):
    """An emulator in its own process (`--emulator-only`), for a stack to lose."""
    emulator = start_stack("--emulator-only", wait=False)
    emulator.wait_for_output("Started with fresh demo data.")
    return emulator


def test_a_lost_emulator_gives_503_and_a_log_line_naming_it(start_stack, separate_emulator):
    url = separate_emulator.emulator_url
    stack = start_stack(AWS_ENDPOINT_URL=url)
    separate_emulator.assert_stops_cleanly()

    response = stack.get("/api/categories/")

    assert response.status_code == 503
    assert response.json() == {"detail": "The database is busy. Please retry shortly."}
    lines = [json.loads(line) for line in stack.output().splitlines() if line.startswith("{")]
    (failure,) = [line for line in lines if "storage_error" in line]
    assert failure["message"].startswith(f"storage unavailable at {url}: ")
    assert "EndpointConnectionError" in failure["message"]
    stack.assert_stops_cleanly()
