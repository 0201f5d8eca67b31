"""The packaged prod template is valid CloudFormation, as cfn-lint judges it."""

from __future__ import annotations

import subprocess
from pathlib import Path

from cloudformation import TOOLS


def test_the_packaged_prod_template_lints_clean(packaged: Path) -> None:
    result = subprocess.run(
        [str(TOOLS / "cfn-lint"), str(packaged / "sam.json")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
