"""Counting DynamoDB requests where they arrive: at the emulator, through moto's request
recorder, so the count does not depend on the code under test reporting honestly."""

from __future__ import annotations

import json
import urllib.request
from collections import Counter

DYNAMODB_TARGET_PREFIX = "DynamoDB_20120810."


class EmulatorCallCounter:
    def __init__(self, emulator_url: str) -> None:
        self._url = emulator_url.rstrip("/")

    def _post(self, action: str) -> bytes:
        request = urllib.request.Request(f"{self._url}/moto-api/recorder/{action}", method="POST")
        with urllib.request.urlopen(request, timeout=10) as response:
            return bytes(response.read())

    def start(self) -> None:
        self._post("reset-recording")
        self._post("start-recording")

    def stop(self) -> Counter[str]:
        self._post("stop-recording")
        with urllib.request.urlopen(
            f"{self._url}/moto-api/recorder/download-recording", timeout=10
        ) as response:
            lines = response.read().decode().splitlines()
        operations: Counter[str] = Counter()
        for line in lines:
            headers = {name.lower(): value for name, value in json.loads(line)["headers"].items()}
            target = headers.get("x-amz-target", "")
            if target.startswith(DYNAMODB_TARGET_PREFIX):
                operations[target.removeprefix(DYNAMODB_TARGET_PREFIX)] += 1
        return operations
