from __future__ import annotations

import os

from pydantic import BaseModel, ConfigDict

from chalicelib.domain.changes import UNSET, Unset

# The first schema a process builds would otherwise look for pydantic plugins among the
# entry points of every installed distribution (importlib.metadata reads the metadata of
# each): about 5% of a cold product read with the development virtualenv. The shop uses
# no plugin.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")


class Schema(BaseModel):
    """Base of every request and response schema.

    ``defer_build``: a Lambda container builds a schema's validator when a request first
    needs it, not all of them at import, which keeps cold starts short. Unknown request
    fields are ignored, as DRF serializers do.
    """

    model_config = ConfigDict(defer_build=True, extra="ignore")


def sent[T](update: BaseModel, name: str, value: T | None) -> T | Unset:
    """The one rule of PUT and PATCH, field by field: a field changes only when the client
    sent it; one left out keeps its value (PUT's schema requires the fields create
    requires, and its defaults are not values sent). A null sent for a field that cannot
    be null changes nothing either."""
    return value if value is not None and name in update.model_fields_set else UNSET


def sent_nullable[T](update: BaseModel, name: str, value: T) -> T | Unset:
    """As ``sent``, for a field where null is a value (it clears the field)."""
    return value if name in update.model_fields_set else UNSET
