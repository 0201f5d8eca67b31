"""The stages of .chalice/config.json, read the way chalice reads them, for the messages
and the environment of the local tools."""

from __future__ import annotations

import json
from pathlib import Path

CONFIG = Path(__file__).resolve().parents[2] / ".chalice" / "config.json"


class StageUnknown(Exception):
    def __init__(self, stage: str, known: list[str]) -> None:
        super().__init__(f"no stage {stage!r} in .chalice/config.json ({', '.join(known)})")
        self.stage = stage
        self.known = known


def known_stages() -> list[str]:
    return list(json.loads(CONFIG.read_text()).get("stages", {}))


def stage_environment(stage: str) -> dict[str, str]:
    """The environment variables chalice gives the stage's function: the top-level ones,
    then the stage's own. StageUnknown for a stage the file does not configure."""
    config = json.loads(CONFIG.read_text())
    stages = config.get("stages", {})
    if stage not in stages:
        raise StageUnknown(stage, list(stages))
    return {
        **config.get("environment_variables", {}),
        **stages[stage].get("environment_variables", {}),
    }
