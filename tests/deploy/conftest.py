"""Packages and a deploy rehearsal, each built once per test session:

- ``packaged``: the prod stage as `make package STAGE=prod` builds it (arm64 wheels, the
  real target), for the checks of the zip and the template. Its build starts in the
  background as soon as the tests are collected, so that no test process sits idle
  waiting for it while others run;
- ``rehearsal``: `make deploy STAGE=dev` itself, run against a moto server of its own with
  the package built for this machine's architecture, so that the very zip it shipped can
  be imported and driven here (tests/deploy/test_deploy_rehearsal.py).
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cloudformation import PROJECT_ROOT, TOOLS
from rehearsal import (
    ARTIFACT_BUCKET,
    EMULATOR_CREDENTIALS,
    REHEARSAL_ORIGIN,
    Rehearsal,
    SeparateEmulator,
    clean_environment,
    machine_architecture,
)

PACKAGE_TIMEOUT = 600.0
# Runs `python -m deploy.package`, then writes its exit code: whichever test process waits
# for the package reads it, also when the process that started the build has finished.
BUILD_AND_RECORD = (
    '"$0" -m deploy.package --stage prod "$1" >"$2" 2>&1; '
    'echo $? >"$3.partial" && mv "$3.partial" "$3"'
)


def run_folder(config: pytest.Config) -> Path:
    """The run's temporary folder, shared by its pytest-xdist workers."""
    base: Path = config._tmp_path_factory.getbasetemp()  # type: ignore[attr-defined]
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def start_building_the_prod_package(config: pytest.Config) -> Path:
    """Start the build into the run's folder unless a test process of the run already did;
    returns that folder's ``package-prod``."""
    folder = run_folder(config)
    output = folder / "package-prod"
    with open(folder / "package-prod.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        started = folder / "package-prod.started"
        if not started.exists():
            subprocess.Popen(
                [
                    "sh",
                    "-c",
                    BUILD_AND_RECORD,
                    str(TOOLS / "python"),
                    str(output),
                    str(folder / "package-prod.log"),
                    str(folder / "package-prod.status"),
                ],
                cwd=PROJECT_ROOT,
                env=clean_environment(),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            started.touch()
    return output


def pytest_collection_finish(session: pytest.Session) -> None:
    if session.config.option.collectonly:
        return
    if any("packaged" in getattr(item, "fixturenames", ()) for item in session.items):
        start_building_the_prod_package(session.config)


@pytest.fixture(scope="session")
def packaged(pytestconfig: pytest.Config) -> Path:
    """Built once per run, also when the test files that need it run in different
    pytest-xdist workers: the first of them to collect the tests starts the build, in the
    background, into the run's shared temporary folder; each waits for it and reuses it.
    The tests only read it."""
    output = start_building_the_prod_package(pytestconfig)
    status = output.with_name("package-prod.status")
    deadline = time.monotonic() + PACKAGE_TIMEOUT
    while not status.exists():
        assert time.monotonic() < deadline, f"make package took over {PACKAGE_TIMEOUT} s"
        time.sleep(0.1)
    log = output.with_name("package-prod.log").read_text()
    assert status.read_text().strip() == "0", log
    return output


@pytest.fixture(scope="session")
def template(packaged: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((packaged / "sam.json").read_text())
    return loaded


def stand_in_for_the_cursor_secret(rehearsal: Rehearsal) -> None:
    """The emulator's CloudFormation cannot create the stack's AWS::SecretsManager::Secret,
    so the function's CURSOR_SECRET_ARN names a placeholder (deploy/emulator.py). What
    CloudFormation generates on AWS is stood in for by a random secret of that name."""
    import secrets

    configuration = rehearsal.client("lambda").get_function_configuration(
        FunctionName="shop-api-dev"
    )
    placeholder = configuration["Environment"]["Variables"]["CURSOR_SECRET_ARN"]
    assert placeholder == "emulator-skipped-CursorSecret", placeholder
    rehearsal.client("secretsmanager").create_secret(
        Name=placeholder, SecretString=secrets.token_urlsafe(48)
    )


@pytest.fixture(scope="session")
def rehearsal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Rehearsal]:
    emulator = SeparateEmulator()
    try:
        environment = {
            **clean_environment(),
            **EMULATOR_CREDENTIALS,
            "AWS_ENDPOINT_URL": emulator.url,
            "DEPLOY_POLL_SECONDS": "1",
        }
        done = Rehearsal(emulator.url, tmp_path_factory.mktemp("rehearsal"), "", environment)
        done.client("s3").create_bucket(Bucket=ARTIFACT_BUCKET)
        command = [
            "make",
            "--no-print-directory",
            "deploy",
            "STAGE=dev",
            f"ARTIFACT_BUCKET={ARTIFACT_BUCKET}",
            f"ARCHITECTURE={machine_architecture()}",
            f"PACKAGE_DIR={done.package_dir}",
            f"DEPLOY_PARAMETERS=AllowedOrigins={REHEARSAL_ORIGIN}",
            f"PYTHON={sys.executable}",
        ]
        result = subprocess.run(
            command,
            cwd=PROJECT_ROOT,
            env=environment,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        done.output = result.stdout + result.stderr
        stand_in_for_the_cursor_secret(done)
        yield done
    finally:
        emulator.stop()
