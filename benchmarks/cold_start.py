"""Cold start: the import of the app plus its first product read, against the floor the
libraries impose (importing them, creating one DynamoDB client, one GetItem).

Each run is a fresh process; app and floor runs alternate (app, floor, app, floor, ...),
so that a change in the machine's load touches both alike. Each side's time is the median
of its runs, reported with the interquartile range, and the ratio judged is the median of
the per-round ratios (an app run over the floor run right after it).

What is judged is CPU time (user + system, ``time.process_time`` from the child's first
import to its answer), because the development machine is shared: while other processes
run, wall time also counts the time a child waits for a core, which can double it and
pushes the ratio of two waiting children toward 1. CPU time is the work a Lambda init
does with its core. It leaves out the emulator's time to answer the GetItem (another
process), the same for both sides, which makes the ratio slightly stricter. Wall time is
reported alongside.

``import pydantic`` alone is lazy: it loads none of the validation machinery. The floor
therefore imports what using each library takes: ``chalice.Chalice``,
``pynamodb.models.Model`` and ``pydantic.BaseModel``.

Both sides load bytecode, as in Lambda (the deployment zip carries the project's
bytecode, and pip wrote the libraries'): the children run without
PYTHONDONTWRITEBYTECODE, a discarded first round writes any missing ``.pyc``, and the
measurement stops if a module of either side would still be compiled from source.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
GOAL_RATIO = 1.15
ROUNDS = 30

FLOOR = """
import time
started, cpu_started = time.perf_counter(), time.process_time()
{imports}
import botocore.session
client = botocore.session.get_session().create_client(
    "dynamodb", region_name="us-east-1", endpoint_url={endpoint!r})
client.get_item(TableName={table!r}, Key={{"id": {{"N": "{product_id}"}}}})
print(time.perf_counter() - started, time.process_time() - cpu_started)
"""

APP = """
import time
started, cpu_started = time.perf_counter(), time.process_time()
import app
event = {{
    "resource": "/api/products/{{product_id}}",
    "path": "/api/products/{product_id}/",
    "httpMethod": "GET",
    "headers": {{"Host": "localhost"}},
    "multiValueHeaders": {{}},
    "queryStringParameters": None,
    "multiValueQueryStringParameters": None,
    "pathParameters": {{"product_id": "{product_id}"}},
    "stageVariables": None,
    "requestContext": {{
        "resourcePath": "/api/products/{{product_id}}",
        "httpMethod": "GET",
        "path": "/api/products/{product_id}/",
        "requestId": "cold-start",
        "identity": {{"sourceIp": "127.0.0.1"}},
    }},
    "body": None,
    "isBase64Encoded": False,
}}
class Context:
    aws_request_id = "cold-start"
    function_name = "shop-api"
response = app.app(event, Context())
assert response["statusCode"] == 200, response
print(time.perf_counter() - started, time.process_time() - cpu_started)
"""

USABLE_LIBRARIES = (
    "from chalice import Chalice\nfrom pynamodb.models import Model\nfrom pydantic import BaseModel"
)

# Appended to the discarded first round only: the modules that were compiled from source
# because no valid .pyc was found (a timestamp-checked .pyc records its source's mtime and
# size; a hash-checked one is trusted as Lambda's unchecked ones are).
WITHOUT_BYTECODE = """
import os, sys
stale = []
for module in list(sys.modules.values()):
    spec = getattr(module, "__spec__", None)
    if spec is None or not spec.has_location or not str(spec.origin).endswith(".py"):
        continue
    try:
        with open(spec.cached, "rb") as cached:
            header = cached.read(16)
        source = os.stat(spec.origin)
    except (OSError, TypeError):
        stale.append(spec.name)
        continue
    flags = int.from_bytes(header[4:8], "little")
    mtime = int.from_bytes(header[8:12], "little")
    size = int.from_bytes(header[12:16], "little")
    if flags == 0 and (mtime, size) != (int(source.st_mtime) & 0xFFFFFFFF,
                                        source.st_size & 0xFFFFFFFF):
        stale.append(spec.name)
