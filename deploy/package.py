"""Build what `make deploy` ships, into one directory:

- ``sam.json``: chalice's template with ``deploy/resources.json`` merged in (tables,
  bucket, CDN, guard rails, alarms), API Gateway wired to the function's ``live`` alias;
- ``deployment.zip``: the function's code, slimmed (``deploy/slim_zip.py``) and checked to
  hold every pinned runtime requirement.

    python -m deploy.package --stage prod build/package
    python -m deploy.package --stage dev --architecture x86_64 build/rehearsal

The architecture defaults to ``lambda_architecture`` in ``.chalice/config.json`` (arm64).
Chalice downloads the wheels of the target platform, so a zip built for arm64 cannot be
imported on an x86_64 machine: the deploy rehearsal in the tests builds for the machine
it runs on. The Lambda runtime is the Python that runs this (chalice's rule), python3.13.

Both steps keep what they made in ``.chalice/deployments`` for the next build: the
installed dependencies, zipped, per requirements.txt, chalice's version, runtime and
architecture (chalice itself names that zip after the app's source too, so every edit of
the app would download, install and zip every dependency again), and the slimmed
dependencies with their bytecode (``deploy/slim_zip.py``). A build then zips and compiles
the app's own files only.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import hashlib
import io
import json
import os
import shutil
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from deploy.slim_zip import forget_unused, slim

PROJECT_ROOT = Path(__file__).resolve().parents[1]
BUILD_CACHE = PROJECT_ROOT / ".chalice" / "deployments"
MERGE_TEMPLATE = "deploy/resources.json"
# SAM's AutoPublishAlias names the alias resource <function><"Alias"><alias name>.
FUNCTION = "APIHandler"
ALIAS = f"{FUNCTION}Aliaslive"
RUNTIME = "python3.13"


class PackageError(Exception):
    """The package cannot be deployed; the message says why and what to do."""


def build(stage: str, output: Path, architecture: str | None = None) -> Path:
    """Package ``stage`` into ``output`` (replaced); returns ``output``."""
    if not (PROJECT_ROOT / ".chalice" / f"policy-{stage}.json").is_file():
        raise PackageError(
            f"no .chalice/policy-{stage}.json: {stage!r} is not a deployable stage "
            "(docs/deploy.md, 'Stage configuration', says how to add one)"
        )
    if sys.version_info[:2] != (3, 13):
        raise PackageError(
            f"chalice takes the Lambda runtime from the Python that packages: this is "
            f"{sys.version.split()[0]}, the function runs {RUNTIME}. Recreate .venv with "
            "Python 3.13 (make clean && make PYTHON=python3.13 package)."
        )
    with _build_lock():
        dependencies = _chalice_package(stage, output, architecture)
        if not _intact(output / "deployment.zip"):
            # A cache that was broken some other way (a full disk, an older build that
            # wrote it in place) would break every later build: build it anew.
            shutil.rmtree(BUILD_CACHE, ignore_errors=True)
            dependencies = _chalice_package(stage, output, architecture)
    template_path = output / "sam.json"
    template = json.loads(template_path.read_text())
    call_the_alias(template)
    name_the_api(template)
    template_path.write_text(json.dumps(template, indent=1) + "\n")
    archive = output / "deployment.zip"
    slim(archive, BUILD_CACHE / "slim")
    missing = missing_requirements(archive)
    if missing:
        # Not kept: the next build tries to download the missing wheels again.
        dependencies.unlink(missing_ok=True)
        raise PackageError(
            "these pinned requirements have no wheel for Lambda "
            f"(manylinux, {RUNTIME}, the target architecture), so chalice left them out of "
            f"the zip: {', '.join(sorted(missing))}"
        )
    return output


@contextlib.contextmanager
def _build_lock() -> Any:
    """One build at a time per checkout: concurrent builds (two terminals, parallel test
    workers) would install the same dependencies into the cache at once."""
    BUILD_CACHE.mkdir(parents=True, exist_ok=True)
    with (BUILD_CACHE.parent / "deployments.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _intact(archive: Path) -> bool:
    try:
        with zipfile.ZipFile(archive) as zipped:
            return zipped.testzip() is None
    except zipfile.BadZipFile:
        return False


def _chalice_package(stage: str, output: Path, architecture: str | None) -> Path:
    """What ``chalice package --merge-template`` does, with the architecture overridable
    (the CLI has no option for it) and the dependencies cached per requirements; returns
    the cached zip of dependencies it used."""
    from chalice.cli.factory import CLIFactory
    from chalice.deploy.validate import validate_lambda_architecture

    environ = dict(os.environ)
    # chalice wants a region, but the template only uses AWS::Region: the stack lands
    # wherever it is deployed.
    environ.setdefault("AWS_DEFAULT_REGION", environ.get("AWS_REGION", "us-east-1"))
    factory = CLIFactory(project_dir=str(PROJECT_ROOT), environ=environ)
    overrides: dict[str, Any] = {}
    if architecture:
        overrides["lambda_architecture"] = architecture
    config = factory.create_config_obj(stage, user_provided_params=overrides)
    validate_lambda_architecture(config)
    with (
        _environment(environ),
        tempfile.TemporaryDirectory() as workdir,
        _dependencies_cached_by_requirements(Path(workdir)) as used,
    ):
        options = factory.create_package_options()
        packager = factory.create_app_packager(
            config, options, "cloudformation", "json", merge_template=MERGE_TEMPLATE
        )
        shutil.rmtree(output, ignore_errors=True)
        output.mkdir(parents=True)
        log = io.StringIO()
        with contextlib.redirect_stdout(log), contextlib.redirect_stderr(log):
            packager.package_app(config, str(output), stage)
    text = log.getvalue()
    if text.strip():
        print(text.strip(), file=sys.stderr)
    return used[0]


@contextlib.contextmanager
def _dependencies_cached_by_requirements(workdir: Path) -> Iterator[list[Path]]:
    """chalice's packager, but with its zip of installed dependencies cached per
    requirements.txt, runtime and architecture only (chalice adds the app's source to
    that key, and installs everything again after each edit of the app). The package is
    that zip with the app's files added, assembled in ``workdir``; the list yielded gets
    the path of the cached zip."""
    from chalice import __version__ as chalice_version
    from chalice.deploy import deployer
    from chalice.deploy.packager import LambdaDeploymentPackager

    used: list[Path] = []

    class Packager(LambdaDeploymentPackager):
        def create_deployment_package(self, project_dir: str, python_version: str) -> str:
            dependencies = self._dependencies(project_dir, python_version)
            used.append(dependencies)
            package = workdir / "deployment.zip"
            shutil.copyfile(dependencies, package)
            with zipfile.ZipFile(package, "a", zipfile.ZIP_DEFLATED) as archive:
                self._add_app_files(archive, project_dir)
            return str(package)

        def _dependencies(self, project_dir: str, python_version: str) -> Path:
            requirements = self._get_requirements_filename(project_dir)
            vendor = os.path.join(project_dir, self._VENDOR_DIR)
            # chalice's version too: it picks the wheels (requirements-dev.txt pins it).
            digest = hashlib.sha256(f"chalice {chalice_version}\n".encode())
            digest.update(Path(requirements).read_bytes())
            if os.path.isdir(vendor):
                self._hash_vendor_dir(vendor, digest)
            name = f"dependencies-{digest.hexdigest()[:32]}-{python_version}"
            cached = BUILD_CACHE / f"{name}{self._architecture_suffix()}.zip"
            if cached.is_file():
                os.utime(cached)  # used: kept (see forget_unused)
                return cached
            self._ui.write("Installing the dependencies (kept for the next build).\n")
            partial = cached.with_name(f".{cached.name}.{os.getpid()}.tmp")
            with tempfile.TemporaryDirectory() as installed:
                self._build_python_dependencies(python_version, requirements, installed)
                with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
                    self._add_py_deps(archive, deps_dir=installed)
                    self._add_vendor_files(archive, vendor)
            partial.replace(cached)
            forget_unused(BUILD_CACHE, "dependencies-*.zip")
            return cached

    # chalice's build stage creates its packager by this name.
    original = deployer.LambdaDeploymentPackager
    deployer.LambdaDeploymentPackager = Packager  # type: ignore[misc]
    try:
        yield used
    finally:
        deployer.LambdaDeploymentPackager = original  # type: ignore[misc]


@contextlib.contextmanager
def _environment(environ: dict[str, str]) -> Any:
    saved = dict(os.environ)
    os.environ.update(environ)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def call_the_alias(template: dict[str, Any]) -> None:
    """Point every API Gateway integration at the ``live`` alias instead of the function.

    SnapStart applies to published versions only; ``$LATEST`` (what chalice's integration
    URIs name) would start cold every time. The alias follows each new version that SAM's
    AutoPublishAlias publishes. The invoke permission is granted on the alias in
    deploy/resources.json."""
    function_arn = "${" + FUNCTION + ".Arn}"
    paths = template["Resources"]["RestAPI"]["Properties"]["DefinitionBody"]["paths"]
    for operations in paths.values():
        for operation in operations.values():
            integration = operation.get("x-amazon-apigateway-integration")
            if not integration or "uri" not in integration:
                continue
            uri = integration["uri"]["Fn::Sub"]
            if function_arn not in uri:
                raise PackageError(f"unexpected integration URI {uri!r}")
            integration["uri"]["Fn::Sub"] = uri.replace(function_arn, "${" + ALIAS + "}")


def name_the_api(template: dict[str, Any]) -> None:
    """Name the REST API after its stage in its definition too (the alarms find its
    metrics by that name): chalice titles it after the app, the same for every stage."""
    definition = template["Resources"]["RestAPI"]["Properties"]["DefinitionBody"]
    definition["info"]["title"] = {"Fn::Sub": "shop-api-${Stage}"}


def pinned_requirements() -> set[str]:
    """``name-version`` of every pin in requirements.txt, spelled as in a dist-info."""
    pins = set()
    for line in (PROJECT_ROOT / "requirements.txt").read_text().splitlines():
        requirement = line.split("#", 1)[0].strip()
        if "==" in requirement:
            name, version = requirement.split("==")
            pins.add(f"{name.strip().replace('-', '_').lower()}-{version.strip()}")
    return pins


def missing_requirements(archive: Path) -> set[str]:
    with zipfile.ZipFile(archive) as zipped:
        installed = {
            name.split("/", 1)[0].removesuffix(".dist-info").lower()
            for name in zipped.namelist()
            if name.split("/", 1)[0].endswith(".dist-info")
        }
    return pinned_requirements() - installed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stage", required=True)
    parser.add_argument("--architecture", choices=("arm64", "x86_64"))
    parser.add_argument("output", type=Path)
    arguments = parser.parse_args(argv)
    try:
        output = build(arguments.stage, arguments.output, arguments.architecture)
    except PackageError as error:
        print(f"make package: {error}", file=sys.stderr)
        return 1
    size = (output / "deployment.zip").stat().st_size
    print(f"{output}/sam.json and {output}/deployment.zip ({size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
