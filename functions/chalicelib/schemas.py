"""Requests and responses of the booking API: validated at the edge and published as OpenAPI (openapi.py).

Every request model forbids unknown fields; a validation failure becomes one InvalidInput (422) naming the field
with a dotted path (``patient.email``). Responses are built from the response models, so what the API answers is
what the OpenAPI document says.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
)
from pydantic.json_schema import SkipJsonSchema

from .errors import InvalidInput

MAX_WINDOW_DAYS = 31
MAX_IDS = 50

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=254, pattern=r"^[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\".]+$"),
]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\+?[0-9][0-9 .-]{5,20}$")]
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 1, 1)


def _iso_text(value: Any) -> Any:
    if not isinstance(value, str):
        raise ValueError("an ISO 8601 date-time text is expected, such as 2027-03-02T09:00:00+01:00")
    return value


def _instant_in_range(value: datetime) -> datetime:
    if not EARLIEST <= value.date() < LATEST:
        raise ValueError("the date is out of range")
    return value


def _day_in_range(value: date) -> date:
    if not EARLIEST <= value < LATEST:
        raise ValueError("the date is out of range")
    return value


# Instants arrive as ISO text with their offset, within a sane range (far years would overflow local-time arithmetic).
Instant = Annotated[AwareDatetime, BeforeValidator(_iso_text), AfterValidator(_instant_in_range)]
Day = Annotated[date, AfterValidator(_day_in_range)]
Language = Literal["fr", "en"]
PatientKind = Literal["new", "existing"]
Status = Literal["held", "confirmed", "cancelled"]
IDEMPOTENCY_KEY = r"^[A-Za-z0-9_.:-]{8,128}$"


class Request(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Reply(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True)


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

    ids: Annotated[list[Id], BeforeValidator(_split_ids), Field(min_length=1, max_length=MAX_IDS)] = Field(
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

    practitioner: Id
    site: Id
    reason: Id
    start: Instant = Field(description="A slot's start, ISO 8601 with its UTC offset.")
    patient: PatientIn
    language: Language = "fr"


class ConfirmRequest(Request):
    code: Annotated[str, StringConstraints(pattern=r"^[0-9]{6}$")] = Field(description="The 6-digit e-mailed code.")


class MoveRequest(Request):
    start: Instant = Field(description="The new slot's start, ISO 8601 with its UTC offset.")


class EmptyRequest(Request):
    """A body with nothing in it (``{}``) or no body at all."""


# -- responses -----------------------------------------------------------------------------------------------------


class SlotOut(Reply):
    start: datetime = Field(description="ISO 8601 in the site's local time, with its UTC offset.")
    end: datetime
    site: str


class SlotsResponse(Reply):
    practitioner: str
    reason: str
    from_: date = Field(alias="from")
    days: int
    slots: list[SlotOut]


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


class HoldResponse(Reply):
    id: str
    status: Status
    practitioner: str
    site: str
    reason: str
    start: datetime
    end: datetime
    hold_expires_at: datetime = Field(description="The hold lapses then unless confirmed with the e-mailed code.")


class PatientOut(Reply):
    given_name: str
    family_name: str
    email: str
    phone: str | None
    kind: PatientKind


class AppointmentView(Reply):
    id: str
    status: Status
    practitioner: str
    practitioner_name: str
    site: str
    site_name: str
    address: str
    reason: str
    reason_label: str
    instructions: str | None
    start: datetime
    end: datetime
    timezone: str
    language: Language
    patient: PatientOut


class ConfirmResponse(AppointmentView):
    manage_token: str = Field(description="Capability to show, cancel or move it (also e-mailed); keep it secret.")


class CodeSent(Reply):
    status: Literal["sent"]


def _no_default(schema: dict[str, Any]) -> None:
    """An optional member that is absent, not null, when it does not apply: the schema shows no default."""
    schema.pop("default", None)


class ErrorDetail(Reply):
    """`code` for programs, `message` for people, `field` the offending input (or null)."""

    model_config = ConfigDict(extra="forbid")  # the published shape is closed: contract tests catch a stray member

    code: str
    message: str
    field: str | None
    attempts_left: Annotated[int, Field(ge=1)] | SkipJsonSchema[None] = Field(
        default=None,
        description="Only with `wrong_code`: the code attempts this hold has left (at none the answer is a 429 "
        "`too_many_attempts`). Absent from every other error.",
        json_schema_extra=_no_default,
    )


class ErrorResponse(Reply):
    error: ErrorDetail


class HealthResponse(Reply):
    status: Literal["ok"]
    table: Literal["reachable"]


# -- parsing -------------------------------------------------------------------------------------------------------

M = TypeVar("M", bound=BaseModel)
MESSAGES = {
    "extra_forbidden": "Unknown field.",
    "missing": "This field is required.",
}


def parse(model: type[M], data: Any) -> M:
    """``data`` validated as ``model``; the first problem becomes a 422 naming its field (``patient.email``)."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InvalidInput("The body must be a JSON object.", field="body")
    try:
        return model.model_validate(data)
    except ValidationError as err:
        first = err.errors(include_url=False)[0]
        where = ".".join(str(part) for part in first["loc"]) or None
        if first["type"] == "value_error":  # our own validators: their message without pydantic's prefix
            message = str(first.get("ctx", {}).get("error", first["msg"]))
            message = message[:1].upper() + message[1:] + "."
        else:
            message = MESSAGES.get(first["type"], first["msg"])
        raise InvalidInput(message, field=where) from None


def dump(model: BaseModel) -> dict[str, Any]:
    """The JSON body of a response model (aliases such as ``from`` applied)."""
    return model.model_dump(mode="json", by_alias=True)
