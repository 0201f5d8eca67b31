"""The size of the Lambda deployment package, built as `make package` builds it: chalice
package, then deploy/slim_zip.py, which drops botocore models of services never called.

Sizes are in MB of 10^6 bytes, as deploy/package.py prints them."""

from __future__ import annotations

import contextlib
import io
import sys
import tempfile
import zipfile
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
MB = 10**6
LIMIT_BYTES = 25 * MB
DEV_ONLY_PACKAGES = ("moto/", "pytest/", "_pytest/", "tests/", "mypy/", "ruff/")


def package_zip(stage: str, out_dir: Path) -> Path:
    """The zip exactly as `make package` builds it (deploy/package.py)."""
    from deploy.package import build

    return build(stage, out_dir / stage) / "deployment.zip"


def measure_package(stage: str = "prod") -> tuple[int, list[str]]:
    """(zip size in bytes, dev-only paths found in it). What chalice prints while it
    packages is shown only when the build fails."""
    chatter = io.StringIO()
    with tempfile.TemporaryDirectory(prefix="shop-bench-package-") as out_dir:
        try:
            with contextlib.redirect_stdout(chatter), contextlib.redirect_stderr(chatter):
                archive = package_zip(stage, Path(out_dir))
        except Exception:
            print(chatter.getvalue(), end="", file=sys.stderr)
            raise
        size = archive.stat().st_size
        with zipfile.ZipFile(archive) as contents:
            strays = [
                name
                for name in contents.namelist()
                if any(name.startswith(prefix) for prefix in DEV_ONLY_PACKAGES)
            ]
    return size, strays
