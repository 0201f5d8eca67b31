"""The templates are valid CloudFormation, as cfn-lint judges them: the SAM template of
prod as `make package` builds it, and the plain template `make deploy` sends after the
offline transform (the dev templates of the deploy rehearsal are linted with it)."""

from __future__ import annotations

import json
from pathlib import Path

from cloudformation import lint

from deploy.stack import transform


def test_the_packaged_and_the_transformed_prod_templates_lint_clean(
    packaged: Path, tmp_path: Path
) -> None:
    template = json.loads((packaged / "sam.json").read_text())
    parameters = {"Stage": "prod", "AllowedOrigins": "https://shop.example.org"}
    plain = transform(template, "s3://artifacts/code.zip", parameters, "eu-west-1")
    (tmp_path / "template.json").write_text(json.dumps(plain))
    lint(packaged / "sam.json", tmp_path / "template.json")
