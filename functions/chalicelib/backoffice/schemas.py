"""Requests and responses of the back-office API (``/v1/pro/...``), validated at the edge and published in the same
OpenAPI document as the booking API (the appointment's own views are in core/appointment.py). Same rules as every
route set (core/schemas.py): unknown fields are refused, and a validation failure is one 422 naming the field with
a dotted path (``settings.sites.0.hours.1.end``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, ConfigDict, Field, StringConstraints

from ..core.appointment import AgendaEntry, Orphan
from ..core.schemas import Email, Id, Language, Name, PatientKind, Phone, Reply, Request, SlotOut

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)]
ClockTime = Annotated[str, StringConstraints(pattern=r"^([01][0-9]|2[0-3]):[0-5][05]$")]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
Secret = Annotated[str, StringConstraints(max_length=8192)]
Role = Literal["professional", "secretary", "desk"]
Allows = Literal["agenda", "settings"]

# -- sign-in (the browser talks to these routes only, never to Cognito) ------------------------------------------


class SignInRequest(Request):
    email: Annotated[str, StringConstraints(max_length=254)]
    password: Annotated[str, StringConstraints(max_length=256)]


class NewPasswordRequest(Request):
    session: Secret
    username: Annotated[str, StringConstraints(max_length=254)]
    new_password: Annotated[str, StringConstraints(max_length=256)]


class TotpSetupRequest(Request):
    session: Secret
    email: Annotated[str, StringConstraints(max_length=254)] = Field(description="Shown by the authenticator app.")


class TotpCodeRequest(Request):
    session: Secret
    username: Annotated[str, StringConstraints(max_length=254)]
    code: Annotated[str, StringConstraints(max_length=16)] = Field(description="6 digits from the app.")


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

    from_: date = Field(alias="from", description="First local date (YYYY-MM-DD).")
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


class AgendaResponse(Reply):
    practitioner: str
    timezone: str
    from_: date = Field(alias="from")
    days: int
    appointments: list[AgendaEntry]
    sites: list[SiteInfo] = Field(description="The practice sites, for the phone-booking and block forms.")
    visit_reasons: list[ReasonChoice] = Field(
        description="Every visit reason, also those not offered online, for the phone-booking form: the agenda "
        "gives them so that an account without the settings (a front desk) can book by phone."
    )


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
    start: AwareDatetime = Field(description="Any free time on a 5-minute boundary, in the future.")
    patient: ProPatientIn
    language: Language = "fr"


class BlockRequest(Request):
    site: Id
    start: AwareDatetime
    end: AwareDatetime


class NoShowRequest(Request):
    no_show: bool = True


# -- settings ---------------------------------------------------------------------------------------------------


class Texts(Request):
    fr: Text
    en: Text


class LongTexts(Request):
    fr: LongText
    en: LongText


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
    start: datetime = Field(description="ISO 8601; without an offset, a local time of the practice.")
    end: datetime


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


class SettingsResponse(Reply):
    practitioner: str
    version: int = Field(description="Send it back when saving: a save over a newer version is refused (409).")
    sites: list[SiteInfo]
    settings: PracticeSettings


class PreviewRequest(Request):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    settings: PracticeSettings
    reason: Annotated[Id | None, Field(description="An online visit reason; default the first one.")] = None
    from_: Annotated[date | None, Field(alias="from", description="First local date; default today.")] = None
    days: Annotated[int, Field(ge=1, le=31)] = 14


class PreviewResponse(Reply):
    reason: str
    from_: date = Field(alias="from")
    days: int
    slots: list[SlotOut]
    orphans: list[Orphan] = Field(description="Booked appointments the change would leave outside the openings.")


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
