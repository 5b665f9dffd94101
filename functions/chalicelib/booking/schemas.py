"""Requests and responses of the patients' booking routes (the appointment's own views are in core/appointment.py)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, ConfigDict, Field, StringConstraints

from ..core import ids
from ..core.schemas import (
    Day,
    Email,
    Id,
    Instant,
    Language,
    Name,
    PatientKind,
    Phone,
    PractitionerId,
    Reply,
    Request,
    SlotOut,
)

MAX_WINDOW_DAYS = 31
MAX_IDS = 50


# -- requests ------------------------------------------------------------------------------------------------------


class SlotsQuery(Request):
    """Query string of ``GET /v1/practitioners/{id}/slots``."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    reason: Id = Field(description="Visit reason id (from the professional's page).")
    from_: Day | None = Field(None, alias="from", description="First local date (YYYY-MM-DD); default today.")
    days: int = Field(7, ge=1, le=MAX_WINDOW_DAYS, description="Number of days, 1 to 31.")
    site: Id | None = Field(None, description="Practice site id; default every site.")
    patient: PatientKind | None = Field(None, description="new or existing patient; default either.")


def _split_ids(value: Any) -> Any:
    if isinstance(value, str):
        return list(dict.fromkeys(part.strip() for part in value.split(",") if part.strip()))
    return value


class NextAvailableQuery(Request):
    """Query string of ``GET /v1/next-available``."""

    ids: Annotated[list[PractitionerId], BeforeValidator(_split_ids), Field(min_length=1, max_length=MAX_IDS)] = Field(
        description="Comma-separated professional ids, 1 to 50."
    )
    hours: bool = Field(False, description="true: each entry also carries the weekly opening hours per site.")


class PatientIn(Request):
    given_name: Name
    family_name: Name
    email: Email
    phone: Phone | None = None
    kind: PatientKind = Field(description="new: first visit to this professional; existing: already a patient.")


class HoldRequest(Request):
    """Body of ``POST /v1/appointments`` (with an ``Idempotency-Key`` header)."""

    practitioner: PractitionerId
    site: Id
    reason: Id
    start: Instant = Field(description="A slot's start, ISO 8601 with its UTC offset.")
    patient: PatientIn
    language: Language = "fr"
    relative: Annotated[str, StringConstraints(pattern=ids.RELATIVE_ID)] | None = Field(
        None,
        description="Signed in only: the id of one of my relatives (GET /v1/me/relatives) the appointment is for. "
        "``patient`` is then the person who books; the relative is the patient the practice sees.",
    )


Code = Annotated[str, StringConstraints(pattern=r"^[0-9]{6}$")]


class ConfirmRequest(Request):
    """Body of ``POST /v1/appointments/{id}/confirm``: the e-mailed code, or nothing with an Email-Proof header."""

    code: Code | None = Field(
        None,
        description="The 6-digit e-mailed code. Leave it out only when the request carries an e-mail proof for the "
        "patient's address (Email-Proof header).",
    )


class ProofRequest(Request):
    """Body of ``POST /v1/email-proofs``: the address to prove, before holding a time."""

    email: Email
    language: Language = Field("fr", description="The language of the e-mail with the code.")


class ProofConfirmRequest(Request):
    code: Code = Field(description="The 6-digit e-mailed code.")


# -- responses -----------------------------------------------------------------------------------------------------


class SlotsResponse(Reply):
    practitioner: str
    reason: str
    from_: date = Field(alias="from")
    days: int
    slots: list[SlotOut]
    last_day: date = Field(
        description="The last local date a slot can be on: today plus the professional's booking horizon. A "
        "window after it has no slot, so a patient need not look further."
    )


class PeriodOut(Reply):
    days: list[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]] = Field(description="In weekday order.")
    start: str = Field(description="Local clock time HH:MM of the site.")
    end: str
    reasons: list[str] = Field(description="The visit reason ids served in this period.")


class SiteHoursOut(Reply):
    site: str
    periods: list[PeriodOut] = Field(description="Empty: no weekly opening (by appointment only).")


class NextAvailable(Reply):
    practitioner: str
    slot: SlotOut | None = Field(description="null: no free slot online within the booking horizon (or unknown id).")
    hours: list[SiteHoursOut] | None = Field(
        None,
        description="With hours=true, the weekly opening hours in force, per site; null otherwise, and for an "
        "unknown id or a professional without online booking.",
    )


class NextAvailableResponse(Reply):
    results: list[NextAvailable]


class CodeSent(Reply):
    status: Literal["sent"]


class ProofCodeSent(Reply):
    id: str = Field(description="Send the code to /v1/email-proofs/{id}/confirm.")
    expires_at: datetime = Field(description="The code works until then (10 minutes).")
