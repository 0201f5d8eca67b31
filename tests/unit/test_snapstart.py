"""SnapStart: initialised for a snapshot, the app prepares the product read (modules and
DynamoDB clients) without any network call or credentials, registers its hooks, and a
restored copy re-seeds ``random``, drops pooled connections and signs its first request
with the credentials it finds then. Without SnapStart none of it happens.

Each case runs a fresh interpreter, as Lambda would: the environment of a SnapStart
initialisation (no credentials in variables, a container credentials endpoint where
nothing listens, a fake region and endpoint), with an audit hook that records every
socket connection and address lookup.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
NOWHERE = "http://127.0.0.1:9"  # the discard port: nothing answers there

RECORD_NETWORK = """
import json, os, random, sys

network = []
sys.addaudithook(
    lambda event, args: network.append(event)
    if event in ("socket.connect", "socket.getaddrinfo") else None
)
"""

SNAPSHOT_AND_RESTORE = (
    RECORD_NETWORK
    + """
import app  # Lambda's initialisation, before the snapshot

from types import SimpleNamespace

import snapshot_restore_py
from botocore.awsrequest import AWSResponse

from chalicelib import snapstart, timeouts
from chalicelib.store.deadline import RequestDeadlineReached
from chalicelib.store.models import shared_connection
from chalicelib.store.models.catalog import ProductRecord

clients = snapstart.prepared_clients()
credentials = list({id(c._request_signer._credentials): c._request_signer._credentials
                    for c in clients}.values())
report = {
    "network_before_snapshot": list(network),
    "services": sorted({client.meta.service_model.service_name for client in clients}),
    "clients": len(clients),
    "product_client_prepared": any(
        client is ProductRecord._get_connection().connection._client for client in clients
    ),
    "shared_client_prepared": any(client is shared_connection()._client for client in clients),
    "credentials": [(type(found).__name__, found.looked_up) for found in credentials],
    "product_routes_loaded": "chalicelib.services.catalog" in sys.modules,
    "before_snapshot": [f.__name__ for f, _, _ in snapshot_restore_py.get_before_snapshot()],
    "after_restore": [f.__name__ for f, _, _ in snapshot_restore_py.get_after_restore()],
}

# The clients check a request's deadline (here, one with no time left).
budget = timeouts.start_request(seconds_left=0)
refused = 0
for client in clients:
    try:
        attempt = SimpleNamespace(url=client.meta.endpoint_url)
        client.meta.events.emit("before-send.dynamodb.GetItem", request=attempt)
    except RequestDeadlineReached:
        refused += 1
timeouts.end_request(budget)
report["deadline_checked"] = refused

# The snapshot.
for hook, args, kwargs in snapshot_restore_py.get_before_snapshot():
    hook(*args, **kwargs)

# A restore: with a pool the snapshot would hold, and the random state all copies share.
pool_managers = [client._endpoint.http_session._manager for client in clients]
for manager, client in zip(pool_managers, clients):
    manager.connection_from_url(client.meta.endpoint_url)  # a pool; connects lazily
report["pools_before_restore"] = sum(len(manager.pools) for manager in pool_managers)
random.seed(1234)
shared_sequence = random.random()
random.seed(1234)
for hook, args, kwargs in snapshot_restore_py.get_after_restore():
    hook(*args, **kwargs)
report["pools_after_restore"] = sum(len(manager.pools) for manager in pool_managers)
report["random_reseeded"] = random.random() != shared_sequence

# The restored copy's credentials, and its first read (answered here, not sent).
os.environ.update(AWS_ACCESS_KEY_ID="restored-key", AWS_SECRET_ACCESS_KEY="restored-secret")

class Body:
    def stream(self, **_):
        yield b"{}"

signed = []

def answer_here(request, **_):
    signed.append(request.headers["Authorization"].decode())
    return AWSResponse(request.url, 200, {}, Body())

