"""`manage.py init` creates the stage's tables and bucket, and says truly what it did."""

from chalicelib.store.setup import add_missing_indexes, create_bucket, create_tables


def test_a_second_init_creates_no_table(store):
    assert create_tables() == []


def test_a_second_init_reports_the_bucket_as_existing(store):
    assert create_bucket() is False


def test_an_index_a_restored_table_lacks_is_added_and_serves_its_queries(store):
    from chalicelib.store.models import shared_connection
    from chalicelib.store.models.catalog import ProductRecord

    client = shared_connection().client
    table = ProductRecord.Meta.table_name
    client.update_table(
        TableName=table,
        GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "products_by_stock_state_by_id"}}],
    )

    assert add_missing_indexes() == ["products_by_stock_state_by_id"]
    described = client.describe_table(TableName=table)["Table"]["GlobalSecondaryIndexes"]
    assert "products_by_stock_state_by_id" in {index["IndexName"] for index in described}
    assert add_missing_indexes() == []
