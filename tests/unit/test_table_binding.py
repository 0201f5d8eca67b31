"""Models bind themselves to the stage's tables on their first call; until then their
table name is one DynamoDB refuses, never an unprefixed table."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]

BEFORE_AND_AFTER_FIRST_CALL = """
from chalicelib.config import get_settings
from chalicelib.store.models.catalog import ProductRecord
before = ProductRecord.Meta.table_name
ProductRecord._get_connection()
print(before, ProductRecord.Meta.table_name == get_settings().table_name("products"))
"""

SETTINGS_RESET = """
import os
from chalicelib.config import reset_settings
from chalicelib.store.models.catalog import ProductRecord
ProductRecord._get_connection()
os.environ["TABLE_PREFIX"] = "other-"
reset_settings()
print(ProductRecord._get_connection().table_name)
"""


def run(script: str) -> str:
    completed = subprocess.run(
        [sys.executable, "-c", script], cwd=PROJECT_DIR, capture_output=True, text=True, check=True
    )
    return completed.stdout.strip()


def test_a_model_names_no_usable_table_until_its_first_call_binds_it() -> None:
    assert run(BEFORE_AND_AFTER_FIRST_CALL) == "unbound:products True"


def test_new_settings_bind_the_models_again_on_their_next_call() -> None:
    assert run(SETTINGS_RESET) == "other-products"
