"""The prod stage packaged once per test session, as `make package STAGE=prod` does:
chalice package with the merged resources, then the zip slimmed."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from cloudformation import PROJECT_ROOT, TOOLS


@pytest.fixture(scope="session")
def packaged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("package") / "prod"
    # The test session's own settings (STAGE=test, the emulator's endpoint) must not leak
    # into the package: only .chalice/config.json decides what the function gets.
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("AWS_") and name not in ("STAGE", "TABLE_PREFIX", "MEDIA_BUCKET")
    }
    environment["AWS_DEFAULT_REGION"] = "us-east-1"
    command = [
        str(TOOLS / "chalice"),
        "package",
        "--stage",
        "prod",
        "--merge-template",
        "deploy/resources.json",
        str(output),
    ]
    for step in (
        command,
        [str(TOOLS / "python"), "deploy/slim_zip.py", str(output / "deployment.zip")],
    ):
        result = subprocess.run(
            step, cwd=PROJECT_ROOT, env=environment, capture_output=True, text=True, timeout=300
        )
        assert result.returncode == 0, result.stdout + result.stderr
    return output


@pytest.fixture(scope="session")
def template(packaged: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((packaged / "sam.json").read_text())
    return loaded
