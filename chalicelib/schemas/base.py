from __future__ import annotations

import os

from pydantic import BaseModel, ConfigDict

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
