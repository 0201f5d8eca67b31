"""Cold start: the import of the app plus its first product read, against the floor the
libraries impose (importing them, creating one DynamoDB client, one GetItem). Both run as
fresh processes, alternately, and the fastest of several runs of each is compared, which
keeps the ratio stable on a busy machine.

``import pydantic`` alone is lazy: it loads none of the validation machinery. The floor
therefore imports what using each library takes: ``chalice.Chalice``,
``pynamodb.models.Model`` and ``pydantic.BaseModel``. The strict floor (bare imports) is
reported too.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
ALLOWED_RATIO = 1.3

FLOOR = """
import time
started = time.perf_counter()
{imports}
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


USABLE_LIBRARIES = (
    "from chalice import Chalice\nfrom pynamodb.models import Model\nfrom pydantic import BaseModel"
)
BARE_LIBRARIES = "import chalice, pynamodb, pydantic"


@dataclass
class ColdStart:
    app: float
    floor: float
    strict_floor: float

    @property
    def ratio(self) -> float:
        return self.app / self.floor

    @property
    def strict_ratio(self) -> float:
        return self.app / self.strict_floor


def measure_cold_start(endpoint: str, table: str, product_id: int, rounds: int = 7) -> ColdStart:
    """The fastest of ``rounds`` fresh processes of each kind, in seconds."""
    environment = {**os.environ, "AWS_ENDPOINT_URL": endpoint}
    scripts = {
        "app": APP.format(product_id=product_id),
        "floor": FLOOR.format(
            imports=USABLE_LIBRARIES, endpoint=endpoint, table=table, product_id=product_id
        ),
        "strict_floor": FLOOR.format(
            imports=BARE_LIBRARIES, endpoint=endpoint, table=table, product_id=product_id
        ),
    }
    times: dict[str, list[float]] = {name: [] for name in scripts}
    for _ in range(rounds):
        for name, script in scripts.items():
            times[name].append(_run(script, environment))
    return ColdStart(**{name: min(values) for name, values in times.items()})
