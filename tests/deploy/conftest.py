"""Packages and a deploy rehearsal, each built once per test session:

- ``packaged``: the prod stage as `make package STAGE=prod` builds it (arm64 wheels, the
  real target), for the checks of the zip and the template;
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


@pytest.fixture(scope="session")
def packaged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built once per run, also when the test files that need it run in different
    pytest-xdist workers: the first one builds it, under a lock, into the run's shared
    temporary folder; the others wait for it and reuse it. The tests only read it."""
    session_root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        session_root = session_root.parent  # the run's folder, shared by its workers
    output = session_root / "package-prod"
    built = session_root / "package-prod.built"
    with open(session_root / "package-prod.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not built.exists():
            result = subprocess.run(
                [str(TOOLS / "python"), "-m", "deploy.package", "--stage", "prod", str(output)],
                cwd=PROJECT_ROOT,
                env=clean_environment(),
                capture_output=True,
                text=True,
                timeout=300,
            )
            assert result.returncode == 0, result.stdout + result.stderr
            built.touch()
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
