"""What the schemas of every route set build on: strict request and reply bases, the field types (identifiers from
ids.py), the request bodies more than one route set takes, and the one error body.

Every request model forbids unknown fields; web.py turns a validation failure into one InvalidInput (422) naming
the field with a dotted path (``patient.email``). Responses are built from the response models, so what the API
answers is what the OpenAPI document says (``chalicelib/openapi.py`` publishes them).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
)
from pydantic.json_schema import SkipJsonSchema

from . import ids

Id = Annotated[str, StringConstraints(pattern=ids.CODE)]
PractitionerId = Annotated[str, StringConstraints(pattern=ids.PRACTITIONER_ID)]
# What pydantic's trimming removes (Unicode's White_Space), so that the published pattern ("some character that is
# not one of these") refuses exactly the texts that are empty once trimmed, as the API does.
NOT_BLANK = r"[^\t\n\v\f\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=80),
    Field(json_schema_extra={"pattern": NOT_BLANK}),
]
_LOCAL = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r'[^@\s.,;:<>()\[\]\\"]+'
EMAIL_PATTERN = f"^{_LOCAL}(\\.{_LOCAL})*@({_LABEL}\\.)+{_LABEL}$"
"""What the published document promises of an address (an ASCII dot-atom, then a domain with a dot); email-validator
(emailaddress.py) has the last word, and refuses with a 422 naming the field what the mailer cannot use."""


def _usable_email(value: str) -> str:
    from .emailaddress import checked

    return checked(value)


# The pattern is published, not applied: email-validator's reason ("invalid characters before the @-sign: ','") says
# more to the person who typed the address than a pattern mismatch would.
Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=254),
    AfterValidator(_usable_email),
    Field(json_schema_extra={"pattern": EMAIL_PATTERN}),
]
_SPACE = r"[\t\n\v\f\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
# The API trims a number, then checks it; the document publishes what that accepts, spaces around it included.
Phone = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=r"^\+?[0-9][0-9 .-]{5,20}$"),
    Field(json_schema_extra={"pattern": f"^{_SPACE}*\\+?[0-9][0-9 .-]{{4,19}}[0-9.-]{_SPACE}*$"}),
]
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 1, 1)


def _iso_text(value: Any) -> Any:
    """ISO text from JSON (never a number of seconds), or a date or datetime the code itself passes."""
    if not isinstance(value, str | date):
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


# Dates and instants of the years 2000 to 2099 only (far years would overflow local-time arithmetic), and the
# published schema says so with a pattern, so that what it allows is what the API accepts. The patterns spell the
# whole text (not the year alone) so that a generator of test data can draw valid values from them.
_DATE = "20[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
DAY_TEXT = f"^{_DATE}$"
_TIME = "([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\\.[0-9]+)?)?"
_OFFSET = "(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])"
INSTANT_TEXT = f"^{_DATE}T{_TIME}{_OFFSET}?$"  # the format (date-time) asks for the offset; absences may omit it
# Instants arrive as ISO text with their offset; the range is checked on their own date.
Instant = Annotated[
    AwareDatetime,
    BeforeValidator(_iso_text),
    AfterValidator(_instant_in_range),
    WithJsonSchema({"type": "string", "format": "date-time", "pattern": INSTANT_TEXT}),
]
# An instant with its offset or, without one, on the practice's clock (the back-office's absences).
LocalInstant = Annotated[
    datetime,
    BeforeValidator(_iso_text),
    AfterValidator(_instant_in_range),
    WithJsonSchema({"type": "string", "format": "date-time", "pattern": INSTANT_TEXT}),
]
Day = Annotated[
    date,
    BeforeValidator(_iso_text),
    AfterValidator(_day_in_range),
    WithJsonSchema({"type": "string", "format": "date", "pattern": DAY_TEXT}),
]
Language = Literal["fr", "en", "it", "es", "ru"]  # the site's languages (pelicanconf.LANGUAGES)
LANGUAGES: tuple[Language, ...] = get_args(Language)
PatientKind = Literal["new", "existing"]


# Every model's validator and serializer are built when it is first used, not when its module is imported: a cold
# start pays for the models of the route it answers, not for every model of the API (docs/performance.md).


class Request(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Reply(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True, defer_build=True)


class EmptyRequest(Request):
    """A body with nothing in it (``{}``) or no body at all."""


class MoveRequest(Request):
    start: Instant = Field(description="The new slot's start, ISO 8601 with its UTC offset.")


class SlotOut(Reply):
    start: datetime = Field(description="ISO 8601 in the site's local time, with its UTC offset.")
    end: datetime
    site: str


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
    alternatives: list[SlotOut] | SkipJsonSchema[None] = Field(
        default=None,
        description="Only with `slot_taken` on a booking the practice takes by phone: the free times of the same "
        "visit reason at the same site nearest to the one asked (up to 6, in time order; empty when there are "
        "none within a week). Absent from every other error.",
        json_schema_extra=_no_default,
    )


class ErrorResponse(Reply):
    error: ErrorDetail


class HealthResponse(Reply):
    status: Literal["ok"]
    table: Literal["reachable"]
