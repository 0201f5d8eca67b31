"""The deployment zip carries the app and its runtime dependencies, nothing else."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

from deploy.package import missing_requirements

MAX_ZIP_BYTES = 25 * 1000 * 1000
DEVELOPMENT_ONLY = {
    "moto",
    "pytest",
    "_pytest",
    "tests",
    "benchmarks",
    "cfnlint",
    "mypy",
    "ruff",
    "openapi_spec_validator",
    "manage.py",
}


def top_level_names(packaged: Path) -> set[str]:
    with zipfile.ZipFile(packaged / "deployment.zip") as archive:
        return {name.split("/", 1)[0] for name in archive.namelist()}


def test_the_zip_holds_no_botocore_models_of_services_the_app_does_not_call(
    packaged: Path,
) -> None:
    with zipfile.ZipFile(packaged / "deployment.zip") as archive:
        services = {
            name.split("/")[2]
            for name in archive.namelist()
            if name.startswith("botocore/data/") and name.count("/") > 2
        }
    assert services == {"dynamodb", "s3", "secretsmanager"}


def test_the_zip_holds_no_test_files_or_development_tools(packaged: Path) -> None:
    assert top_level_names(packaged) & DEVELOPMENT_ONLY == set()


def test_the_zip_holds_no_local_only_code_or_demo_data(packaged: Path) -> None:
    """The emulator, `make run` and the demo data (public passwords) never run on Lambda."""
    with zipfile.ZipFile(packaged / "deployment.zip") as archive:
        app_files = [n for n in archive.namelist() if n == "app.py" or n.startswith("chalicelib/")]
        local_only = [n for n in app_files if n.startswith("chalicelib/local/") or "demo" in n]
        demo_passwords = [n for n in app_files if b"-local-only" in archive.read(n)]
    assert local_only == []
    assert demo_passwords == []


def test_the_zip_holds_the_app_and_the_libraries_it_imports(packaged: Path) -> None:
    assert {"app.py", "chalicelib", "chalice", "pynamodb", "pydantic"} <= top_level_names(packaged)


def test_the_zip_carries_bytecode_for_the_modules_of_the_app(packaged: Path) -> None:
    """Lambda's code directory is read-only: without bytecode in the zip, every cold start
    would compile each module it imports from source."""
    with zipfile.ZipFile(packaged / "deployment.zip") as archive:
        names = set(archive.namelist())
    modules = {name for name in names if name.startswith("chalicelib/") and name.endswith(".py")}
    tag = sys.implementation.cache_tag
    missing = {
        module
        for module in modules
        if f"{os.path.dirname(module)}/__pycache__/{os.path.basename(module)[:-3]}.{tag}.pyc"
        not in names
    }
    assert modules and missing == set()


def test_the_zip_holds_every_pinned_runtime_requirement(packaged: Path) -> None:
    """chalice leaves out, with only a warning, a package that has no wheel for Lambda."""
    assert missing_requirements(packaged / "deployment.zip") == set()


def test_the_zip_stays_under_25_mb(packaged: Path) -> None:
    assert (packaged / "deployment.zip").stat().st_size < MAX_ZIP_BYTES


BOTOCORE_AND_ITS_DEPENDENCIES = ("botocore/", "dateutil/", "jmespath/", "urllib3/", "six.py")
CLIENTS_OF_THE_APP = """
import sys, botocore.session
assert botocore.__file__.startswith(sys.argv[1]), botocore.__file__
session = botocore.session.get_session()
for service in ("dynamodb", "s3", "secretsmanager"):
    session.create_client(service, region_name="eu-west-1")
local = dict(region_name="us-east-1", endpoint_url=sys.argv[2])
session.create_client("dynamodb", **local).list_tables()
session.create_client("s3", **local).list_buckets()
session.create_client("secretsmanager", **local).list_secrets()
"""


def test_the_slimmed_botocore_still_serves_the_services_the_app_calls(
    packaged: Path, tmp_path: Path, emulator: Any
) -> None:
    with zipfile.ZipFile(packaged / "deployment.zip") as archive:
        names = [n for n in archive.namelist() if n.startswith(BOTOCORE_AND_ITS_DEPENDENCIES)]
        archive.extractall(tmp_path, members=names)
    result = subprocess.run(
        [sys.executable, "-c", CLIENTS_OF_THE_APP, str(tmp_path), emulator.url],
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


def test_the_zip_holds_the_docs_page_files_and_swagger_uis_licence(packaged: Path) -> None:
    """The slimming keeps them: /api/docs/ serves them from the function's own code."""
    from chalicelib.api.docs import ASSET_TYPES

    with zipfile.ZipFile(packaged / "deployment.zip") as archive:
        shipped = {
            name.removeprefix("chalicelib/api/docs_assets/")
            for name in archive.namelist()
            if name.startswith("chalicelib/api/docs_assets/")
        }
    assert shipped == {*ASSET_TYPES, "LICENSE"}
