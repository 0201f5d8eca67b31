"""The deploy rehearsal: `make deploy` against the emulator, then the zip it shipped,
imported by a clean interpreter as Lambda would, serving a shopping tour of API Gateway
proxy events against the tables that CloudFormation created.

What only a real account can prove (CloudFront, API Gateway's routing and throttling,
alarms, SnapStart's snapshot, IAM enforcement) is listed in docs/deploy.md.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from api_gateway import Routes, proxy_event
from cloudformation import lint
from helpers import PASSWORD
from rehearsal import REHEARSAL_ORIGIN, Rehearsal

STACK = "shop-api-dev"
# What the emulator's CloudFormation cannot create, so the rehearsal leaves it out (the
# deploy prints each with its reason); the template tests cover these resources.
LEFT_OUT_TYPES = {
    "AWS::ApiGateway::Deployment",
    "AWS::ApiGateway::RestApi",
    "AWS::ApiGateway::Stage",
    "AWS::CloudFront::CachePolicy",
    "AWS::CloudFront::Distribution",
    "AWS::CloudFront::Function",
    "AWS::CloudFront::OriginAccessControl",
    "AWS::CloudFront::OriginRequestPolicy",
    "AWS::CloudWatch::Alarm",
    "AWS::Lambda::Alias",
    "AWS::Lambda::Permission",
    "AWS::Logs::MetricFilter",
    "AWS::S3::BucketPolicy",
    "AWS::SNS::Subscription",
    "AWS::SecretsManager::Secret",
}
# What Lambda's Python runtime provides besides the standard library.
RUNTIME_MODULES = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3")
RUNTIME_FILES = ("six.py", "snapshot_restore_py.py")


def test_make_deploy_creates_the_stack_then_protects_its_tables(rehearsal: Rehearsal) -> None:
    """Created unprotected (a failed creation can then remove its tables), protected by
    the update that follows at once."""
    stack = rehearsal.client("cloudformation").describe_stacks(StackName=STACK)["Stacks"][0]
    assert stack["StackStatus"] == "UPDATE_COMPLETE"
    assert "stack shop-api-dev: created" in rehearsal.output
    assert "turning on the tables' deletion protection" in rehearsal.output
    parameters = {p["ParameterKey"]: p["ParameterValue"] for p in stack["Parameters"]}
    assert parameters["TableDeletionProtection"] == "true"


def test_the_template_went_through_the_artifact_bucket(rehearsal: Rehearsal) -> None:
    """CloudFormation refuses an inline template over 51,200 bytes."""
    keys = [
        item["Key"]
        for item in rehearsal.client("s3").list_objects_v2(
            Bucket="shop-rehearsal-artifacts", Prefix=f"{STACK}/"
        )["Contents"]
    ]
    assert any(key.endswith(".template.json") for key in keys)
    assert any(key.endswith(".zip") for key in keys)
    assert (rehearsal.package_dir / "template.json").stat().st_size > 51_200


def test_cloudformation_created_the_tables_bucket_role_function_and_log_groups(
    rehearsal: Rehearsal,
) -> None:
    """Read from each service, not from the stack's resource list (the emulator loses
    the resource types there after an update)."""
    tables = rehearsal.client("dynamodb").list_tables()["TableNames"]
    assert len([name for name in tables if name.startswith("shop-dev-")]) == 10
    buckets = [b["Name"] for b in rehearsal.client("s3").list_buckets()["Buckets"]]
    assert "shop-dev-media-123456789012-us-east-1" in buckets
    roles = [r["RoleName"] for r in rehearsal.client("iam").list_roles()["Roles"]]
    assert any(name.startswith("shop-api-dev-ApiHandlerRole-") for name in roles)
    versions = rehearsal.client("lambda").list_versions_by_function(FunctionName=STACK)
    assert [v["Version"] for v in versions["Versions"]][-1] != "$LATEST"
    groups = {
        g["logGroupName"] for g in rehearsal.client("logs").describe_log_groups()["logGroups"]
    }
    assert {"/aws/lambda/shop-api-dev", "/aws/apigateway/shop-api-dev/access"} <= groups
    topics = [t["TopicArn"] for t in rehearsal.client("sns").list_topics()["Topics"]]
    assert any(arn.endswith(":shop-api-dev-alarms") for arn in topics)


def test_the_deploy_lists_what_the_emulator_leaves_out_and_why(rehearsal: Rehearsal) -> None:
    template = json.loads((rehearsal.package_dir / "template.json").read_text())
    deployed = json.loads((rehearsal.package_dir / "template-emulator.json").read_text())
    left_out = set(template["Resources"]) - set(deployed["Resources"])
    assert {template["Resources"][name]["Type"] for name in left_out} == LEFT_OUT_TYPES
    for name in left_out:
        assert f"  {name} (" in rehearsal.output


def test_the_dev_templates_of_the_rehearsal_lint_clean(rehearsal: Rehearsal) -> None:
    lint(rehearsal.package_dir / "sam.json", rehearsal.package_dir / "template.json")


def test_the_function_runs_python_3_13_with_the_handler_chalice_packaged(
    rehearsal: Rehearsal,
) -> None:
    configuration = rehearsal.client("lambda").get_function_configuration(FunctionName=STACK)
    assert configuration["Runtime"] == "python3.13"
    assert configuration["Handler"] == "app.app"
    assert configuration["Environment"]["Variables"]["CORS_ALLOWED_ORIGINS"] == REHEARSAL_ORIGIN


class Function:
    """The shipped zip, unzipped into an empty directory and run by a clean interpreter
    with the function's environment from the deployed stack."""

    def __init__(self, rehearsal: Rehearsal, workdir: Path) -> None:
        self.routes = Routes(json.loads((rehearsal.package_dir / "sam.json").read_text()))
        configuration = rehearsal.client("lambda").get_function_configuration(FunctionName=STACK)
        task, runtime = workdir / "task", workdir / "runtime"
        with zipfile.ZipFile(rehearsal.package_dir / "deployment.zip") as archive:
            archive.extractall(task)
        runtime.mkdir()
        site_packages = next(Path(sys.prefix).glob("lib/python3*/site-packages"))
        for name in (*RUNTIME_MODULES, *RUNTIME_FILES):
            (runtime / name).symlink_to(site_packages / name)
        environment = {
            # What Lambda sets, the function's own variables, and (the one difference from
            # AWS) the emulator's address and credentials.
            "PATH": "/usr/bin:/bin",
            "LANG": "C.UTF-8",
            "LAMBDA_TASK_ROOT": str(task),
            "AWS_EXECUTION_ENV": "AWS_Lambda_python3.13",
            "AWS_LAMBDA_FUNCTION_NAME": configuration["FunctionName"],
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(configuration["MemorySize"]),
            "AWS_LAMBDA_INITIALIZATION_TYPE": "snap-start",
            "REHEARSAL_FUNCTION_TIMEOUT": str(configuration["Timeout"]),
            **configuration["Environment"]["Variables"],
            **{k: v for k, v in rehearsal.environment.items() if k.startswith("AWS_")},
        }
        environment.pop("DEPLOY_POLL_SECONDS", None)
        self.log = workdir / "function.log"
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-I",
                "-S",
                str(Path(__file__).with_name("lambda_runtime.py")),
                str(task),
                str(runtime),
                configuration["Handler"],
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log.open("w"),
            env=environment,
            text=True,
        )
        self.init = self._read()
        self.task = task

    def _read(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise AssertionError("the function process died:\n" + self.log.read_text())
        message: dict[str, Any] = json.loads(line)
        return message

    def send(self, message: dict[str, Any]) -> dict[str, Any]:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(message) + "\n")
        self.process.stdin.flush()
        reply = self._read()
        assert "error" not in reply, reply["error"] + self.log.read_text()[-3000:]
        result: dict[str, Any] = reply["result"]
        return result

    def request(
        self,
        method: str,
        url: str,
        body: Any = None,
        token: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], Any]:
        sent = {"Origin": REHEARSAL_ORIGIN, "Host": "rehearsal.example"}
        if body is not None and not isinstance(body, bytes):
            sent["Content-Type"] = "application/json"
            body = json.dumps(body).encode()
        if token:
            sent["Authorization"] = f"Token {token}"
        sent.update(headers or {})
        event = proxy_event(self.routes, method, url, sent, body or b"", stage="dev")
        if event is None:
            return self.gateway_response("MISSING_AUTHENTICATION_TOKEN", 403)
        result = self.send(event)
        text = result.get("body") or ""
        return (
            int(result["statusCode"]),
            {k.lower(): v for k, v in result.get("headers", {}).items()},
            json.loads(text) if text else None,
        )

    def gateway_response(self, kind: str, default_status: int) -> tuple[int, dict[str, str], Any]:
        """API Gateway's own answer, as the template's gateway responses shape it."""
        response = self.routes.gateway_responses[kind]
        headers = {
            name.removeprefix("gatewayresponse.header.").lower(): value.strip("'")
            for name, value in response["responseParameters"].items()
        }
        body = json.loads(response["responseTemplates"]["application/json"])
        return int(response.get("statusCode", default_status)), headers, body

    def stop(self) -> None:
        self.process.kill()
        self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def function(rehearsal: Rehearsal, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Function]:
    running = Function(rehearsal, tmp_path_factory.mktemp("lambda"))
    yield running
    running.stop()