print("without-bytecode:", *sorted(stale))
"""


@dataclass(frozen=True)
class Spread:
    """Median and quartiles of a set of samples."""

    samples: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def quartiles(self) -> tuple[float, float]:
        first, _, third = statistics.quantiles(self.samples, n=4, method="inclusive")
        return first, third


@dataclass(frozen=True)
class Side:
    cpu: Spread  # seconds
    wall: Spread  # seconds


@dataclass(frozen=True)
class ColdStart:
    app: Side
    floor: Side
    ratios: Spread  # CPU time of app / floor, round by round

    @property
    def ratio(self) -> float:
        return self.ratios.median

    @property
    def within_goal(self) -> bool:
        return self.ratio <= GOAL_RATIO


class BytecodeMissing(RuntimeError):
    pass


def child_environment(endpoint: str) -> dict[str, str]:
    """This process's environment, less what would make the children unlike Lambda: no
    PYTHONDONTWRITEBYTECODE (see above), and no switch that the app's own imports set
    here (it must come from the child's imports, as in Lambda)."""
    environment = {**os.environ, "AWS_ENDPOINT_URL": endpoint}
    for name in ("PYTHONDONTWRITEBYTECODE", "PYDANTIC_DISABLE_PLUGINS"):
        environment.pop(name, None)
    return environment


def _run(script: str, environment: dict[str, str]) -> list[str]:
    completed = subprocess.run(
        [sys.executable, "-c", script],
        cwd=PROJECT_DIR,
        env=environment,
        capture_output=True,
        text=True,
    )
    if completed.returncode != 0:
        # The app's log (stdout) says why a request failed; the traceback is on stderr.
        raise RuntimeError(
            f"cold-start run failed:\n{completed.stdout.strip()}\n{completed.stderr.strip()}"
        )
    return completed.stdout.strip().splitlines()[-1].split()


def _ensure_bytecode(scripts: dict[str, str], environment: dict[str, str]) -> None:
    stale: set[str] = set()
    for script in scripts.values():
        stale.update(_run(script + WITHOUT_BYTECODE, environment)[1:])
    if stale:
        raise BytecodeMissing(
            f"{len(stale)} modules would be compiled from source on every run (is their "
            f"__pycache__ writable?), e.g. {', '.join(sorted(stale)[:5])}; run "
            f"`{sys.executable} -m compileall app.py chalicelib` and the same for the "
            "libraries' directory"
        )


def measure_cold_start(
    endpoint: str,
    table: str,
    product_id: int,
    rounds: int = ROUNDS,
    progress: Callable[[int, int], None] | None = None,
) -> ColdStart:
    """``rounds`` interleaved fresh processes of each kind, timed from their first import
    (wall and CPU seconds)."""
    environment = child_environment(endpoint)
    scripts = {
        "app": APP.format(product_id=product_id),
        "floor": FLOOR.format(
            imports=USABLE_LIBRARIES, endpoint=endpoint, table=table, product_id=product_id
        ),
    }
    _ensure_bytecode(scripts, environment)
    app: list[tuple[float, float]] = []
    floor: list[tuple[float, float]] = []
    for done in range(rounds):
        for name, runs in (("app", app), ("floor", floor)):
            wall, cpu = _run(scripts[name], environment)
            runs.append((float(wall), float(cpu)))
        if progress is not None:
            progress(done + 1, rounds)
    return summarize(app, floor)


def summarize(
    app: Sequence[tuple[float, float]], floor: Sequence[tuple[float, float]]
) -> ColdStart:
    """From (wall, CPU) seconds of each run, in the order they ran."""

    def side(runs: Sequence[tuple[float, float]]) -> Side:
        return Side(cpu=Spread(tuple(c for _, c in runs)), wall=Spread(tuple(w for w, _ in runs)))

    ratios = tuple(a[1] / f[1] for a, f in zip(app, floor, strict=True))
    return ColdStart(app=side(app), floor=side(floor), ratios=Spread(ratios))
