from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from chalicelib.schemas.users import UserPublic


class LoginRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    username: str
    password: str


class LoginResponse(BaseModel):
    token: str
    user: UserPublic


class Detail(BaseModel):
    detail: str
