"""Behind the API's CloudFront distribution, absolute links (next pages, the API root)
name the distribution's host: a viewer-request function passes the host the client used
to the API as X-Forwarded-Host (API Gateway only sees its own), on every path, and the
catalog's origin request policy forwards it. tests/unit/test_absolute_urls.py covers how
the API builds the links from it."""

from __future__ import annotations

import json
import shutil
import subprocess
from typing import Any

import pytest

FUNCTION = "ApiViewerHostFunction"


def behaviours(template: dict[str, Any]) -> list[dict[str, Any]]:
    config = template["Resources"]["ApiDistribution"]["Properties"]["DistributionConfig"]
    return [config["DefaultCacheBehavior"], *config["CacheBehaviors"]]


def run_viewer_request(code: str, event: dict[str, Any]) -> dict[str, Any]:
    """The function's code run by Node.js on ``event`` (CloudFront's JavaScript runtime is
    a subset of what Node runs)."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js runs the CloudFront function here: apt-get install -y nodejs")
    script = f"{code}\nconsole.log(JSON.stringify(handler({json.dumps(event)})));"
    result = subprocess.run(
        [node, "-e", script], capture_output=True, text=True, timeout=30, check=False
    )
    assert result.returncode == 0, result.stderr
    answered: dict[str, Any] = json.loads(result.stdout)
    return answered


def test_every_behaviour_runs_the_viewer_host_function_on_viewer_requests(template):
    expected = [
        {
            "EventType": "viewer-request",
            "FunctionARN": {"Fn::GetAtt": [FUNCTION, "FunctionMetadata.FunctionARN"]},
        }
    ]
    assert [b.get("FunctionAssociations") for b in behaviours(template)] == [expected] * len(
        behaviours(template)
    )


def test_the_function_is_published_on_the_current_javascript_runtime(template):
    properties = template["Resources"][FUNCTION]["Properties"]
    assert properties["AutoPublish"] is True
    assert properties["FunctionConfig"]["Runtime"] == "cloudfront-js-2.0"


def test_the_function_passes_the_clients_host_and_overwrites_one_the_client_sent(template):
    code = template["Resources"][FUNCTION]["Properties"]["FunctionCode"]
    event = {
        "version": "1.0",
        "request": {
            "method": "GET",
            "uri": "/api/products/",
            "querystring": {},
            "headers": {
                "host": {"value": "shop.example.com"},
                "x-forwarded-host": {"value": "attacker.example"},
                "accept": {"value": "application/json"},
            },
            "cookies": {},
        },
    }

    forwarded = run_viewer_request(code, event)

    assert forwarded["headers"]["x-forwarded-host"] == {"value": "shop.example.com"}
    assert forwarded["headers"]["accept"] == {"value": "application/json"}
    assert forwarded["uri"] == "/api/products/"


def test_the_catalogs_origin_request_policy_forwards_the_clients_host(template):
    config = template["Resources"]["ApiCatalogOriginRequestPolicy"]["Properties"][
        "OriginRequestPolicyConfig"
    ]
    assert "x-forwarded-host" in {h.lower() for h in config["HeadersConfig"]["Headers"]}
