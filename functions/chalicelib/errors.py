"""Domain errors. They carry an HTTP-meaningful status but import no web framework.

``app.py`` turns every one of them into the single JSON error body:
``{"error": {"code": "...", "message": "...", "field": "..." | null}}``; an error class may add members of its own
(``details()``), documented on the one schema of that body.
"""

from __future__ import annotations


class PortalError(Exception):
    """Base of every error a client may see. ``message`` is safe to show to a person."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def details(self) -> dict[str, int]:
        """Members a client can act on without reading ``message``; none unless a subclass says otherwise."""
        return {}

    def body(self) -> dict[str, dict[str, str | int | None]]:
        """The one JSON error body."""
        return {"error": {"code": self.code, "message": self.message, "field": self.field, **self.details()}}


class BadRequest(PortalError):
    status = 400
    code = "bad_request"


class InvalidInput(PortalError):
    status = 422
    code = "invalid_input"


class Unauthorized(PortalError):
    status = 401
    code = "unauthorized"


class NotFound(PortalError):
    status = 404
    code = "not_found"


class Conflict(PortalError):
    status = 409
    code = "conflict"


class SlotTaken(Conflict):
    code = "slot_taken"


class Gone(PortalError):
    status = 410
    code = "gone"


class TooManyRequests(PortalError):
    status = 429
    code = "too_many_requests"


class Unavailable(PortalError):
    status = 503
    code = "unavailable"