client = ProductRecord._get_connection().connection.client
client.meta.events.register_first("before-send.dynamodb.GetItem", answer_here)
report["same_client_after_restore"] = any(client is prepared for prepared in clients)
try:
    ProductRecord.get(1)
except ProductRecord.DoesNotExist:
    report["read"] = "not found"
report["signed_with"] = signed
report["network_total"] = list(network)
print(json.dumps(report))
"""
)

PLAIN_IMPORT = (
    RECORD_NETWORK
    + """
import app
from chalicelib import snapstart

print(json.dumps({
    "network": list(network),
    "clients": len(snapstart.prepared_clients()),
    "hooks_module_loaded": "snapshot_restore_py" in sys.modules,
    "botocore_loaded": "botocore" in sys.modules,
    "store_loaded": any(name.startswith("chalicelib.store") for name in sys.modules),
}))
"""
)


def lambda_environment(initialization_type: str) -> dict[str, str]:
    """A SnapStart function's environment: credentials come from the container endpoint,
    never from variables; no profile or instance metadata to fall back on."""
    environment = {name: value for name, value in os.environ.items() if not name.startswith("AWS")}
    environment.update(
        AWS_LAMBDA_INITIALIZATION_TYPE=initialization_type,
        AWS_REGION="eu-south-2",
        AWS_ENDPOINT_URL=NOWHERE,
        AWS_CONTAINER_CREDENTIALS_FULL_URI=f"{NOWHERE}/credentials",
        AWS_CONTAINER_AUTHORIZATION_TOKEN="not-a-real-token",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_EC2_METADATA_DISABLED="true",
        STAGE="test",
    )
    return environment


def run(script: str, initialization_type: str) -> dict[str, Any]:
    completed = subprocess.run(
        [sys.executable, "-c", script],
        cwd=PROJECT_DIR,
        env=lambda_environment(initialization_type),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout.splitlines()[-1])  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def snap_start() -> dict[str, Any]:
    return run(SNAPSHOT_AND_RESTORE, "snap-start")


def test_the_snapshot_is_prepared_without_any_network_call(snap_start):
    assert snap_start["network_before_snapshot"] == []


def test_the_product_routes_and_dynamodb_clients_are_ready_before_the_snapshot(snap_start):
    assert snap_start["product_routes_loaded"]
    assert snap_start["services"] == ["dynamodb"]
    assert snap_start["product_client_prepared"] and snap_start["shared_client_prepared"]


def test_no_credentials_are_looked_up_before_the_snapshot(snap_start):
    # One object for all the clients: after the restore, one lookup serves them all.
    assert snap_start["credentials"] == [["CredentialsOnFirstUse", False]]


def test_the_prepared_clients_check_the_request_deadline(snap_start):
    assert snap_start["deadline_checked"] == snap_start["clients"]


def test_the_snapshot_hooks_are_registered(snap_start):
    assert snap_start["before_snapshot"] == ["drop_pooled_connections"]
    assert snap_start["after_restore"] == ["after_restore"]


def test_a_restored_copy_reseeds_random_and_keeps_no_pooled_connection(snap_start):
    assert snap_start["random_reseeded"]
    assert snap_start["pools_before_restore"] == snap_start["clients"]
    assert snap_start["pools_after_restore"] == 0


def test_a_restored_copy_reads_with_its_prepared_client_and_the_credentials_found_then(
    snap_start,
):
    assert snap_start["same_client_after_restore"]
    assert snap_start["read"] == "not found"
    (authorization,) = snap_start["signed_with"]
    assert "Credential=restored-key/" in authorization
    assert snap_start["network_total"] == []


def test_without_snap_start_importing_the_app_prepares_nothing():
    plain = run(PLAIN_IMPORT, "on-demand")

    assert plain == {
        "network": [],
        "clients": 0,
        "hooks_module_loaded": False,
        "botocore_loaded": False,
        "store_loaded": False,
    }
