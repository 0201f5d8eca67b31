"""Reading the packaged template the way CloudFormation would, for the deploy tests."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEPLOYED_STAGES = ("dev", "prod")
TOOLS = Path(sys.executable).parent  # chalice and cfn-lint, from this virtual environment

# Stand-ins for the pseudo parameters CloudFormation fills in at deploy time.
PSEUDO_PARAMETERS = {
    "AWS::Partition": "aws",
    "AWS::Region": "eu-west-1",
    "AWS::AccountId": "123456789012",
}
# A ${Name} in an Fn::Sub string.
PLACEHOLDER = re.compile(r"\$\{([^}]+)\}")


def resolve(value: Any, stage: str) -> str:
    """The string a ``Fn::Sub`` (or literal) becomes for ``stage``; a reference to another
    resource's attribute stays visible as ``<Resource.Attribute>``, a ``Ref`` to one as
    ``<Resource>``."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and set(value) == {"Ref"} and isinstance(value["Ref"], str):
        return f"<{value['Ref']}>"
    if isinstance(value, dict) and set(value) == {"Fn::Sub"} and isinstance(value["Fn::Sub"], str):
        names = {**PSEUDO_PARAMETERS, "Stage": stage}
        return PLACEHOLDER.sub(lambda m: names.get(m.group(1), f"<{m.group(1)}>"), value["Fn::Sub"])
    raise AssertionError(f"cannot resolve {value!r}")


def resources_of_type(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {
        name: resource
        for name, resource in template["Resources"].items()
        if resource.get("Type") == kind
    }


def tables_by_name(template: dict[str, Any], stage: str) -> dict[str, dict[str, Any]]:
    """The template's tables, keyed by the table name they get in ``stage``."""
    return {
        resolve(table["Properties"]["TableName"], stage): table
        for table in resources_of_type(template, "AWS::DynamoDB::Table").values()
    }


def media_bucket_name(template: dict[str, Any], stage: str) -> str:
    return resolve(template["Resources"]["MediaBucket"]["Properties"]["BucketName"], stage)


def function_log_group(template: dict[str, Any], stage: str) -> str:
    function_name = resolve(
        template["Resources"]["APIHandler"]["Properties"]["FunctionName"], stage
    )
    return f"/aws/lambda/{function_name}"


def policy_file(stage: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(
        (PROJECT_ROOT / ".chalice" / f"policy-{stage}.json").read_text()
    )
    return document


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def allows(policy: dict[str, Any], action: str, resource_arn: str, stage: str) -> bool:
    """Whether an Allow statement grants ``action`` on ``resource_arn`` (IAM's ``*`` matches
    any characters, as fnmatch's does)."""
    for statement in policy["Statement"]:
        if statement["Effect"] != "Allow" or action not in as_list(statement["Action"]):
            continue
        patterns = [resolve(resource, stage) for resource in as_list(statement["Resource"])]
        if any(fnmatchcase(resource_arn, pattern) for pattern in patterns):
            return True
    return False


def _regional_arn(service: str, resource: str) -> str:
    p = PSEUDO_PARAMETERS
    return (
        f"arn:{p['AWS::Partition']}:{service}:{p['AWS::Region']}:{p['AWS::AccountId']}:{resource}"
    )


def table_arn(table_name: str) -> str:
    return _regional_arn("dynamodb", f"table/{table_name}")


def bucket_arn(bucket_name: str) -> str:
    return f"arn:{PSEUDO_PARAMETERS['AWS::Partition']}:s3:::{bucket_name}"


def log_group_arn(log_group: str) -> str:
    return _regional_arn("logs", f"log-group:{log_group}")


def lint(*paths: Path) -> None:
    """cfn-lint on templates, in one run: its start-up costs seconds."""
    result = subprocess.run(
        [str(TOOLS / "cfn-lint"), *map(str, paths)], capture_output=True, text=True, timeout=180
    )
    assert result.returncode == 0, result.stdout + result.stderr
