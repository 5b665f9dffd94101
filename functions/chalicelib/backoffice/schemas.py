"""Requests and responses of the back-office API (``/v1/pro/...``), validated at the edge and published in the same
OpenAPI document as the booking API (the appointment's own views are in core/appointment.py). Same rules as every
route set (core/schemas.py): unknown fields are refused, and a validation failure is one 422 naming the field with
a dotted path (``settings.sites.0.hours.1.end``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import AfterValidator, ConfigDict, Field, StringConstraints, WithJsonSchema, create_model

from ..core.appointment import AgendaEntry, Orphan
from ..core.schemas import (
    LANGUAGES,
    NOT_BLANK,
    Day,
    Email,
    Id,
    Instant,
    Language,
    LocalInstant,
    Name,
    PatientKind,
    Phone,
    Reply,
    Request,
    SlotOut,
)

Text = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=120),
    Field(json_schema_extra={"pattern": NOT_BLANK}),
]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)]
ClockTime = Annotated[str, StringConstraints(pattern=r"^([01][0-9]|2[0-3]):[0-5][05]$")]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
Secret = Annotated[str, StringConstraints(max_length=8192)]
TOTP_CODE = re.compile(r"^\s*[0-9]{6}\s*$")


def _checked(test: Callable[[str], bool], message: str) -> AfterValidator:
    def check(value: str) -> str:
        if not test(value):
            raise ValueError(message)
        return value

    return AfterValidator(check)


# What the sign-in steps accept (signin.py), published as it is checked, with the words the sign-in page shows: a
# name with something in it (spaces around it are ignored: Python's white space, which str.strip removes, is what
# PY_NOT_BLANK leaves out), a password that is not empty, a code of 6 digits.
PY_NOT_BLANK = r"[^\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
SignInName = Annotated[
    str,
    _checked(lambda v: 0 < len(v) <= 128 and bool(v.strip()), "enter your email address"),
    WithJsonSchema({"type": "string", "minLength": 1, "maxLength": 128, "pattern": PY_NOT_BLANK}),
]
Password = Annotated[
    str,
    _checked(lambda v: 0 < len(v) <= 256, "enter your password"),
    WithJsonSchema({"type": "string", "minLength": 1, "maxLength": 256}),
]
TotpCode = Annotated[
    str,
    _checked(
        lambda v: len(v) <= 16 and bool(TOTP_CODE.match(v)), "enter the 6-digit code shown by your authenticator app"
    ),
    WithJsonSchema({"type": "string", "maxLength": 16, "pattern": TOTP_CODE.pattern}),
]
Role = Literal["professional", "secretary", "desk"]
Allows = Literal["agenda", "settings"]

# -- sign-in (the browser talks to these routes only, never to Cognito) ------------------------------------------


class SignInRequest(Request):
    email: SignInName
    password: Password


class NewPasswordRequest(Request):
    session: Secret
    username: SignInName
    new_password: Password


class TotpSetupRequest(Request):
    session: Secret
    email: SignInName = Field(description="Shown by the authenticator app.")


class TotpCodeRequest(Request):
    session: Secret
    username: SignInName
    code: TotpCode = Field(description="6 digits from the app.")


class RefreshRequest(Request):
    refresh_token: Secret


class SignInStep(Reply):
    step: Literal["new_password", "totp_setup", "totp", "signed_in"] = Field(
        description="What the person does next; signed_in carries the tokens."
    )
    session: Annotated[
        str | None, Field(description="Send back unchanged with the next step (valid a few minutes).")
    ] = None
    username: str | None = None
    access_token: Annotated[str | None, Field(description="Bearer token of every back-office call (15 minutes).")] = (
        None
    )
    refresh_token: str | None = None
    expires_in: int | None = None


class TotpEnrolment(Reply):
    secret: str = Field(description="The authenticator app's key (base32), to type in when no QR code is read.")
    otpauth_uri: str
    qr_svg: str = Field(
        description="`otpauth_uri` as a QR code to scan with the app: an SVG document (viewBox, no size, no style "
        "attribute) to put inline."
    )
    session: str


class SignedOut(Reply):
    status: Literal["signed_out"]


# -- who is signed in -------------------------------------------------------------------------------------------


class LanguageQuery(Request):
    lang: Language = "fr"


class PractitionerRef(Reply):
    id: str
    name: str
    timezone: str
    allows: list[Allows] = Field(
        description="What the account may do for this professional: `agenda` (appointments, patient details, phone "
        "bookings, blocks, cancel, move, no-show) and, unless its grant is a front desk's, `settings` (opening "
        "hours, visit reasons, absences, booking rules and the calendar feed)."
    )


class MeResponse(Reply):
    role: Role
    own_practitioner: str | None
    practitioners: list[PractitionerRef] = Field(description="Every agenda this account may read and change.")


# -- agenda and appointments ------------------------------------------------------------------------------------


class AgendaQuery(Request):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    from_: Day = Field(alias="from", description="First local date (YYYY-MM-DD).")
    days: Annotated[int, Field(ge=1, le=7, description="1 (a day) to 7 (a week).")] = 1


class SiteInfo(Reply):
    id: str
    name: str
    timezone: str


class ReasonChoice(Reply):
    id: str
    label: dict[str, str] = Field(
        description="The visit reason's name in each site language (fr, en, it, es, ru), French if untranslated."
    )
    duration_minutes: int


class OpenPeriod(Reply):
    site: str
    start: datetime = Field(description="On the site's clock, with its UTC offset.")
    end: datetime
    reasons: list[str] = Field(description="The visit reasons this period accepts.")


class Absence(Reply):
    start: datetime = Field(description="On the agenda's clock, with its UTC offset.")
    end: datetime


class PublicHoliday(Reply):
    date: date
    name: dict[str, str] = Field(description="The holiday's name in French (`fr`) and English (`en`).")


class AgendaResponse(Reply):
    practitioner: str
    timezone: str
    from_: date = Field(alias="from")
    days: int
    appointments: list[AgendaEntry]
    openings: list[OpenPeriod] = Field(
        description="The opening periods of those dates (weekly ones, none on a public holiday, and extra "
        "openings), in time order; absences are not taken out of them."
    )
    absences: list[Absence] = Field(description="The absences (closures, at every site) that overlap those dates.")
    holidays: list[PublicHoliday] = Field(description="The public holidays among those dates: closed all day.")
    free_times: dict[str, list[SlotOut]] = Field(
        description="For every visit reason (also those booked by phone only), the free times of the opening "
        "periods that accept it, from now on: what the practice can give a patient. Neither the patients' notice "
        "nor their horizon applies."
    )
    sites: list[SiteInfo] = Field(description="The practice sites, for the phone-booking and block forms.")
    visit_reasons: list[ReasonChoice] = Field(
        description="Every visit reason, also those not offered online, for the phone-booking form: the agenda "
        "gives them so that an account without the settings (a front desk) can book by phone."
    )


class FreeTimesQuery(Request):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    reason: Id
    from_: Annotated[Day | None, Field(alias="from", description="First local date; default today.")] = None
    site: Id | None = None
    limit: Annotated[int, Field(ge=1, le=20, description="How many free times; default 6.")] = 6


class FreeTimesResponse(Reply):
    reason: str
    from_: date = Field(alias="from")
    slots: list[SlotOut] = Field(description="The next free times of the reason (at most `limit`), in time order.")


class ProPatientIn(Request):
    given_name: Name
    family_name: Name
    email: Annotated[Email | None, Field(description="To e-mail the confirmation, and any change, to the patient.")] = (
        None
    )
    phone: Phone | None = None
    kind: PatientKind = "existing"


class PhoneBookingRequest(Request):
    site: Id
    reason: Id
    start: Instant = Field(description="Any free time on a 5-minute boundary, in the future.")
    patient: ProPatientIn
    language: Language = "fr"


class BlockRequest(Request):
    site: Id
    start: Instant
    end: Instant


class NoShowRequest(Request):
    no_show: bool = True


# -- settings ---------------------------------------------------------------------------------------------------


# A visit reason's name and instructions, one text per language of the site (core/schemas.py LANGUAGES): French, the
# language a missing one falls back to (core/profiles.py text_in), and English are required; the others are
# optional. The models are built from LANGUAGES, so that a save keeps every language the site has, and no list of
# languages is written twice (mypy sees them as plain request models: nothing reads their fields by name).
REQUIRED_LANGUAGES: tuple[Language, ...] = ("fr", "en")


def _per_language(name: str, text: Any, description: str) -> type[Request]:
    fields: dict[str, Any] = {
        lang: (text, ...) if lang in REQUIRED_LANGUAGES else (text | None, None) for lang in LANGUAGES
    }
    return create_model(name, __base__=Request, __doc__=description, **fields)


if TYPE_CHECKING:
    Texts = Request
    LongTexts = Request
else:
    Texts = _per_language("Texts", Text, "A text per language of the site; fr and en required, the others optional.")
    LongTexts = _per_language(
        "LongTexts", LongText, "A long text per language of the site; fr and en required, the others optional."
    )


class ReasonSettings(Request):
    id: Id
    label: Texts
    duration_minutes: int = Field(ge=5, le=480, multiple_of=5)
    new_patients: bool
    existing_patients: bool
    online: bool
    at_home: bool | None = Field(None, description="A home visit: the patient's home is the place, not the site.")
    instructions: LongTexts | None = None


class HoursSettings(Request):
    days: list[Weekday] = Field(min_length=1, max_length=7)
    start: ClockTime = Field(description="Local clock time HH:MM, on a 5-minute boundary.")
    end: ClockTime
    reasons: list[Id] = Field(min_length=1)


class SiteSettings(Request):
    id: Id
    hours: list[HoursSettings] = Field(max_length=28)


class ClosureSettings(Request):
    start: LocalInstant = Field(description="ISO 8601; without an offset, a local time of the practice.")
    end: LocalInstant


class RulesSettings(Request):
    min_notice_minutes: int = Field(ge=0, le=20160)
    horizon_days: int = Field(ge=1, le=365)
    buffer_minutes: int = Field(ge=0, le=120)
    max_future_per_patient: int = Field(ge=1, le=20)


class PracticeSettings(Request):
    visit_reasons: list[ReasonSettings] = Field(min_length=1, max_length=40)
    sites: list[SiteSettings] = Field(min_length=1, max_length=10)
    closures: list[ClosureSettings] = Field(default_factory=list, max_length=200)
    booking_rules: RulesSettings


class SettingsWarning(Reply):
    code: Literal["new_patients_not_accepted", "reason_never_offered"]
    field: str = Field(description="The setting to look at, as an error names a field.")
    reason: str = Field(description="The visit reason it is about.")
    message: str


class SettingsResponse(Reply):
    practitioner: str
    version: int = Field(description="Send it back when saving: a save over a newer version is refused (409).")
    sites: list[SiteInfo]
    accepting_new_patients: bool = Field(description="What the directory says (not changed here).")
    settings: PracticeSettings
    warnings: list[SettingsWarning] = Field(
        description="Settings that contradict each other or do nothing (checks.py); they are saved all the same."
    )


class PreviewRequest(Request):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    settings: PracticeSettings
    reason: Annotated[Id | None, Field(description="An online visit reason; default the first one.")] = None
    from_: Annotated[Day | None, Field(alias="from", description="First local date; default today.")] = None
    days: Annotated[int, Field(ge=1, le=31)] = 14


class PreviewResponse(Reply):
    reason: str
    from_: date = Field(alias="from")
    days: int
    slots: list[SlotOut]
    orphans: list[Orphan] = Field(description="Booked appointments the change would leave outside the openings.")
    warnings: list[SettingsWarning] = Field(description="What the proposed settings contradict (as when saved).")


class SaveSettingsRequest(Request):
    version: int = Field(ge=0)
    settings: PracticeSettings
    orphans: Annotated[
        Literal["refuse", "keep", "cancel"],
        Field(
            description="What happens to orphaned appointments: refuse the change (409), keep them, or cancel "
            "them and e-mail their patients."
        ),
    ] = "refuse"


class SettingsSaved(SettingsResponse):
    cancelled: list[str]
    kept: Annotated[
        list[str],
        Field(
            description="Booked appointments the save left outside the openings: those kept, and those booked "
            "while it was saved (also when the save did not allow orphans)."
        ),
    ]
    orphans: Annotated[list[Orphan], Field(description="The appointments of ``kept``, with their times.")]


# -- calendar feed ----------------------------------------------------------------------------------------------


class FeedStatus(Reply):
    active: bool
    created_at: datetime | None
    url: Annotated[str | None, Field(description="Given once, when the feed is made: only its hash is kept.")] = None


# -- reminders --------------------------------------------------------------------------------------------------


class ReminderSettingsIn(Request):
    day_before: bool = Field(description="A reminder the day before the appointment, at `day_before_time`.")
    day_before_time: ClockTime = Field(description="Local clock time HH:MM of the site (5-minute steps).")
    hours_before: Annotated[
        int | None, Field(ge=1, le=24, description="Another reminder so many hours before; null: none.")
    ] = None
    sms: bool = Field(description="Texts too, to patients who proved their mobile number.")


class ReminderSettingsOut(Reply):
    practitioner: str
    day_before: bool
    day_before_time: str
    hours_before: int | None
    sms: bool
    texts_available: bool = Field(description="Whether the portal sends texts at all (a setting of the operator).")
