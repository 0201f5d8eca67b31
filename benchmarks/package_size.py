"""The size of the Lambda deployment package, built as `make package` builds it: chalice
package, then deploy/slim_zip.py, which drops botocore models of services never called."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
LIMIT_BYTES = 25 * 1024 * 1024
DEV_ONLY_PACKAGES = ("moto/", "pytest/", "_pytest/", "tests/", "mypy/", "ruff/")


def package_zip(stage: str, out_dir: Path) -> Path:
    chalice = Path(sys.executable).with_name("chalice")
    completed = subprocess.run(
        [str(chalice), "package", "--stage", stage, str(out_dir)],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"chalice package failed:\n{completed.stderr}")
    archive = out_dir / "deployment.zip"
    subprocess.run(
        [sys.executable, str(PROJECT_DIR / "deploy" / "slim_zip.py"), str(archive)],
        check=True,
        capture_output=True,
    )
    return archive


def measure_package(stage: str = "prod") -> tuple[int, list[str]]:
    """(zip size in bytes, dev-only paths found in it)."""
    with tempfile.TemporaryDirectory() as out_dir:
        archive = package_zip(stage, Path(out_dir))
        size = archive.stat().st_size
        with zipfile.ZipFile(archive) as contents:
            strays = [
                name
                for name in contents.namelist()
                if any(name.startswith(prefix) for prefix in DEV_ONLY_PACKAGES)
            ]
    return size, strays
