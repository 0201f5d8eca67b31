"""`manage.py init` creates the stage's tables and bucket, and says truly what it did."""

from chalicelib.store.setup import create_bucket, create_tables


def test_a_second_init_creates_no_table(store):
    assert create_tables() == []


def test_a_second_init_reports_the_bucket_as_existing(store):
    assert create_bucket() is False