def test_the_shipped_zip_imports_with_only_what_lambda_provides(function: Function) -> None:
    assert function.init["init"] == "ok", function.init["init"]
    assert not any("site-packages" in entry for entry in function.init["path"])
    development_tools = {"moto", "pytest", "chalice_cli", "flask", "werkzeug"}
    assert development_tools & set(function.init["modules"]) == set()


def test_the_shipped_zip_serves_a_shopping_tour(function: Function) -> None:
    from sample_images import multipart, png

    status, _, _ = function.request("GET", "/api/health/")
    assert status == 200
    staff = function.send(
        {
            "invoke": "chalicelib.services.accounts:create_superuser",
            "args": ["staff", "staff@example.com", PASSWORD],
        }
    )
    assert staff is not None

    status, headers, user = function.request(
        "POST",
        "/api/users/",
        {"username": "shopper", "password": PASSWORD, "email": "shopper@example.com"},
    )
    assert status == 201, user
    assert headers["access-control-allow-origin"] == REHEARSAL_ORIGIN

    def login(username: str) -> str:
        status, _, body = function.request(
            "POST", "/api/auth/login/", {"username": username, "password": PASSWORD}
        )
        assert status == 200, body
        return str(body["token"])

    staff_token, shopper_token = login("staff"), login("shopper")
    status, _, category = function.request(
        "POST", "/api/categories/", {"name": "Jackets"}, token=staff_token
    )
    assert status == 201, category
    status, _, product = function.request(
        "POST",
        "/api/products/",
        {"name": "White Jacket", "price": "1400.00", "category": category["id"], "stock": 5},
        token=staff_token,
    )
    assert status == 201, product
    item = f"/api/products/{product['id']}/"

    content_type, form = multipart({"name": "White Jacket"}, {"image": ("jacket.png", png())})
    status, _, with_image = function.request(
        "PATCH", item, form, token=staff_token, headers={"Content-Type": content_type}
    )
    assert status == 200, with_image
    assert with_image["image"]

    status, _, listed = function.request("GET", "/api/products/?limit=20")
    assert status == 200 and [p["id"] for p in listed] == [product["id"]]
    status, _, shown = function.request("GET", item)
    assert status == 200 and shown["name"] == "White Jacket"

    status, _, _ = function.request(
        "POST",
        "/api/cart/add_item/",
        {"product_id": product["id"], "quantity": 2},
        token=shopper_token,
    )
    assert status in (200, 201)
    status, _, lines = function.request("GET", "/api/cart/items/", token=shopper_token)
    assert status == 200 and lines, lines
    status, _, order = function.request(
        "POST",
        "/api/cart/checkout/",
        {"shipping_address": "1 Main St"},
        token=shopper_token,
        headers={"Idempotency-Key": "rehearsal-1"},
    )
    assert status == 201, order
    status, _, orders = function.request("GET", "/api/orders/", token=shopper_token)
    assert status == 200 and len(orders) == 1

    status, _, stock = function.request("GET", item)
    assert stock["stock"] == 3

    # Two users, one per page: the function signs the cursor with the stack's secret,
    # fetched from Secrets Manager, and checks it on the way back.
    status, headers, first = function.request("GET", "/api/users/?limit=1", token=staff_token)
    assert status == 200 and len(first) == 1, first
    next_query = urlsplit(headers["link"].removeprefix("<").split(">")[0]).query
    status, _, second = function.request("GET", f"/api/users/?{next_query}", token=staff_token)
    assert status == 200 and len({u["id"] for u in first + second}) == 2, second


def test_an_unknown_path_is_api_gateways_404_in_the_apis_error_shape(function: Function) -> None:
    status, headers, body = function.request("GET", "/api/nowhere/")
    assert (status, body) == (404, {"detail": "Not found."})
    assert "access-control-allow-origin" in headers


def test_the_function_logs_one_json_line_per_request_with_api_gateways_request_id(
    function: Function,
) -> None:
    status, _, _ = function.request("GET", "/api/categories/")
    assert status == 200
    written = function.log.read_text().splitlines()
    assert written and all(line.startswith("{") for line in written), written[:5]
    lines = [json.loads(line) for line in written]
    access = [line for line in lines if line.get("logger") == "shop.access"]
    assert access and all(line["request_id"] for line in access)
    assert access[-1]["path"].endswith("/api/categories/")
