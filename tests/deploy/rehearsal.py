"""The deploy rehearsal's pieces: a moto server of its own, what `make deploy` did, and
the environment a package or a deploy runs in (fixtures in conftest.py)."""

from __future__ import annotations

import os
import platform
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cloudformation import TOOLS

from chalicelib.local.emulator import LOOPBACK, free_ports

ARTIFACT_BUCKET = "shop-rehearsal-artifacts"
REHEARSAL_ORIGIN = "https://shop.example.org"
EMULATOR_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
}


def clean_environment() -> dict[str, str]:
    """The test session's own settings (STAGE=test, the tests' emulator) must not leak
    into a package or a deploy: only the project's configuration decides."""
    return {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("AWS_", "MOTO_"))
        and name not in ("STAGE", "TABLE_PREFIX", "MEDIA_BUCKET", "PASSWORD_ITERATIONS")
    }


def machine_architecture() -> str:
    """The Lambda architecture whose wheels this machine can import."""
    return {"x86_64": "x86_64", "amd64": "x86_64", "aarch64": "arm64", "arm64": "arm64"}[
        platform.machine().lower()
    ]


class SeparateEmulator:
    """A moto server in a process of its own: the rehearsal's stack must not share state
    with the tests' emulator, which tests reset."""

    def __init__(self) -> None:
        self.port = free_ports(1)[0]
        self.url = f"http://{LOOPBACK}:{self.port}"
        self.process = subprocess.Popen(
            [str(TOOLS / "moto_server"), "-H", LOOPBACK, "-p", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{self.url}/moto-api/", timeout=1).close()
                return
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.stop()
                    raise RuntimeError("the rehearsal's moto server did not start") from None
                time.sleep(0.1)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


@dataclass
class Rehearsal:
    """What `make deploy` did against the emulator."""

    emulator_url: str
    package_dir: Path
    output: str
    environment: dict[str, str]

    def client(self, service: str) -> Any:
        import boto3

        return boto3.client(
            service,
            endpoint_url=self.emulator_url,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            aws_session_token="testing",
        )
