"""An appointment: its statuses, the one type that stands for it, its item in the table, and what each audience
is shown of it.

Every appointment is made here (a patient's hold, a booking the practice takes by phone, a time the practice
blocks), read from its item here, written as an item here, and turned here into the hold answer, the patient's view,
the e-mail notice, the agenda entry, the back-office's view and an orphan of a settings change. A new field is
added in this one module, next to every shape it appears in; that is why it is longer than most.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Annotated, Any, ClassVar, Literal, get_args
from zoneinfo import ZoneInfo

from pydantic import Field

from . import keys
from .profiles import Profile, text_in
from .schemas import Language, PatientKind, Reply

# Appointment statuses, as stored.
Status = Literal["held", "confirmed", "cancelled", "blocked"]
PatientStatus = Literal["held", "confirmed", "cancelled"]  # a patient never sees a block
HELD: Status = "held"
CONFIRMED: Status = "confirmed"
CANCELLED: Status = "cancelled"
BLOCKED: Status = "blocked"  # a time the practice keeps free of bookings: an appointment without a patient
# Where an appointment comes from: the patient's booking, the practice (by phone), or a blocked time.
Source = Literal["online", "phone", "block"]
ONLINE: Source = "online"
PHONE: Source = "phone"
BLOCK: Source = "block"
CancelledBy = Literal["patient", "practitioner"]


@dataclass(frozen=True)
class Patient:
    """Who the appointment is for. An online booking has an e-mail; one taken by phone may have neither e-mail nor
    phone."""

    given_name: str
    family_name: str
    kind: PatientKind
    email: str | None = None
    phone: str | None = None
    birth_date: str | None = None  # ISO date; given for a relative booked from a patient space

    @classmethod
    def from_item(cls, item: Mapping[str, Any]) -> Patient:
        return cls(
            given_name=str(item["given_name"]),
            family_name=str(item["family_name"]),
            kind=item["kind"],
            email=item.get("email"),
            phone=item.get("phone"),
            birth_date=item.get("birth_date"),
        )

    def to_item(self, *, with_empty: bool) -> dict[str, Any]:
        """The stored map: every member (an absent one as null) when ``with_empty``, as online bookings have always
        been stored; otherwise only those given, as for bookings taken by the practice."""
        item = {
            "given_name": self.given_name,
            "family_name": self.family_name,
            "email": self.email,
            "phone": self.phone,
            "kind": self.kind,
        }
        if self.birth_date:
            item["birth_date"] = self.birth_date
        return item if with_empty else {name: value for name, value in item.items() if value is not None}


@dataclass(frozen=True)
class Booker:
    """Who booked an appointment for someone else (a patient space's holder booking for a relative): shown to the
    practice apart from the patient. The e-mails go to the booker's address, which is the patient's contact."""

    given_name: str
    family_name: str
    relation: str  # the patient's relation to the booker: child, partner, parent, other

    @classmethod
    def from_item(cls, item: Mapping[str, Any]) -> Booker:
        return cls(str(item["given_name"]), str(item["family_name"]), str(item["relation"]))

    def to_item(self) -> dict[str, str]:
        return {"given_name": self.given_name, "family_name": self.family_name, "relation": self.relation}

    def view(self) -> BookerOut:
        return BookerOut(given_name=self.given_name, family_name=self.family_name, relation=self.relation)  # type: ignore[arg-type]


@dataclass(frozen=True)
class AppointmentNotice:
    """What a patient is told about one appointment (notify.py e-mails it). ``start`` and ``end`` are aware."""

    appointment_id: str
    practitioner_name: str
    reason_label: str
    start: datetime
    end: datetime
    timezone: str
    site_name: str
    address: str
    instructions: str | None = None
    manage_url: str | None = None
    lang: Language = "fr"
    phone: str | None = None
    patient_name: str | None = None  # named only when someone booked for the patient (a parent for a child)
    at_home: bool = False  # a home visit: the patient's home is the place, not the site

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("start and end must be aware datetimes")
        if self.lang not in get_args(Language):
            raise ValueError(f"unsupported language {self.lang!r}")
        ZoneInfo(self.timezone)  # an unknown zone fails here, not halfway through an e-mail


@dataclass(frozen=True)
class Appointment:
    """One appointment as stored under ``APPOINTMENT#<id>`` (docs/data-model.md). Times are epoch seconds; the
    practice's details (names, address, phone) are copied in when it is made, in the patient's language, so that
    every later e-mail says what the patient was first told."""

    id: str
    status: Status
    revision: int  # grows with each change, so that a change read earlier cannot overwrite a later one
    practitioner_id: str
    site_id: str
    timezone: str  # the site's IANA zone
    start_epoch: int
    end_epoch: int
    units: tuple[int, ...]  # the starts of the 5-minute units it occupies, its buffer included (epoch seconds)
    created_at: int
    language: Language
    patient_cap: int  # the professional's max_future_per_patient when it was made
    practitioner_name: str
    site_name: str
    address: str
    phone: str  # the practice's
    reason_id: str | None = None  # None for a block
    reason_label: str | None = None
    instructions: str | None = None
    at_home: bool | None = None  # True for a home visit (its reason's at_home): the place is the patient's home
    patient: Patient | None = None  # None for a block
    source: Source = ONLINE
    # Booked from a patient space for a relative: who booked (shown to the practice apart from the patient), and the
    # relative's id, which keys the relative's own cap counter (caps count per person, not per mailbox).
    booked_by: Booker | None = None
    relative_id: str | None = None
    # The mailbox (keys.email_hash) whose patient space lists this appointment (GSI2): the booking's e-mail, or the
    # account's new address once the account changed it.
    mailbox: str | None = None
    # A hold: until when it holds its units, the one-time code's hash and counters, whether the client proved the
    # e-mail (core/proof.py), and the network it was made from (hashed; the network's holds item names it).
    hold_until: int | None = None
    code_hash: str | None = None
    code_attempts: int | None = None
    codes_sent: int | None = None
    proven: bool | None = None
    network_hash: str | None = None
    # When the table deletes the item (its TTL; core/retention.py): a lapsed hold a day later, an appointment or a
    # blocked time the retention period after its end.
    expires_at: int | None = None
    # Later: the manage token's hash and what happened to it.
    token_hash: str | None = None
    confirmed_at: int | None = None
    cancelled_at: int | None = None
    cancelled_by: CancelledBy | None = None
    moved_at: int | None = None
    last_operation: str | None = None  # the store's id of the last change (store/transactions.py)
    no_show: bool | None = None
    no_show_at: int | None = None
    # The UTC dates (``keys.audit_day``) it started on before it was moved, which file the agenda's audit entries
    # that named it then (backoffice/audit.py); the store adds the old date in the move's transaction.
    former_days: tuple[str, ...] = ()

    # -- made -------------------------------------------------------------------------------------------------------

    @classmethod
    def new(
        cls,
        *,
        id: str,
        profile: Profile,
        site_id: str,
        start: int,
        end: int,
        units: list[int],
        now: int,
        status: Status,
        language: Language = "fr",
        reason_id: str | None = None,
        patient: Patient | None = None,
        source: Source = ONLINE,
        **state: Any,
    ) -> Appointment:
        """A new appointment at ``site_id`` of ``profile`` (a patient's hold, a booking the practice takes, a block),
        with the practice's details and the visit reason's copied in ``language``; ``state`` sets the fields of its
        kind (a hold's ``hold_until`` and code, a phone booking's ``confirmed_at``...). An appointment with an
        e-mail is listed in that mailbox's patient space (``mailbox``)."""
        if patient is not None and patient.email and "mailbox" not in state:
            state["mailbox"] = keys.email_hash(patient.email)
        return cls(
            **_practice(profile, site_id, language),
            **(_reason(profile, reason_id, language) if reason_id else {}),
            id=id,
            status=status,
            revision=0,
            start_epoch=start,
            end_epoch=end,
            units=tuple(units),
            created_at=now,
            language=language,
            patient=patient,
            source=source,
            **state,
        )

    # -- the table ---------------------------------------------------------------------------------------------------

    @classmethod
    def from_item(cls, item: Mapping[str, Any]) -> Appointment:
        """An appointment item read from the table (its keys and attributes of no field here are left out)."""
        names = {f.name for f in fields(cls)}
        values = {name: value for name, value in item.items() if name in names}
        values["units"] = tuple(int(unit) for unit in item.get("units") or ())
        values["former_days"] = tuple(sorted(item.get("former_days") or ()))
        values["patient"] = Patient.from_item(item["patient"]) if item.get("patient") else None
        values["source"] = item.get("source") or ONLINE
        values["booked_by"] = Booker.from_item(item["booked_by"]) if item.get("booked_by") else None
        return cls(**values)

    def to_item(self) -> dict[str, Any]:
        """The item's attributes (the store adds the keys): what is set, a visit reason with its label and
        instructions (null when it has none), the source when not online."""
        item: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "units":
                item["units"] = list(value)
            elif f.name == "former_days":
                if value:
                    item["former_days"] = set(value)
            elif f.name == "patient":
                if value is not None:
                    item["patient"] = value.to_item(with_empty=self.source == ONLINE)
            elif f.name == "source":
                if value != ONLINE:
                    item["source"] = value
            elif f.name == "booked_by":
                if value is not None:
                    item["booked_by"] = value.to_item()
            elif value is not None or (f.name == "instructions" and self.reason_id is not None):
                item[f.name] = value
        return item

    # -- what each audience is shown ------------------------------------------------------------------------------

    @property
    def start(self) -> datetime:
        """The start on the site's clock."""
        return datetime.fromtimestamp(self.start_epoch, ZoneInfo(self.timezone))

    @property
    def end(self) -> datetime:
        return datetime.fromtimestamp(self.end_epoch, ZoneInfo(self.timezone))

    @property
    def audit_days(self) -> tuple[str, ...]:
        """The UTC dates it started on, now and before its moves: where the agenda's audit entries naming it are."""
        return tuple(sorted({keys.audit_day(self.start_epoch), *self.former_days}))

    def occupies(self, now: int) -> bool:
        """Whether its units are taken at ``now`` (epoch seconds): booked (confirmed, or a block) or held by a hold
        still running. The same answer as its unit items give (core/units.py), which change with it in every
        transaction."""
        return _occupies(self.status, self.hold_until, now)

    @property
    def cap_counter_key(self) -> dict[str, str]:
        """The key of the cap counter this appointment counts in: its person's with its professional."""
        return keys.patient_key(self.practitioner_id, self.email, self.relative_id)

    @property
    def email(self) -> str:
        """The patient's e-mail, or "" for a block or an appointment taken by phone without one."""
        return (self.patient.email if self.patient else None) or ""

    def hold_view(self) -> HoldResponse:
        """The patient's hold, before the code confirms it."""
        return HoldResponse(
            id=self.id,
            status=self.status,  # type: ignore[arg-type]  # a hold is never a block
            practitioner=self.practitioner_id,
            site=self.site_id,
            reason=str(self.reason_id),
            start=self.start,
            end=self.end,
            hold_expires_at=datetime.fromtimestamp(int(self.hold_until or 0), ZoneInfo(self.timezone)),
            proven=bool(self.proven),
        )

    def patient_view(self) -> AppointmentView:
        """What the patient's manage page shows."""
        return AppointmentView(**self._patient_view())

    def confirmation(self, manage_token: str, email_proof: EmailProof | None = None) -> ConfirmResponse:
        """The patient's view once confirmed, with the manage token (answered this once) and, when the code
        confirmed it, the e-mail proof that code earned (core/proof.py)."""
        return ConfirmResponse(**self._patient_view(), manage_token=manage_token, email_proof=email_proof)

    def _patient_view(self) -> dict[str, Any]:
        patient = self.patient
        if patient is None:
            raise ValueError("a blocked time has no patient to show it to")
        return {
            "id": self.id,
            "status": self.status,
            "practitioner": self.practitioner_id,
            "practitioner_name": self.practitioner_name,
            "site": self.site_id,
            "site_name": self.site_name,
            "address": self.address,
            "at_home": bool(self.at_home),
            "reason": self.reason_id,
            "reason_label": self.reason_label,
            "instructions": self.instructions,
            "start": self.start,
            "end": self.end,
            "timezone": self.timezone,
            "language": self.language,
            "kept_until": datetime.fromtimestamp(self.expires_at, ZoneInfo(self.timezone)) if self.expires_at else None,
            "patient": PatientOut(
                given_name=patient.given_name,
                family_name=patient.family_name,
                email=str(patient.email),
                phone=patient.phone,
                kind=patient.kind,
            ),
            "booked_by": self.booked_by.view() if self.booked_by else None,
        }

    def manage_url(self, site_url: str, token: str) -> str:
        """The patient's link to the manage page; id and token ride in the fragment, which no server logs."""
        return f"{site_url.rstrip('/')}/{self.language}/appointment/#id={self.id}&token={token}"

    def notice(self, site_url: str, token: str | None = None) -> AppointmentNotice:
        """What the e-mails tell the patient; with ``token``, the manage link too."""
        return AppointmentNotice(
            appointment_id=self.id,
            practitioner_name=self.practitioner_name,
            reason_label=str(self.reason_label),
            start=self.start,
            end=self.end,
            timezone=self.timezone,
            site_name=self.site_name,
            address=self.address,
            instructions=self.instructions,
            manage_url=self.manage_url(site_url, token) if token else None,
            lang=self.language,
            phone=self.phone or None,
            patient_name=f"{self.patient.given_name} {self.patient.family_name}"
            if self.patient and self.booked_by
            else None,
            at_home=bool(self.at_home),
        )

    def practice_view(self, emailed: bool | None = None) -> ProAppointment:
        """The back-office's view, with the patient's details; ``emailed`` after a change that wrote to them."""
        patient = self.patient
        return ProAppointment(
            id=self.id,
            status=self.status,
            source=self.source,
            practitioner=self.practitioner_id,
            site=self.site_id,
            site_name=self.site_name or "",
            reason=self.reason_id,
            reason_label=self.reason_label,
            start=self.start,
            end=self.end,
            timezone=self.timezone,
            language=self.language or "fr",
            no_show=bool(self.no_show),
            cancelled_by=self.cancelled_by,
            patient=ProPatientOut(
                given_name=patient.given_name,
                family_name=patient.family_name,
                email=patient.email,
                phone=patient.phone,
                kind=patient.kind,
                birth_date=date.fromisoformat(patient.birth_date) if patient.birth_date else None,
            )
            if patient
            else None,
            booked_by=self.booked_by.view() if self.booked_by else None,
            emailed=emailed,
        )

    def orphan(self) -> Orphan:
        """A booked appointment a settings change leaves outside the openings."""
        return Orphan(
            id=self.id,
            start=self.start,
            end=self.end,
            site=self.site_id,
            reason=self.reason_id,
            reason_label=self.reason_label,
        )


@dataclass(frozen=True)
class AgendaLine:
    """An appointment as the back-office's agenda reads it: only what its line on the grid and its busy time need,
    read with a projection of its item (``AgendaLine.projection()``), so that a week of 200 appointments does not carry
    the practice's copied details, the units, the keys, or the patient's e-mail and phone. A field added here is
    read by the projection too; an appointment to change is read whole (``Appointment``)."""

    id: str
    status: Status
    source: Source
    start_epoch: int
    end_epoch: int
    timezone: str
    site_id: str
    reason_id: str | None = None
    reason_label: str | None = None
    no_show: bool | None = None
    hold_until: int | None = None
    given_name: str | None = None  # the patient's, from the item's ``patient`` map
    family_name: str | None = None
    kind: PatientKind | None = None
    booked_by: Booker | None = None

    PATIENT: ClassVar[tuple[str, ...]] = ("given_name", "family_name", "kind")

    @classmethod
    def projection(cls) -> tuple[str, dict[str, str]]:
        """The ``ProjectionExpression`` and ``ExpressionAttributeNames`` that read a line's attributes."""
        names = {f"#{name}": name for name in (f.name for f in fields(cls)) if name not in cls.PATIENT}
        paths = [*names, *(f"#patient.#{member}" for member in cls.PATIENT)]
        names |= {"#patient": "patient", **{f"#{member}": member for member in cls.PATIENT}}
        return ", ".join(paths), names

    @classmethod
    def from_item(cls, item: Mapping[str, Any]) -> AgendaLine:
        """A line from a projected item (or a whole one)."""
        patient = item.get("patient") or {}
        booker = item.get("booked_by")
        return cls(
            id=str(item["id"]),
            status=item["status"],
            source=item.get("source") or ONLINE,
            start_epoch=int(item["start_epoch"]),
            end_epoch=int(item["end_epoch"]),
            timezone=str(item["timezone"]),
            site_id=str(item["site_id"]),
            reason_id=item.get("reason_id"),
            reason_label=item.get("reason_label"),
            no_show=item.get("no_show"),
            hold_until=item.get("hold_until"),
            **{member: patient.get(member) for member in cls.PATIENT},
            booked_by=Booker.from_item(booker) if booker else None,
        )

    def occupies(self, now: int) -> bool:
        """As ``Appointment.occupies``."""
        return _occupies(self.status, self.hold_until, now)

    def entry(self) -> AgendaEntry:
        """The line of the agenda's answer, on its site's clock: the patient's name once the hold is confirmed."""
        named = self.status != HELD and self.given_name is not None
        zone = ZoneInfo(self.timezone)  # cached by zoneinfo: one zone object for the week's lines
        return AgendaEntry(
            id=self.id,
            status=self.status,
            source=self.source,
            start=datetime.fromtimestamp(self.start_epoch, zone),
            end=datetime.fromtimestamp(self.end_epoch, zone),
            site=self.site_id,
            reason=self.reason_id,
            reason_label=self.reason_label,
            no_show=bool(self.no_show),
            patient=AgendaPatient(given_name=self.given_name, family_name=self.family_name, kind=self.kind)  # type: ignore[arg-type]
            if named
            else None,
            booked_by=self.booked_by.view() if named and self.booked_by else None,
        )


def _occupies(status: Status, hold_until: int | None, now: int) -> bool:
    return status in (CONFIRMED, BLOCKED) or (status == HELD and int(hold_until or 0) > now)


def _practice(profile: Profile, site_id: str, language: str) -> dict[str, Any]:
    """What an appointment copies of the professional and the site when it is made."""
    site = profile.site(site_id) or {}
    return {
        "practitioner_id": profile.id,
        "site_id": site_id,
        "timezone": str(site["timezone"]),
        "patient_cap": profile.max_future_per_patient,
        "practitioner_name": profile.display_name(language),
        "site_name": str(site.get("name") or ""),
        "address": profile.address(site_id),
        "phone": str(site.get("phone") or profile.record.get("phone") or ""),
    }


def _reason(profile: Profile, reason_id: str, language: str) -> dict[str, Any]:
    """What an appointment copies of its visit reason, in the patient's language."""
    reason = profile.reason(reason_id) or {}
    return {
        "reason_id": reason_id,
        "reason_label": text_in(reason.get("label"), language) or reason_id,
        "instructions": text_in(reason.get("instructions"), language),
        "at_home": True if reason.get("at_home") else None,
    }


# -- the views' published shapes (OpenAPI) ------------------------------------------------------------------------


class HoldResponse(Reply):
    id: str
    status: PatientStatus
    practitioner: str
    site: str
    reason: str
    start: datetime
    end: datetime
    hold_expires_at: datetime = Field(description="The hold lapses then unless confirmed with the e-mailed code.")
    proven: bool = Field(
        description="true: held with an e-mail proof for the patient's address (Email-Proof header); no code was "
        "sent, confirm with the same proof. false: a 6-digit code was e-mailed."
    )


Relation = Literal["child", "partner", "parent", "other"]


class BookerOut(Reply):
    given_name: str
    family_name: str
    relation: Relation = Field(description="The patient's relation to the person who booked.")


BOOKED_BY = "null unless someone booked it for the patient from their patient space (a parent for a child...)."


class PatientOut(Reply):
    given_name: str
    family_name: str
    email: str
    phone: str | None
    kind: PatientKind


class AppointmentView(Reply):
    id: str
    status: PatientStatus
    practitioner: str
    practitioner_name: str
    site: str
    site_name: str
    address: str
    at_home: bool = Field(False, description="A home visit: the patient's home is the place, not the site's address.")
    reason: str
    reason_label: str
    instructions: str | None
    start: datetime
    end: datetime
    timezone: str
    language: Language
    kept_until: datetime | None = Field(
        description="When the portal deletes this appointment and the patient's details (the retention policy: "
        "a number of days after the appointment's end). null only for an appointment stored before the policy."
    )
    patient: PatientOut
    booked_by: BookerOut | None = Field(None, description=BOOKED_BY)


class EmailProof(Reply):
    token: str = Field(
        description="Send it as the Email-Proof header to hold and confirm times for the same e-mail address "
        "without a code, until expires_at. Keep it in the browser tab only."
    )
    expires_at: datetime


class ConfirmResponse(AppointmentView):
    manage_token: str = Field(description="Capability to show, cancel or move it (also e-mailed); keep it secret.")
    email_proof: EmailProof | None = Field(
        description="When a code confirmed the hold: a proof of the e-mail address, so that the next booking needs "
        "no code. null when a proof confirmed it."
    )


class AgendaPatient(Reply):
    given_name: str
    family_name: str
    kind: PatientKind


class AgendaEntry(Reply):
    id: str
    status: Status
    source: Source
    start: datetime
    end: datetime
    site: str
    reason: str | None
    reason_label: str | None
    no_show: bool
    patient: AgendaPatient | None = Field(description="null for a block or a hold awaiting its code.")
    booked_by: BookerOut | None = Field(None, description=BOOKED_BY)


class ProPatientOut(Reply):
    given_name: str
    family_name: str
    email: str | None
    phone: str | None
    kind: PatientKind
    birth_date: date | None = Field(None, description="Given when the patient is a relative booked for.")


class ProAppointment(Reply):
    id: str
    status: Status
    source: Source
    practitioner: str
    site: str
    site_name: str
    reason: str | None
    reason_label: str | None
    start: datetime
    end: datetime
    timezone: str
    language: Language
    no_show: bool
    cancelled_by: CancelledBy | None
    patient: ProPatientOut | None
    booked_by: BookerOut | None = Field(None, description=BOOKED_BY)
    emailed: Annotated[bool | None, Field(description="After a change: whether the patient's e-mail went out.")] = None


class Orphan(Reply):
    id: str
    start: datetime
    end: datetime
    site: str
    reason: str | None
    reason_label: str | None
