from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Schema(BaseModel):
    """Base of every request and response schema.

    ``defer_build``: a Lambda container builds a schema's validator when a request first
    needs it, not all of them at import, which keeps cold starts short. Unknown request
    fields are ignored, as DRF serializers do.
    """

    model_config = ConfigDict(defer_build=True, extra="ignore")
