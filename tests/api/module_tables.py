"""Tables emptied once per module instead of once per test, for modules whose tests only
read what module-scoped fixtures wrote (or are refused before writing anything): emptying
the tables costs more than most tests.

A module opts in by importing these fixtures, which replace the per-test ones of the same
names (``catalog`` and ``people`` follow, as they are built on ``api`` and ``staff``):

    from module_tables import api, shopper, staff  # noqa: F401  (tables shared by the module)
"""

from __future__ import annotations

import pytest
from helpers import Api


@pytest.fixture
def api(shared_api: Api) -> Api:
    return shared_api


@pytest.fixture
def staff(shared_staff: Api) -> Api:
    return shared_staff


@pytest.fixture
def shopper(shared_shopper: Api) -> Api:
    return shared_shopper
