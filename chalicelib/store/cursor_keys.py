"""The key that signs page cursors: one per deployment, never in the code.

Deployed stages name a Secrets Manager secret (``CURSOR_SECRET_ARN``) that CloudFormation
generated with the stack; it is fetched on the first cursor a container signs or checks,
not at import (nor before a SnapStart snapshot), and kept for the container's life.
Local stages take ``CURSOR_SECRET`` from the environment, or make up a random key per
process: cursors then stay valid only as long as that process runs.
"""

from __future__ import annotations

import secrets
import threading
from typing import Any

from chalicelib.config import Settings, get_settings
from chalicelib.errors import ServiceUnavailable
from chalicelib.store import deadline
from chalicelib.timeouts import BOTOCORE_CLIENT_SETTINGS

_keys: dict[tuple[str | None, str | None, str], bytes] = {}
_lock = threading.Lock()


def cursor_key() -> bytes:
    settings = get_settings()
    source = (settings.cursor_secret_arn, settings.cursor_secret, settings.stage)
    with _lock:
        key = _keys.get(source)
        if key is None:
            key = _keys[source] = _load(settings)
        return key


def _load(settings: Settings) -> bytes:
    if settings.cursor_secret_arn:
        return _fetch(settings, settings.cursor_secret_arn).encode()
    if settings.cursor_secret:
        return settings.cursor_secret.encode()
    if settings.is_local:
        return secrets.token_bytes(32)
    raise RuntimeError(
        f"stage {settings.stage!r} has no cursor key: set CURSOR_SECRET_ARN (deploy/"
        "resources.json does) or CURSOR_SECRET"
    )


def _fetch(settings: Settings, arn: str) -> str:
    import botocore.session
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError, ClientError

    deadline.install()  # before the session below is created
    client: Any = botocore.session.get_session().create_client(
        "secretsmanager",
        region_name=settings.aws_region,
        endpoint_url=settings.aws_endpoint_url,
        config=Config(**BOTOCORE_CLIENT_SETTINGS),
    )
    try:
        secret = client.get_secret_value(SecretId=arn)["SecretString"]
    except (BotoCoreError, ClientError) as error:
        # Not cached: the next request tries again.
        raise ServiceUnavailable(retry_after_seconds=1) from error
    if not isinstance(secret, str) or len(secret) < 32:
        raise RuntimeError("the cursor secret must be a string of at least 32 characters")
    return secret


def forget_cursor_keys() -> None:
    """Drop the cached keys (tests that rotate the secret call this)."""
    with _lock:
        _keys.clear()
