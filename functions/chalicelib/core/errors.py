"""Domain errors. They carry an HTTP-meaningful status but import no web framework.

The web edge (``web.py``) turns every one of them into the single JSON error body:
``{"error": {"code": "...", "message": "...", "field": "..." | null}}``; an error class may add members of its own
(``details()``), documented on the one schema of that body.
"""

from __future__ import annotations

from typing import Any


class PortalError(Exception):
    """Base of every error a client may see. ``message`` is safe to show to a person."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def details(self) -> dict[str, Any]:
        """Members a client can act on without reading ``message``; none unless a subclass says otherwise."""
        return {}

    def body(self) -> dict[str, dict[str, Any]]:
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


class CsrfRequired(PortalError):
    """A change without the session's CSRF token. Not a 403: CloudFront turns every 403 into the site's 404 page."""

    status = 400
    code = "csrf_required"


class NotFound(PortalError):
    status = 404
    code = "not_found"


class Conflict(PortalError):
    status = 409
    code = "conflict"


class SlotTaken(Conflict):
    """The time is taken. A booking the practice takes by phone says which free times are nearest instead
    (``alternatives``: slots as the API answers them, models with ``model_dump``), in the body."""

    code = "slot_taken"

    def __init__(self, message: str, field: str | None = None, alternatives: list[Any] | None = None) -> None:
        super().__init__(message, field)
        self.alternatives = alternatives

    def details(self) -> dict[str, Any]:
        if self.alternatives is None:
            return {}
        return {"alternatives": [slot.model_dump(mode="json") for slot in self.alternatives]}


class Gone(PortalError):
    status = 410
    code = "gone"


class TooManyRequests(PortalError):
    status = 429
    code = "too_many_requests"


class Unavailable(PortalError):
    status = 503
    code = "unavailable"


# -- what the booking rules and the back-office refuse, by name ---------------------------------------------------


class AlreadyConfirmed(Conflict):
    code = "already_confirmed"


class NotConfirmed(Conflict):
    code = "not_confirmed"


class TooLate(Conflict):
    code = "too_late"


class TooManyAppointments(Conflict):
    code = "too_many_appointments"


class NotStarted(Conflict):
    code = "not_started"


class OrphanedAppointments(Conflict):
    code = "orphaned_appointments"


class HoldExpired(Gone):
    code = "hold_expired"


class WrongCode(InvalidInput):
    """A wrong confirmation code; ``attempts_left`` (1 or more: at none the hold answers ``TooManyAttempts``) is in
    the body, so a client says it in its own words instead of parsing ``message``."""

    code = "wrong_code"

    def __init__(self, attempts_left: int) -> None:
        plural = "s" if attempts_left > 1 else ""
        super().__init__(f"Wrong code; {attempts_left} attempt{plural} left.", field="code")
        self.attempts_left = attempts_left

    def details(self) -> dict[str, Any]:
        return {"attempts_left": self.attempts_left}


class TooManyAttempts(TooManyRequests):
    code = "too_many_attempts"


class TooManyHolds(TooManyRequests):
    code = "too_many_holds"


class ProofRequired(TooManyRequests):
    """Too many holds await their code from this network (or for this e-mail): the client proves the e-mail address
    first (``POST /v1/email-proofs``), then holds with the proof (core/proof.py)."""

    code = "proof_required"


class CodeExpired(Gone):
    code = "code_expired"
