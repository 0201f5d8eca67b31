"""The GitHub Actions workflows pass zizmor, the Actions security linter pinned in
requirements-dev.txt, and pin every third-party action by commit."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml
from cloudformation import PROJECT_ROOT

WORKFLOWS = PROJECT_ROOT / ".github" / "workflows"
ZIZMOR = Path(sys.executable).parent / "zizmor"
# `uses:` of an action or reusable workflow in this repository: no ref to pin.
LOCAL = ("./", "$/")
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")
USES_LINE = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<ref>[^\s#]+)\s*(?:#\s*(?P<comment>.*))?$")


def workflow_files() -> list[Path]:
    files = sorted([*WORKFLOWS.glob("*.yml"), *WORKFLOWS.glob("*.yaml")])
    assert files, f"no workflows in {WORKFLOWS}"
    return files


def pinned_version(requirement: str) -> str:
    for line in (PROJECT_ROOT / "requirements-dev.txt").read_text().splitlines():
        name, _, version = line.split("#", 1)[0].strip().partition("==")
        if name.strip().lower() == requirement:
            return version.strip()
    raise AssertionError(f"requirements-dev.txt does not pin {requirement}")


def test_zizmor_finds_nothing_in_the_workflows() -> None:
    """The pedantic persona: every audit of the regular one plus the code smells, at every
    severity and confidence; a workflow zizmor cannot parse fails too."""
    assert ZIZMOR.is_file(), f"{ZIZMOR} is missing: pip install -r requirements-dev.txt"
    version = subprocess.run(
        [str(ZIZMOR), "--version"], capture_output=True, text=True, timeout=60, check=True
    ).stdout.split()[-1]
    assert version == pinned_version("zizmor"), f"{ZIZMOR} is zizmor {version}"
    # Only the arguments below decide what is audited, not the caller's ZIZMOR_* settings.
    environment = {
        name: value for name, value in os.environ.items() if not name.startswith("ZIZMOR_")
    }
    result = subprocess.run(
        [
            str(ZIZMOR),
            "--offline",
            "--strict-collection",
            "--persona=pedantic",
            "--color=never",
            "--render-links=never",
            "--no-progress",
            str(WORKFLOWS.relative_to(PROJECT_ROOT)),
        ],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, (
        f"zizmor exited {result.returncode}:\n{result.stdout}{result.stderr}"
    )


def _uses_in(document: Any) -> list[str]:
    """Every ``uses:`` value of a workflow: jobs that call a reusable workflow, and steps."""
    found = []
    for job in (document.get("jobs") or {}).values():
        if "uses" in job:
            found.append(job["uses"])
        found += [step["uses"] for step in job.get("steps", []) if "uses" in step]
    return found


def test_every_third_party_action_is_pinned_by_commit_with_its_version() -> None:
    unpinned = []
    for path in workflow_files():
        text = path.read_text()
        lines = {
            match["ref"]: match["comment"]
            for match in map(USES_LINE.match, text.splitlines())
            if match
        }
        uses = _uses_in(yaml.safe_load(text))
        # Every `uses:` is written on a line of its own, where its version comment goes.
        assert sorted(set(uses)) == sorted(lines), (path.name, uses, lines)
        for ref in uses:
            if ref.startswith(LOCAL):
                continue
            comment = lines[ref] or ""
            if not PINNED.match(ref):
                unpinned.append(f"{path.name}: {ref} (pin a 40-hex commit)")
            elif not re.fullmatch(r"v\d+(\.\d+)*", comment.strip()):
                unpinned.append(f"{path.name}: {ref} (add the version: '# vX.Y.Z')")
    assert not unpinned, "\n".join(unpinned)


def test_the_workflows_run_the_functions_python() -> None:
    """Python 3.13 is the Lambda runtime, which chalice takes from the packaging Python."""
    for path in workflow_files():
        for job in (yaml.safe_load(path.read_text()).get("jobs") or {}).values():
            for step in job.get("steps", []):
                if step.get("uses", "").startswith("actions/setup-python@"):
                    assert step["with"]["python-version"] == "3.13", (path.name, step)
