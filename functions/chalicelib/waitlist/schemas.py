"""Requests and responses of the waiting-list routes (patients) and of its counts (the back-office)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from ..booking.schemas import PatientIn
from ..core.appointment import AppointmentView, EmailProof
from ..core.schemas import Day, Id, Language, PractitionerId, Reply, Request


class WaitRequest(Request):
    """Body of ``POST /v1/waitlist``: be told of a time for this reason and site before a date. ``patient.email``
    is checked as every address the API takes (core/schemas.py's ``Email``: email-validator)."""

    practitioner: PractitionerId
    site: Id
    reason: Id
    before: Day = Field(description="The last local date the patient can come (at most 90 days ahead).")
    patient: PatientIn
    language: Language = "fr"


class WaitRequested(Reply):
    id: str
    status: Literal["code_sent"]
    code_expires_at: datetime


class WaitProof(Request):
    code: Annotated[str, StringConstraints(pattern=r"^[0-9]{6}$")] = Field(description="The 6-digit e-mailed code.")


class WaitJoined(Reply):
    id: str
    status: Literal["waiting"]
    practitioner: str
    site: str
    reason: str
    before: date
    email_proof: EmailProof | None = Field(
        description="When a code proved the address: an e-mail proof, so that the next booking or request needs no "
        "code (as a booking's confirmation earns). null when the request's own proof (Email-Proof header) proved it."
    )


class OfferView(Reply):
    appointment: AppointmentView
    held_until: datetime = Field(description="The time is held for this patient alone until then.")


class OfferDeclined(Reply):
    status: Literal["declined"]


class WaitingCount(Reply):
    reason: str
    label: dict[str, str] = Field(
        description="The visit reason's name in each site language (fr, en, it, es, ru), French if untranslated."
    )
    waiting: int = Field(description="Patients waiting for a time for this reason (an offer open counts).")


class NoShowRate(Reply):
    since: date
    appointments: int = Field(description="Confirmed appointments whose time has passed, in the period.")
    missed: int = Field(description="Of those, marked as missed.")
    rate: float | None = Field(description="missed / appointments (null when there were none).")


class PracticeInsights(Reply):
    practitioner: str
    waiting: list[WaitingCount]
    no_show: NoShowRate
