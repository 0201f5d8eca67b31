"""Creating this stage's tables and media bucket, for local runs and tests. Deployed
stages get them from the CloudFormation template instead."""

from __future__ import annotations

import json

from botocore.exceptions import ClientError
from pynamodb.exceptions import TableError

from chalicelib.config import get_settings
from chalicelib.store.images import image_read_policy
from chalicelib.store.models import all_models, shared_connection
from chalicelib.store.models.base import ShopModel


def _create_table(model: type[ShopModel]) -> bool:
    if model.exists():
        return False
    try:
        # Also switches on TTL for models that declare a TTLAttribute.
        model.create_table(billing_mode="PAY_PER_REQUEST", wait=True)
    except TableError as error:
        # Another process created it between the check and the call.
        if "ResourceInUseException" not in str(error.cause or error):
            raise
        return False
    return True


def create_tables() -> list[str]:
    """Create the missing tables; returns the names of those created."""
    return [model.Meta.table_name for model in all_models() if _create_table(model)]


def add_missing_indexes() -> list[str]:
    """Add to existing tables the indexes their models declare and they lack (tables
    restored from a local snapshot saved by an older version); returns the names added.
    One index per UpdateTable, as DynamoDB requires."""
    added = []
    for model in all_models():
        schema = model._get_schema()
        client = shared_connection().client
        table = client.describe_table(TableName=model.Meta.table_name)["Table"]
        existing = {index["IndexName"] for index in table.get("GlobalSecondaryIndexes", [])}
        for index in schema["global_secondary_indexes"]:
            if index["index_name"] in existing:
                continue
            client.update_table(
                TableName=model.Meta.table_name,
                AttributeDefinitions=schema["attribute_definitions"],
                GlobalSecondaryIndexUpdates=[
                    {
                        "Create": {
                            "IndexName": index["index_name"],
                            "KeySchema": index["key_schema"],
                            "Projection": index["projection"],
                        }
                    }
                ],
            )
            added.append(index["index_name"])
    return added


def create_bucket() -> bool:
    import boto3  # only `manage.py init` needs S3 here

    settings = get_settings()
    s3 = boto3.client("s3", region_name=settings.aws_region, endpoint_url=settings.aws_endpoint_url)
    try:
        # S3 in us-east-1 (and the emulator) answers a repeated CreateBucket of one's own
        # bucket with success, so whether it existed is asked first.
        s3.head_bucket(Bucket=settings.media_bucket)
        created = False
    except ClientError:
        created = True
        try:
            s3.create_bucket(Bucket=settings.media_bucket)
        except ClientError as error:
            if error.response["Error"]["Code"] not in (
                "BucketAlreadyOwnedByYou",
                "BucketAlreadyExists",
            ):
                raise
            created = False
    # Image URLs are fetched without credentials (a browser opening them); like a deployed
    # bucket's narrow read policy, this lets anyone read the image folders and nothing else.
    policy = json.dumps(image_read_policy(settings.media_bucket))
    s3.put_bucket_policy(Bucket=settings.media_bucket, Policy=policy)
    return created
