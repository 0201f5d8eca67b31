"""The tables in the template are the tables the PynamoDB models describe, so that a model
change cannot ship without its table change."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cloudformation import DEPLOYED_STAGES, PROJECT_ROOT, tables_by_name

from chalicelib.store.models import ShopModel, all_models

MODELS = {model.short_name: model for model in all_models()}


def _hash_key_first(key_schema: list[dict[str, str]]) -> list[dict[str, str]]:
    return sorted(
        ({"AttributeName": k["AttributeName"], "KeyType": k["KeyType"]} for k in key_schema),
        key=lambda key: key["KeyType"] != "HASH",
    )


def _projection(projection: dict[str, Any]) -> dict[str, Any]:
    shaped: dict[str, Any] = {"ProjectionType": projection["ProjectionType"]}
    if projection.get("NonKeyAttributes"):
        shaped["NonKeyAttributes"] = sorted(projection["NonKeyAttributes"])
    return shaped


def _indexes(indexes: list[dict[str, Any]], name: str, keys: str, projection: str) -> list[Any]:
    return sorted(
        (
            {
                "IndexName": index[name],
                "KeySchema": _hash_key_first(index[keys]),
                "Projection": _projection(index[projection]),
            }
            for index in indexes
        ),
        key=lambda index: index["IndexName"],
    )


def table_of_model(model: type[ShopModel]) -> dict[str, Any]:
    """What create_table sends for the model, in CloudFormation's property names."""
    schema = model._get_schema()
    ttl = model._ttl_attribute()
    return {
        "AttributeDefinitions": sorted(
            schema["attribute_definitions"], key=lambda a: a["AttributeName"]
        ),
        "KeySchema": _hash_key_first(schema["key_schema"]),
        "GlobalSecondaryIndexes": _indexes(
            schema["global_secondary_indexes"], "index_name", "key_schema", "projection"
        ),
        "LocalSecondaryIndexes": _indexes(
            schema["local_secondary_indexes"], "index_name", "key_schema", "projection"
        ),
        "TimeToLiveSpecification": (
            {"AttributeName": ttl.attr_name, "Enabled": True} if ttl is not None else None
        ),
    }


def table_resource(model: type[ShopModel]) -> dict[str, Any]:
    """The resource to paste into deploy/resources.json for the model."""
    shape = table_of_model(model)
    properties = {
        "TableName": {"Fn::Sub": f"shop-${{Stage}}-{model.short_name}"},
        "BillingMode": "PAY_PER_REQUEST",
        **{key: value for key, value in shape.items() if value},
        "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
        "SSESpecification": {"SSEEnabled": True},
        "DeletionProtectionEnabled": {"Fn::If": ["ProtectTables", True, False]},
    }
    return {
        "Type": "AWS::DynamoDB::Table",
        "DeletionPolicy": "RetainExceptOnCreate",
        "UpdateReplacePolicy": "Retain",
        "Properties": properties,
    }


def table_in_template(properties: dict[str, Any]) -> dict[str, Any]:
    index_keys = ("IndexName", "KeySchema", "Projection")
    return {
        "AttributeDefinitions": sorted(
            properties["AttributeDefinitions"], key=lambda a: a["AttributeName"]
        ),
        "KeySchema": _hash_key_first(properties["KeySchema"]),
        "GlobalSecondaryIndexes": _indexes(
            properties.get("GlobalSecondaryIndexes", []), *index_keys
        ),
        "LocalSecondaryIndexes": _indexes(properties.get("LocalSecondaryIndexes", []), *index_keys),
        "TimeToLiveSpecification": properties.get("TimeToLiveSpecification"),
    }


def test_every_model_has_a_table_and_every_table_a_model(template: dict[str, Any]) -> None:
    in_template = set(tables_by_name(template, "prod"))
    of_models = {f"shop-prod-{name}" for name in MODELS}
    assert sorted(of_models - in_template) == [], "models without a table in deploy/resources.json"
    assert sorted(in_template - of_models) == [], "tables in deploy/resources.json without a model"


@pytest.mark.parametrize("short_name", sorted(MODELS))
def test_a_table_has_exactly_the_keys_attribute_types_indexes_and_ttl_of_its_model(
    template: dict[str, Any], short_name: str
) -> None:
    model = MODELS[short_name]
    advice = "deploy/resources.json should hold, as the model says:\n" + json.dumps(
        table_resource(model), indent=2
    )
    table = tables_by_name(template, "prod").get(f"shop-prod-{short_name}")
    assert table is not None, advice
    assert table_in_template(table["Properties"]) == table_of_model(model), advice


@pytest.mark.parametrize("short_name", sorted(MODELS))
def test_a_table_is_on_demand_recoverable_encrypted_and_never_deleted_by_a_deploy(
    template: dict[str, Any], short_name: str
) -> None:
    table = tables_by_name(template, "prod").get(f"shop-prod-{short_name}")
    assert table is not None, f"no table for model {short_name!r} in deploy/resources.json"
    properties = table["Properties"]
    assert properties["BillingMode"] == "PAY_PER_REQUEST"
    assert properties["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert properties["SSESpecification"] == {"SSEEnabled": True}
    assert properties["DeletionProtectionEnabled"] == {"Fn::If": ["ProtectTables", True, False]}
    assert (table["DeletionPolicy"], table["UpdateReplacePolicy"]) == (
        "RetainExceptOnCreate",
        "Retain",
    )


@pytest.mark.parametrize("stage", DEPLOYED_STAGES)
def test_the_function_of_a_deployed_stage_looks_for_the_tables_the_template_creates(
    template: dict[str, Any], stage: str
) -> None:
    config = json.loads((PROJECT_ROOT / ".chalice" / "config.json").read_text())
    prefix = config["stages"][stage]["environment_variables"]["TABLE_PREFIX"]
    assert {f"{prefix}{name}" for name in MODELS} == set(tables_by_name(template, stage))
