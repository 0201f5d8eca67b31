"""Domain exceptions. They know nothing about HTTP; ``api.responses`` maps them to statuses."""

from __future__ import annotations


class ShopError(Exception):
    detail = "The request could not be completed."

    def __init__(self, detail: str | None = None) -> None:
        super().__init__(detail or self.detail)
        self.detail = detail or self.detail


class InvalidInput(ShopError):
    """Field errors: ``{"field": ["message", ...]}``."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("Invalid input.")
        self.errors = errors

    @classmethod
    def on(cls, field: str, message: str) -> InvalidInput:
        return cls({field: [message]})


class BusinessRuleViolated(ShopError):
    detail = "The request breaks a business rule."


class MalformedRequest(ShopError):
    detail = "Malformed request."


class NotAuthenticated(ShopError):
    detail = "Authentication credentials were not provided."


class AuthenticationFailed(ShopError):
    detail = "Invalid token."


class PermissionDenied(ShopError):
    detail = "You do not have permission to perform this action."


class NotFound(ShopError):
    detail = "Not found."


class MethodNotAllowed(ShopError):
    def __init__(self, method: str) -> None:
        super().__init__(f'Method "{method}" not allowed.')


class Conflict(ShopError):
    detail = "The request conflicts with the current state."


class PayloadTooLarge(ShopError):
    detail = "Request body is too large."


class UnsupportedMediaType(ShopError):
    def __init__(self, content_type: str) -> None:
        super().__init__(f'Unsupported media type "{content_type}" in request.')


class Throttled(ShopError):
    detail = "Request was throttled."

    def __init__(self, retry_after_seconds: int, detail: str | None = None) -> None:
        seconds = max(1, int(retry_after_seconds))
        super().__init__(
            detail or f"Request was throttled. Expected available in {seconds} seconds."
        )
        self.retry_after_seconds = seconds


class ServiceUnavailable(ShopError):
    detail = "The database is busy. Please retry shortly."

    def __init__(self, retry_after_seconds: int = 1, detail: str | None = None) -> None:
        super().__init__(detail)
        self.retry_after_seconds = retry_after_seconds
