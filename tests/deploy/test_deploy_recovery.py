"""`make deploy` after a failed deploy: a stack whose first creation rolled back is
replaced; a stack stuck in UPDATE_ROLLBACK_FAILED stops the deploy with the recovery
command; a missing required parameter stops it before anything is uploaded.

The emulator's CloudFormation never fails a creation, so these tests put a stack of the
tests' emulator into the state a failure leaves on AWS, then run the deploy step."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from deploy.stack import DeployError, Deployment

STACK = "shop-api-recovery"
BUCKET = "shop-recovery-artifacts"
PLACEHOLDER_TEMPLATE = (
    '{"Resources": {"Topic": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": "t"}}}}'
)


@pytest.fixture
def package(packaged: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "package"
    copy.mkdir()
    for name in ("sam.json", "deployment.zip"):
        shutil.copy(packaged / name, copy / name)
    return copy


@pytest.fixture
def account(emulator: Any) -> Iterator[Any]:
    emulator.reset()
    boto3.client("s3").create_bucket(Bucket=BUCKET)
    yield boto3.client("cloudformation")
    emulator.reset()


def stack_left_in(status: str) -> None:
    """Create a stack, then put it in ``status`` as a failed deploy would leave it."""
    from moto.cloudformation.models import cloudformation_backends
    from moto.core import DEFAULT_ACCOUNT_ID

    boto3.client("cloudformation").create_stack(StackName=STACK, TemplateBody=PLACEHOLDER_TEMPLATE)
    backend = cloudformation_backends[DEFAULT_ACCOUNT_ID]["us-east-1"]
    (stack,) = [s for s in backend.stacks.values() if s.name == STACK]
    stack.status = status


def deployment(package: Path) -> Deployment:
    return Deployment("prod", package, BUCKET, stack_name=STACK, poll_seconds=1)


def uploaded_keys() -> list[str]:
    listed = boto3.client("s3").list_objects_v2(Bucket=BUCKET)
    return [item["Key"] for item in listed.get("Contents", [])]


def test_a_stack_whose_first_creation_rolled_back_is_deleted_and_created_again(
    account: Any, package: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stack_left_in("ROLLBACK_COMPLETE")
    deployment(package).run({"AllowedOrigins": "https://shop.example.org"})
    (stack,) = account.describe_stacks(StackName=STACK)["Stacks"]
    assert stack["StackStatus"] in ("CREATE_COMPLETE", "UPDATE_COMPLETE")
    assert "ROLLBACK_COMPLETE" in capsys.readouterr().out
    resources = account.describe_stack_resources(StackName=STACK)["StackResources"]
    assert "Topic" not in {resource["LogicalResourceId"] for resource in resources}


def test_a_stack_stuck_in_update_rollback_failed_stops_with_the_recovery_command(
    account: Any, package: Path
) -> None:
    stack_left_in("UPDATE_ROLLBACK_FAILED")
    with pytest.raises(DeployError, match="continue-update-rollback --stack-name"):
        deployment(package).run({"AllowedOrigins": "https://shop.example.org"})
    assert uploaded_keys() == []


def test_a_deploy_while_another_runs_stops_without_touching_the_stack(
    account: Any, package: Path
) -> None:
    stack_left_in("UPDATE_IN_PROGRESS")
    with pytest.raises(DeployError, match="another deploy is running"):
        deployment(package).run({"AllowedOrigins": "https://shop.example.org"})
    assert uploaded_keys() == []


def test_a_first_deploy_without_allowed_origins_stops_before_uploading_anything(
    account: Any, package: Path
) -> None:
    with pytest.raises(DeployError, match="AllowedOrigins is required"):
        deployment(package).run({})
    assert uploaded_keys() == []


def test_an_unknown_parameter_stops_the_deploy(account: Any, package: Path) -> None:
    with pytest.raises(DeployError, match="no parameter Colour"):
        deployment(package).run({"AllowedOrigins": "https://a.example", "Colour": "blue"})


def test_a_second_deploy_keeps_the_parameters_it_is_not_given(
    account: Any, package: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deployment(package).run(
        {"AllowedOrigins": "https://shop.example.org", "LogRetentionDays": "90"}
    )
    deployment(package).run({})
    (stack,) = account.describe_stacks(StackName=STACK)["Stacks"]
    parameters = {p["ParameterKey"]: p["ParameterValue"] for p in stack["Parameters"]}
    assert parameters["AllowedOrigins"] == "https://shop.example.org"
    assert parameters["LogRetentionDays"] == "90"
    assert parameters["TableDeletionProtection"] == "true"
