"""Table models load on first use; each is bound to the stage's tables whenever it loads."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]

LATE_MODEL = """
from chalicelib.config import get_settings
from chalicelib.store import models
models.bind_models()
from chalicelib.store.models.ratings import RatingRecord
print(RatingRecord.Meta.table_name == get_settings().table_name("ratings"))
"""

ALL_MODELS = """
from chalicelib.store import models
from chalicelib.store.models import counters
print(*sorted(model.short_name for model in models.all_models()))
"""


def run(script: str) -> str:
    completed = subprocess.run(
        [sys.executable, "-c", script], cwd=PROJECT_DIR, capture_output=True, text=True, check=True
    )
    return completed.stdout.strip()


def test_a_model_first_used_after_binding_is_bound_to_the_stage_tables():
    assert run(LATE_MODEL) == "True"


def test_all_models_lists_every_table_whatever_was_loaded_before():
    assert run(ALL_MODELS).split() == [
        "carts",
        "categories",
        "counters",
        "idempotency_keys",
        "lookups",
        "orders",
        "products",
        "ratings",
        "sessions",
        "users",
    ]
