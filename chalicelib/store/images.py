"""Image objects in the stage's media bucket.

The S3 client is built on the first image write, not at import: most requests never touch
S3, and building a client loads the whole S3 service model. It is then cached, so a warm
Lambda container reuses it. botocore is used directly (it comes with PynamoDB), so the
function needs no boto3 of its own.
"""

from __future__ import annotations

import threading
from typing import Any

from chalicelib.config import Settings, get_settings
from chalicelib.errors import ServiceUnavailable
from chalicelib.timeouts import BOTOCORE_CLIENT_SETTINGS

CATEGORY_FOLDER = "categories"
PRODUCT_FOLDER = "products"
IMAGE_FOLDERS = (CATEGORY_FOLDER, PRODUCT_FOLDER)
# Keys carry a random suffix and are never rewritten, so clients and CDNs may keep them.
CACHE_CONTROL = "public, max-age=31536000, immutable"
STORE_FAILED = "The image could not be stored. Please retry."

_clients: dict[tuple[str, str | None], Any] = {}
_clients_lock = threading.Lock()


def _client(settings: Settings) -> Any:
    key = (settings.aws_region, settings.aws_endpoint_url)
    with _clients_lock:
        if key not in _clients:
            import botocore.session
            from botocore.config import Config

            from chalicelib.store import deadline

            deadline.install()  # before the session below is created
            config = Config(
                **BOTOCORE_CLIENT_SETTINGS,
                # The emulator serves buckets by path, not by host name.
                s3={"addressing_style": "path" if settings.aws_endpoint_url else "auto"},
            )
            _clients[key] = botocore.session.get_session().create_client(
                "s3",
                region_name=settings.aws_region,
                endpoint_url=settings.aws_endpoint_url,
                config=config,
            )
        return _clients[key]


def put_image(key: str, content: bytes, content_type: str) -> None:
    from botocore.exceptions import BotoCoreError, ClientError

    settings = get_settings()
    try:
        _client(settings).put_object(
            Bucket=settings.media_bucket,
            Key=key,
            Body=content,
            ContentType=content_type,
            CacheControl=CACHE_CONTROL,
        )
    except (BotoCoreError, ClientError) as error:
        raise ServiceUnavailable(retry_after_seconds=2, detail=STORE_FAILED) from error


def delete_image(key: str) -> None:
    """Deleting a key that does not exist succeeds, as S3 does."""
    settings = get_settings()
    _client(settings).delete_object(Bucket=settings.media_bucket, Key=key)


def image_read_policy(bucket: str) -> dict[str, Any]:
    """A bucket policy that lets anyone read the image folders, and nothing else."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "PublicReadOfImages",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": [f"arn:aws:s3:::{bucket}/{folder}/*" for folder in IMAGE_FOLDERS],
            }
        ],
    }
