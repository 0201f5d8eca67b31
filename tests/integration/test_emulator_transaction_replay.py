"""The local emulator answers a repeated TransactWriteItems (same ClientRequestToken, as
botocore sends after a timeout) as DynamoDB does: with the first answer, applying nothing
twice."""

from __future__ import annotations

import uuid

import boto3

from chalicelib.config import get_settings


def client() -> object:
    settings = get_settings()
    return boto3.client(
        "dynamodb", region_name=settings.aws_region, endpoint_url=settings.aws_endpoint_url
    )


def put_counter(token: str, name: str) -> dict:
    table = get_settings().table_name("counters")
    return client().transact_write_items(  # type: ignore[attr-defined,no-any-return]
        ClientRequestToken=token,
        TransactItems=[
            {
                "Put": {
                    "TableName": table,
                    "Item": {"name": {"S": name}, "value": {"N": "1"}},
                    "ConditionExpression": "attribute_not_exists(#n)",
                    "ExpressionAttributeNames": {"#n": "name"},
                }
            }
        ],
    )


def test_a_repeated_transaction_gets_the_first_answer(store: None) -> None:
    token = str(uuid.uuid4())
    put_counter(token, "replayed")

    repeat = put_counter(token, "replayed")

    assert repeat["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_a_new_token_is_a_new_transaction(store: None) -> None:
    put_counter(str(uuid.uuid4()), "twice")

    try:
        put_counter(str(uuid.uuid4()), "twice")
    except client().exceptions.TransactionCanceledException:  # type: ignore[attr-defined]
        return
    raise AssertionError("the second transaction should have been cancelled")
