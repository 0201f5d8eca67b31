"""Cold start: the import of the app plus its first product read, against the floor the
libraries impose (importing them, creating one DynamoDB client, one GetItem). Both run as
fresh processes, alternately, and the fastest of several runs of each is compared, which
keeps the ratio stable on a busy machine."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
ALLOWED_RATIO = 1.3

FLOOR = """
import time
started = time.perf_counter()
import chalice, pynamodb, pydantic
import botocore.session
client = botocore.session.get_session().create_client(
    "dynamodb", region_name="us-east-1", endpoint_url={endpoint!r})
client.get_item(TableName={table!r}, Key={{"id": {{"N": "{product_id}"}}}})
print(time.perf_counter() - started)
"""

APP = """
import time
started = time.perf_counter()
import app
event = {{
    "resource": "/api/products/{{product_id}}",
    "path": "/api/products/{product_id}/",
    "httpMethod": "GET",
    "headers": {{"Host": "localhost"}},
    "multiValueHeaders": {{}},
    "queryStringParameters": None,
    "multiValueQueryStringParameters": None,
    "pathParameters": {{"product_id": "{product_id}"}},
    "stageVariables": None,
    "requestContext": {{
        "resourcePath": "/api/products/{{product_id}}",
        "httpMethod": "GET",
        "path": "/api/products/{product_id}/",
        "requestId": "cold-start",
        "identity": {{"sourceIp": "127.0.0.1"}},
    }},
    "body": None,
    "isBase64Encoded": False,
}}
class Context:
    aws_request_id = "cold-start"
    function_name = "shop-api"
response = app.app(event, Context())
assert response["statusCode"] == 200, response
print(time.perf_counter() - started)
"""


def _run(script: str, environment: dict[str, str]) -> float:
    completed = subprocess.run(
        [sys.executable, "-c", script],
        cwd=PROJECT_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return float(completed.stdout.strip().splitlines()[-1])


def measure_cold_start(
    endpoint: str, table: str, product_id: int, rounds: int = 7
) -> tuple[float, float]:
    """(fastest app start, fastest floor), in seconds."""
    environment = {**os.environ, "AWS_ENDPOINT_URL": endpoint}
    floor_script = FLOOR.format(endpoint=endpoint, table=table, product_id=product_id)
    app_script = APP.format(product_id=product_id)
    app_times, floor_times = [], []
    for _ in range(rounds):
        floor_times.append(_run(floor_script, environment))
        app_times.append(_run(app_script, environment))
    return min(app_times), min(floor_times)
