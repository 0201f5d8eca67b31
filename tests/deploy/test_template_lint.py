"""The templates are valid CloudFormation, as cfn-lint judges them: the SAM templates of
both deployed stages as `make package` builds them, and the plain template `make deploy`
sends after the offline transform."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from cloudformation import TOOLS
from conftest import Rehearsal

from deploy.stack import transform


def lint(path: Path) -> None:
    result = subprocess.run(
        [str(TOOLS / "cfn-lint"), str(path)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_packaged_prod_template_lints_clean(packaged: Path) -> None:
    lint(packaged / "sam.json")


def test_the_transformed_prod_template_lints_clean(packaged: Path, tmp_path: Path) -> None:
    template = json.loads((packaged / "sam.json").read_text())
    parameters = {"Stage": "prod", "AllowedOrigins": "https://shop.example.org"}
    plain = transform(template, "s3://artifacts/code.zip", parameters, "eu-west-1")
    (tmp_path / "template.json").write_text(json.dumps(plain))
    lint(tmp_path / "template.json")


def test_the_dev_templates_of_the_rehearsal_lint_clean(rehearsal: Rehearsal) -> None:
    lint(rehearsal.package_dir / "sam.json")
    lint(rehearsal.package_dir / "template.json")
