"""Schemathesis against the running local stack (`make run`'s code) over HTTP: every
check, its examples, coverage, fuzzing and stateful phases, authenticated per operation
as staff, as a customer or with a guest cart (tests/e2e/schemathesis_hooks.py).

The seed is random per run (SHOP_FUZZ_SEED=<seed> picks one) and printed with the
commands that replay it. `make test` runs a bounded pass (about 35 s): examples,
coverage and fuzzing in one schemathesis run, then the stateful phase in a second run
with its own time, so that it is not starved by the others. `make fuzz`
(SHOP_FUZZ_DEEP=1) runs every phase for up to 15 minutes.

Whether every operation was reached with credentials and data that can succeed is read
from the statuses schemathesis got: its ``after_call`` hook writes down the status of
every response per operation (schemathesis's own reports keep only some of the cases).
The deep run fails when a documented operation never answered a 2xx; the bounded run
prints the operations it got no 2xx from (it is too short to reach them all).
"""

from __future__ import annotations

import os
import random
import shlex
import subprocess
import sys
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.e2e.conftest import PROJECT_DIR, Stack

HOOKS = "tests.e2e.schemathesis_hooks"
CONFIG = Path(__file__).with_name("schemathesis.toml")
DEEP = os.environ.get("SHOP_FUZZ_DEEP") == "1"
MAX_EXAMPLES = 100 if DEEP else 4
# (phases, seconds) per schemathesis run. Within one run, coverage and fuzzing spend a
# short budget before the stateful phase gets a turn; a run of its own gives it one.
RUNS = (
    (("examples,coverage,fuzzing,stateful", 900),)
    if DEEP
    else (("examples,coverage,fuzzing", 22), ("stateful", 10))
)
# The API documents itself only; the docs page's assets are static files.
EXCLUDED_PATHS = r"^/api/docs/"


def schemathesis_command(stack: Stack, seed: int, phases: str, max_time: int) -> list[str]:
    return [
        str(Path(sys.executable).with_name("schemathesis")),
        "--config-file",
        str(CONFIG),
        "--no-color",
        "run",
        f"{stack.url}/api/schema/",
        "--checks",
        "all",
        "--phases",
        phases,
        "--max-examples",
        str(MAX_EXAMPLES),
        "--max-time",
        str(max_time),
        "--seed",
        str(seed),
        "--exclude-path-regex",
        EXCLUDED_PATHS,
        "--workers",
        "2",
        "--request-timeout",
        "30",
        "--continue-on-failure",
    ]


def statuses_per_operation(log: Path) -> dict[str, set[int]]:
    """Every status each operation answered, as the hooks' ``after_call`` wrote them down
    (one ``<METHOD> <path template>\t<status>`` line per response schemathesis got)."""
    answered: dict[str, set[int]] = defaultdict(set)
    if log.exists():
        for line in log.read_text().splitlines():
            label, status = line.rsplit("\t", 1)
            answered[label].add(int(status))
    return answered


def operations_without_success(answered: dict[str, set[int]], schema: dict) -> list[str]:
    """Documented operations that never answered a 2xx. Schemathesis leaves out the
    operation that serves the document it loaded (GET /api/schema/ answered it)."""
    documented = [
        f"{method.upper()} {path}"
        for path, methods in schema["paths"].items()
        if not path.startswith(("/api/docs/", "/api/schema/"))
        for method in methods
    ]
    return [
        label
        for label in documented
        if not any(200 <= status < 300 for status in answered.get(label, ()))
    ]


@pytest.fixture(scope="module")
def stack(start_stack: Callable[..., Stack]) -> Stack:
    """A stack of its own: the fuzzer creates, renames and deletes whatever it can reach
    (categories, products, users), which other modules sharing the test process's stack
    would then find in place of the demo data."""
    return start_stack()


def test_schemathesis_finds_no_failure(stack: Stack, tmp_path: Path) -> None:
    seed = int(os.environ.get("SHOP_FUZZ_SEED") or random.randrange(2**31))
    stack.signup("fuzz-customer")
    environment = {
        **os.environ,
        "SCHEMATHESIS_HOOKS": HOOKS,
        "SHOP_FUZZ_URL": stack.url,
        "SHOP_FUZZ_STAFF_TOKEN": stack.login("admin", "admin-local-only")["Authorization"][6:],
        "SHOP_FUZZ_USER_TOKEN": stack.login("fuzz-customer")["Authorization"][6:],
        "PYTHONPATH": str(PROJECT_DIR),
        "SHOP_FUZZ_STATUSES": str(tmp_path / "statuses.tsv"),
    }
    commands = [schemathesis_command(stack, seed, phases, max_time) for phases, max_time in RUNS]
    replay = (
        f"SHOP_FUZZ_SEED={seed} .venv/bin/python -m pytest tests/e2e/test_schemathesis.py -s -n 0"
        f"\n(or against make run, with SCHEMATHESIS_HOOKS={HOOKS} and SHOP_FUZZ_* set: "
        + " ; ".join(shlex.join(command) for command in commands)
        + ")"
    )
    print(f"schemathesis seed {seed}; replay: {replay}")
    failed = []
    for command, (_, max_time) in zip(commands, RUNS, strict=True):
        result = subprocess.run(
            command,
            cwd=PROJECT_DIR,
            env=environment,
            capture_output=True,
            text=True,
            timeout=max_time + 120,
            check=False,
        )
        print(result.stdout[-4000:])
        if result.returncode != 0:
            failed.append(f"{result.stdout[-20000:]}\n{result.stderr[-3000:]}")
    assert not failed, "\n".join(failed) + f"\n{replay}"
    answered = statuses_per_operation(tmp_path / "statuses.tsv")
    unreached = operations_without_success(answered, stack.get("/api/schema/").json())
    print(f"operations without a 2xx in this run: {unreached or 'none'}")
    if DEEP:
        assert not unreached, f"never answered a 2xx: {unreached}\n{replay}"
