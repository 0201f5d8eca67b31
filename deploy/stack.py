"""Ship what `make package` built to the stage's CloudFormation stack (`make deploy`).

    python -m deploy.stack --stage prod --artifact-bucket BUCKET [--role-arn ARN]
        [--stack-name NAME] build/package [Key=Value ...]

1. The code zip goes to the artifact bucket under a key made of its hash.
2. The SAM template is transformed here, offline, with aws-sam-translator (the library
   behind CloudFormation's own ``AWS::Serverless`` transform), into the plain
   CloudFormation template that is deployed: ``template.json`` next to ``sam.json``. What
   CloudFormation receives is exactly what the tests check and rehearse.
3. That template (far over the 51,200 bytes CloudFormation accepts inline) goes to the
   artifact bucket too, and a change set is made from its URL, then executed.
4. A stack whose first creation failed (``ROLLBACK_COMPLETE``) holds nothing: tables and
   bucket are ``RetainExceptOnCreate``, so the rollback removed them. It cannot be
   updated, only replaced, so it is deleted first. A stack in ``UPDATE_ROLLBACK_FAILED``
   needs a person: the error says what to run.

Parameters not given keep their previous value on an update; on a first deploy a
parameter without a default (``AllowedOrigins``) must be given. A new stack is created
with the tables' deletion protection off, so that a failed creation can remove them,
and an update turns it on right after (``TableDeletionProtection``). AWS_ENDPOINT_URL, when
set, points every client at an emulator (the tests' deploy rehearsal).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import boto3
from botocore.exceptions import ClientError, WaiterError

CAPABILITIES = ["CAPABILITY_IAM"]
FAILED = "_FAILED"
NO_CHANGES = ("didn't contain changes", "No updates are to be performed")
# A reservation must leave this many executions unreserved in the account (a Lambda rule).
MIN_UNRESERVED_CONCURRENCY = 10
PROTECTION = "TableDeletionProtection"


class DeployError(Exception):
    """The deploy stopped; the message says why and what to do next."""


def parse_parameters(pairs: Iterable[str]) -> dict[str, str]:
    """``Key=Value`` words (the DEPLOY_PARAMETERS variable) as a dict."""
    parameters = {}
    for pair in pairs:
        key, separator, value = pair.partition("=")
        if not separator or not key:
            raise DeployError(f"parameter {pair!r} is not Key=Value")
        parameters[key] = value
    return parameters


def content_key(prefix: str, content: bytes, suffix: str) -> str:
    return f"{prefix}/{hashlib.sha256(content).hexdigest()}{suffix}"


class NoManagedPolicies:
    """The template names no AWS managed policy by name, so the translator needs no IAM
    lookup (and no IAM permission) to resolve one."""

    def load(self) -> dict[str, str]:
        return {}


def transform(
    sam_template: dict[str, Any], code_uri: str, parameters: dict[str, str], region: str
) -> dict[str, Any]:
    """The plain CloudFormation template for ``sam_template`` with its code at
    ``code_uri`` (``s3://bucket/key``)."""
    from samtranslator.translator.transform import transform as sam_transform

    template = json.loads(json.dumps(sam_template))
    template["Resources"]["APIHandler"]["Properties"]["CodeUri"] = code_uri
    values: dict[str, Any] = {"AWS::Region": region, **parameters}
    transformed: dict[str, Any] = sam_transform(template, values, NoManagedPolicies())
    return transformed


class Deployment:
    """One run of `make deploy` against one stack."""

    def __init__(
        self,
        stage: str,
        package_dir: Path,
        artifact_bucket: str,
        stack_name: str | None = None,
        role_arn: str | None = None,
        poll_seconds: int = 10,
    ) -> None:
        self.stage = stage
        self.package_dir = package_dir
        self.bucket = artifact_bucket
        self.stack_name = stack_name or f"shop-api-{stage}"
        self.role_arn = role_arn
        self.poll_seconds = poll_seconds
        session = boto3.session.Session()
        self.region = session.region_name or "us-east-1"
        self.cloudformation = session.client("cloudformation", region_name=self.region)
        self.s3 = session.client("s3", region_name=self.region)
        self.awslambda = session.client("lambda", region_name=self.region)

    # -- steps ---------------------------------------------------------------------

    def run(self, given: dict[str, str]) -> dict[str, str]:
        sam_template = json.loads((self.package_dir / "sam.json").read_text())
        stack = self.existing_stack()
        parameters = self.parameters(sam_template, given, stack)
        self.check_concurrency(parameters, stack)
        code_uri = self.upload_code()
        template = transform(sam_template, code_uri, parameters, self.region)
        (self.package_dir / "template.json").write_text(json.dumps(template, indent=1))
        if os.environ.get("AWS_ENDPOINT_URL"):
            template = self.fit_for_emulator(template)
        template_body = json.dumps(template, indent=1).encode()
        template_url = self.upload(
            content_key(self.stack_name, template_body, ".template.json"), template_body
        )
        if stack is not None and stack["StackStatus"] == "ROLLBACK_COMPLETE":
            self.delete_failed_creation()
            stack = None
        # REVIEW_IN_PROGRESS: a stack whose first change set was never executed holds
        # nothing yet; it is created by a change set of type CREATE.
        never_created = stack is None or stack["StackStatus"] == "REVIEW_IN_PROGRESS"
        if not never_created:
            self.change(template_url, parameters, create=False)
            return self.outputs()
        # Created without deletion protection, so that a failed creation can remove its
        # tables (RetainExceptOnCreate), then protected at once by an update.
        protect = parameters[PROTECTION]
        self.change(template_url, {**parameters, PROTECTION: "false"}, create=True)
        if protect == "true":
            print(f"stack {self.stack_name}: turning on the tables' deletion protection")
            self.change(template_url, parameters, create=False)
        return self.outputs()

    def fit_for_emulator(self, template: dict[str, Any]) -> dict[str, Any]:
        from deploy.emulator import fit_for_emulator

        fitted, skipped = fit_for_emulator(template)
        print(f"emulator at {os.environ['AWS_ENDPOINT_URL']}: leaving out {len(skipped)} resources")
        for name, reason in sorted(skipped.items()):
            print(f"  {name} ({reason})")
        (self.package_dir / "template-emulator.json").write_text(json.dumps(fitted, indent=1))
        return fitted

    def existing_stack(self) -> dict[str, Any] | None:
        try:
            stacks = self.cloudformation.describe_stacks(StackName=self.stack_name)["Stacks"]
        except ClientError as error:
            if "does not exist" in str(error):
                return None
            raise
        stack: dict[str, Any] = stacks[0]
        status = stack["StackStatus"]
        if status == "UPDATE_ROLLBACK_FAILED":
            raise DeployError(
                f"stack {self.stack_name} is UPDATE_ROLLBACK_FAILED: a resource could not be "
                "returned to its previous state. Fix what its events name, then run\n"
                f"  aws cloudformation continue-update-rollback --stack-name {self.stack_name}\n"
                "(add --resources-to-skip <LogicalId> for a resource that cannot be fixed), "
                "wait for UPDATE_ROLLBACK_COMPLETE and deploy again (docs/deploy.md)."
            )
        if status.endswith("_IN_PROGRESS") and status != "REVIEW_IN_PROGRESS":
            raise DeployError(
                f"stack {self.stack_name} is {status}: another deploy is running; "
                "wait for it to finish and deploy again."
            )
        if status == "DELETE_FAILED":
            raise DeployError(f"stack {self.stack_name} is DELETE_FAILED; see its events.")
        return stack

    def parameters(
        self, sam_template: dict[str, Any], given: dict[str, str], stack: dict[str, Any] | None
    ) -> dict[str, str]:
        """Every parameter the stack gets: given, else the stack's previous value, else the
        template's default; a parameter with none of these stops the deploy."""
        declared = sam_template.get("Parameters", {})
        unknown = sorted(set(given) - set(declared))
        if unknown:
            raise DeployError(f"the template has no parameter {', '.join(unknown)}")
        previous = {
            p["ParameterKey"]: p.get("ParameterValue", "")
            for p in (stack or {}).get("Parameters", [])
        }
        values = {"Stage": self.stage}
        for name, declaration in declared.items():
            if name in given:
                values[name] = given[name]
            elif name in values:
                continue
            elif name == PROTECTION:
                values[name] = "true"  # whatever a creation left: see run()
            elif name in previous:
                values[name] = previous[name]
            elif "Default" in declaration:
                values[name] = str(declaration["Default"])
            else:
                raise DeployError(
                    f"parameter {name} is required on the first deploy of {self.stack_name}: "
                    f'pass DEPLOY_PARAMETERS="{name}=..." ({declaration.get("Description", "")})'
                )
        if given.get("Stage", self.stage) != self.stage:
            raise DeployError("Stage is set by STAGE, not by a parameter")
        return values

    def check_concurrency(self, parameters: dict[str, str], stack: dict[str, Any] | None) -> None:
        """Lambda refuses a reservation that leaves the account fewer than 10 unreserved
        executions (new accounts may have only 10 in all): say so before the stack half
        builds and rolls back."""
        wanted = int(parameters.get("ReservedConcurrency", "0"))
        if wanted == 0:
            return
        try:
            limits = self.awslambda.get_account_settings()["AccountLimit"]
        except ClientError as error:
            print(f"warning: cannot read the account's Lambda concurrency ({error}); not checked")
            return
        unreserved = int(
            limits.get("UnreservedConcurrentExecutions", limits.get("ConcurrentExecutions", 0))
        )
        held = 0
        if stack is not None:
            try:
                held = int(
                    self.awslambda.get_function_concurrency(
                        FunctionName=f"shop-api-{self.stage}"
                    ).get("ReservedConcurrentExecutions", 0)
                )
            except ClientError:
                held = 0
        if unreserved + held - wanted < MIN_UNRESERVED_CONCURRENCY:
            raise DeployError(
                f"ReservedConcurrency={wanted} would leave the account "
                f"{unreserved + held - wanted} unreserved executions (Lambda requires "
                f"{MIN_UNRESERVED_CONCURRENCY}): ask AWS Support for a higher concurrency "
                'quota, or deploy with DEPLOY_PARAMETERS="ReservedConcurrency=0" (no cap) '
                "or a smaller value."
            )

    def upload_code(self) -> str:
        content = (self.package_dir / "deployment.zip").read_bytes()
        key = content_key(self.stack_name, content, ".zip")
        self.upload(key, content)
        return f"s3://{self.bucket}/{key}"

    def upload(self, key: str, content: bytes) -> str:
        """Put ``content`` at ``key`` unless it is already there (keys name their content);
        returns the object's URL."""
        try:
            self.s3.head_object(Bucket=self.bucket, Key=key)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") not in ("404", "NoSuchKey", "NotFound"):
                raise
            self.s3.put_object(Bucket=self.bucket, Key=key, Body=content)
        return f"https://{self.bucket}.s3.{self.region}.amazonaws.com/{key}"

    def delete_failed_creation(self) -> None:
        print(
            f"stack {self.stack_name} is ROLLBACK_COMPLETE (its first creation failed and "
            "was rolled back, leaving nothing): deleting it before creating it again"
        )
        self.cloudformation.delete_stack(StackName=self.stack_name, **self._role())
        self._wait("stack_delete_complete", StackName=self.stack_name)

    def change(self, template_url: str, parameters: dict[str, str], create: bool) -> None:
        name = f"deploy-{time.strftime('%Y%m%d-%H%M%S')}"
        started = time.time()
        self.cloudformation.create_change_set(
            StackName=self.stack_name,
            ChangeSetName=name,
            ChangeSetType="CREATE" if create else "UPDATE",
            TemplateURL=template_url,
            Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in parameters.items()],
            Capabilities=CAPABILITIES,
            Tags=[{"Key": "shop-api:stage", "Value": self.stage}],
            **self._role(),
        )
        try:
            self._wait("change_set_create_complete", StackName=self.stack_name, ChangeSetName=name)
        except DeployError:
            described = self.cloudformation.describe_change_set(
                StackName=self.stack_name, ChangeSetName=name
            )
            reason = described.get("StatusReason", "")
            if any(text in reason for text in NO_CHANGES):
                self.cloudformation.delete_change_set(StackName=self.stack_name, ChangeSetName=name)
                print(f"stack {self.stack_name}: no changes to deploy")
                return
            raise DeployError(f"change set {name} failed: {reason}") from None
        self.cloudformation.execute_change_set(StackName=self.stack_name, ChangeSetName=name)
        waiter = "stack_create_complete" if create else "stack_update_complete"
        try:
            self._wait(waiter, StackName=self.stack_name)
        except DeployError:
            raise DeployError(self.failure_report(started)) from None
        print(f"stack {self.stack_name}: {'created' if create else 'updated'}")

    def failure_report(self, since: float) -> str:
        lines = [f"stack {self.stack_name} failed to deploy; what failed:"]
        paginator = self.cloudformation.get_paginator("describe_stack_events")
        for page in paginator.paginate(StackName=self.stack_name):
            for event in page["StackEvents"]:
                if event["Timestamp"].timestamp() < since - 60:
                    break
                if event["ResourceStatus"].endswith(FAILED):
                    lines.append(
                        f"  {event['LogicalResourceId']} ({event['ResourceType']}): "
                        f"{event['ResourceStatus']} {event.get('ResourceStatusReason', '')}"
                    )
        lines.append(
            "Fix the cause and run make deploy again (docs/deploy.md, 'When a deploy fails')."
        )
        return "\n".join(lines)

    def outputs(self) -> dict[str, str]:
        stack = self.cloudformation.describe_stacks(StackName=self.stack_name)["Stacks"][0]
        return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}

    # -- helpers -------------------------------------------------------------------

    def _role(self) -> dict[str, str]:
        return {"RoleARN": self.role_arn} if self.role_arn else {}

    def _wait(self, waiter_name: str, **arguments: Any) -> None:
        waiter = self.cloudformation.get_waiter(waiter_name)
        try:
            waiter.wait(**arguments, WaiterConfig={"Delay": self.poll_seconds, "MaxAttempts": 720})
        except WaiterError as error:
            raise DeployError(str(error)) from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stage", required=True)
    parser.add_argument("--artifact-bucket", required=True)
    parser.add_argument("--stack-name")
    parser.add_argument("--role-arn")
    parser.add_argument("package_dir", type=Path)
    parser.add_argument("parameters", nargs="*", help="Key=Value template parameters")
    arguments = parser.parse_args(argv)
    deployment = Deployment(
        arguments.stage,
        arguments.package_dir,
        arguments.artifact_bucket,
        stack_name=arguments.stack_name,
        role_arn=arguments.role_arn or None,
        poll_seconds=int(os.environ.get("DEPLOY_POLL_SECONDS", "10")),
    )
    try:
        outputs = deployment.run(parse_parameters(arguments.parameters))
    except DeployError as error:
        print(f"make deploy: {error}", file=sys.stderr)
        return 1
    width = max((len(key) for key in outputs), default=0)
    for key, value in sorted(outputs.items()):
        print(f"{key.ljust(width)}  {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
