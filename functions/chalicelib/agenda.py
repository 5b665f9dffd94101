"""The back-office's agenda: a professional's appointments by day or week, an appointment's patient details, and
what the practice does to them (cancel, move, mark a no-show, take a booking by phone, block a time).

Every method takes the signed-in :class:`~chalicelib.auth.Principal` and checks its grant first; an appointment or
agenda the account may not see is the same 404 as one that does not exist. Each answer that shows a patient's
details is recorded in the audit log first (audit.py). Changes use the booking engine's transactions, so the
practice cannot double-book either; the patient is e-mailed after the change has committed. Nothing here logs a
name, an e-mail address or a phone number.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from . import audit, tokens
from .auth import Principal
from .availability import MAX_LOCKED_MINUTES, UNIT_SECONDS, occupied_units
from .errors import Conflict, InvalidInput, NotFound, Unavailable
from .profiles import Profile, text_in
from .proschemas import (
    AgendaEntry,
    AgendaPatient,
    AgendaQuery,
    AgendaResponse,
    BlockRequest,
    NoShowRequest,
    PhoneBookingRequest,
    ProAppointment,
    ProPatientOut,
    ReasonChoice,
    SiteInfo,
)
from .records import BLOCKED, CANCELLED, CONFIRMED, HELD, NotConfirmed, StaleRead, TooLate, Versioned
from .schemas import MoveRequest

if TYPE_CHECKING:
    from .bookings import Bookings
    from .store import Store

logger = logging.getLogger(__name__)

OPTIMISTIC_TRIES = 5
NO_APPOINTMENT = "No such appointment."
APPOINTMENT_ID = re.compile(r"[0-9a-f]{20}")


class NotStarted(Conflict):
    code = "not_started"


@dataclass
class Agenda:
    store: Store
    bookings: Bookings  # the patient e-mails (its mailer and notices)
    clock: Callable[[], datetime]

    # -- reads -------------------------------------------------------------------------------------------------

    def practice(self, principal: Principal, practitioner_id: str) -> Profile:
        """The professional's stored profile, once the account's grant for it is checked (404 otherwise)."""
        principal.require_practitioner(practitioner_id, "No such professional.")
        item = self.store.profile(practitioner_id)
        if item is None:
            raise NotFound("No such professional.")
        return Profile.from_item(item)

    def days(self, principal: Principal, practitioner_id: str, query: AgendaQuery) -> AgendaResponse:
        """The appointments and blocks starting on ``query.days`` local dates (one Query of GSI1)."""
        profile = self.practice(principal, practitioner_id)
        zone = home_zone(profile)
        start = datetime.combine(query.from_, time(), zone)
        end = datetime.combine(query.from_ + timedelta(days=query.days), time(), zone)
        now = self.clock()
        shown = [
            item
            for item in self.store.agenda(practitioner_id, start.astimezone(UTC), end.astimezone(UTC))
            if _visible(item, int(now.timestamp()))
        ]
        named = [item["id"] for item in shown if item["status"] != HELD and item.get("patient")]
        audit.record(self.store, principal, practitioner_id, named, action="list", at=now)
        return AgendaResponse.model_validate(
            {
                "practitioner": practitioner_id,
                "timezone": zone.key,
                "from": query.from_,
                "days": query.days,
                "appointments": [agenda_entry(item) for item in shown],
                "sites": site_infos(profile),
                "visit_reasons": _reasons(profile),
            }
        )

    def load(self, principal: Principal, appointment_id: str) -> dict[str, Any]:
        """The appointment if the account acts for its professional; otherwise the same 404 as an unknown id."""
        # An id from the URL is checked before it becomes a key (DynamoDB refuses keys over 2 KB with its own 400).
        item = self.store.appointment(appointment_id) if APPOINTMENT_ID.fullmatch(appointment_id) else None
        if item is None or item.get("status") == HELD or not principal.acts_for(str(item["practitioner_id"])):
            raise NotFound(NO_APPOINTMENT)
        return item

    def show(self, principal: Principal, appointment_id: str) -> ProAppointment:
        """An appointment with its patient's details (recorded in the audit log first)."""
        item = self.load(principal, appointment_id)
        self._audit(principal, item, "read")
        return pro_view(item)

    # -- changes -----------------------------------------------------------------------------------------------

    def cancel(self, principal: Principal, appointment_id: str) -> ProAppointment:
        """Cancel a confirmed appointment (the patient is e-mailed) or release a block. Cancelling twice answers
        the cancelled appointment again without a second e-mail."""
        item = self.load(principal, appointment_id)
        self._audit(principal, item, "cancel")
        for _ in range(OPTIMISTIC_TRIES):
            if item["status"] == CANCELLED:
                return pro_view(item)
            now_s = int(self.clock().timestamp())
            if item["status"] == CONFIRMED and int(item["start_epoch"]) <= now_s:
                raise TooLate("This appointment has started or is over; mark it as missed instead.")
            try:
                self.store.cancel_by_practice(item, now_s)
                break
            except StaleRead:
                item = self.load(principal, appointment_id)
        else:
            raise Unavailable("Too many simultaneous changes; please try again.")
        cancelled = {**item, "status": CANCELLED, "cancelled_by": "practitioner"}
        emailed = None
        if item["status"] == CONFIRMED:
            emailed = self._mail(
                item, lambda mailer, to: mailer.send_cancellation(to, self.notice(item), "practitioner")
            )
        logger.info("back-office: appointment %s cancelled by the practice", appointment_id)
        return pro_view(cancelled, emailed)

    def move(self, principal: Principal, appointment_id: str, request: MoveRequest) -> ProAppointment:
        """Move a confirmed appointment to any free time of the same length (the patient is e-mailed)."""
        item = self.load(principal, appointment_id)
        self._audit(principal, item, "move")
        for _ in range(OPTIMISTIC_TRIES):
            if item["status"] != CONFIRMED:
                raise NotConfirmed("Only a confirmed appointment can be moved.")
            now_s = int(self.clock().timestamp())
            if int(item["start_epoch"]) <= now_s:
                raise TooLate("This appointment has started or is over.")
            start = _future_start(request.start, now_s)
            length = int(item["end_epoch"]) - int(item["start_epoch"])
            if start == int(item["start_epoch"]):
                return pro_view(item)
            profile = self.practice(principal, str(item["practitioner_id"]))
            moved = {"start_epoch": start, "end_epoch": start + length, "units": _units(start, start + length, profile)}
            try:
                self.store.move(item, moved, now_s)
                break
            except StaleRead:
                item = self.load(principal, appointment_id)
        else:
            raise Unavailable("Too many simultaneous changes; please try again.")
        new = {**item, **moved}
        emailed = self._mail(item, lambda mailer, to: mailer.send_moved(to, self.notice(item), self.notice(new)))
        logger.info("back-office: appointment %s moved by the practice", appointment_id)
        return pro_view(new, emailed)

    def no_show(self, principal: Principal, appointment_id: str, request: NoShowRequest) -> ProAppointment:
        """Mark (or unmark) a confirmed appointment whose start has passed as missed."""
        item = self.load(principal, appointment_id)
        self._audit(principal, item, "no_show")
        updated = self.store.set_no_show(appointment_id, request.no_show, int(self.clock().timestamp()))
        if updated is None:
            if item["status"] != CONFIRMED:
                raise NotConfirmed("Only a confirmed appointment can be marked as missed.")
            raise NotStarted("An appointment can be marked as missed once its time has come.")
        return pro_view(updated)

    def book(self, principal: Principal, practitioner_id: str, request: PhoneBookingRequest) -> ProAppointment:
        """An appointment taken by the practice (by phone): any free time, any visit reason (also phone-only ones),
        the same units and transaction as an online booking. With an e-mail, the patient gets the confirmation and
        the manage link, and the appointment counts towards their cap (which the practice may exceed)."""
        profile = self.practice(principal, practitioner_id)
        site = _site(profile, request.site)
        reason = profile.reason(request.reason)
        if reason is None:
            raise InvalidInput(f"Unknown visit reason {request.reason!r}.", field="reason")
        now = self.clock()
        start = _future_start(request.start, int(now.timestamp()))
        end = start + int(reason["duration_minutes"]) * 60
        patient = {k: v for k, v in request.patient.model_dump().items() if v is not None}
        email = patient.get("email")
        token = tokens.new_manage_token() if email else None
        units = _units(start, end, profile)
        item = self._new_item(profile, site, start, end, lang=request.language, units=units, now=int(now.timestamp()))
        item.update(
            status=CONFIRMED,
            source="phone",
            reason_id=request.reason,
            reason_label=text_in(reason.get("label"), request.language) or request.reason,
            instructions=text_in(reason.get("instructions"), request.language),
            patient=patient,
            confirmed_at=int(now.timestamp()),
        )
        if token:
            item["token_hash"] = tokens.token_hash(token)
        for _ in range(OPTIMISTIC_TRIES):
            counter = None
            if email:
                read = self.store.patient_appointments(practitioner_id, email)
                counter = Versioned({k: v for k, v in read.entries.items() if v > now.timestamp()}, read.version)
            try:
                self.store.book_by_practice(item, counter, int(now.timestamp()))
                break
            except StaleRead:
                continue
        else:
            raise Unavailable("Too many simultaneous changes; please try again.")
        self._audit(principal, item, "create")
        emailed = self._mail(item, lambda mailer, to: mailer.send_confirmation(to, self.notice(item, token)))
        logger.info("back-office: appointment %s taken by the practice", item["id"])
        return pro_view(item, emailed)

    def block(self, principal: Principal, practitioner_id: str, request: BlockRequest) -> ProAppointment:
        """Keep a time free of bookings (up to 8 hours; an absence covers longer). Refused if anything is booked
        or held in it."""
        profile = self.practice(principal, practitioner_id)
        site = _site(profile, request.site)
        now_s = int(self.clock().timestamp())
        start = _future_start(request.start, now_s)
        end = _on_unit(request.end, "end")
        if end <= start:
            raise InvalidInput("The end must be after the start.", field="end")
        if end - start > MAX_LOCKED_MINUTES * 60:
            raise InvalidInput("A blocked time is at most 8 hours; add an absence for longer.", field="end")
        units = [int(u.timestamp()) for u in occupied_units(_utc(start), _utc(end))]
        item = self._new_item(profile, site, start, end, lang="fr", units=units, now=now_s)
        item.update(status=BLOCKED, source="block")
        self.store.book_by_practice(item, None, now_s)
        logger.info("back-office: time blocked for %s (%s)", practitioner_id, item["id"])
        return pro_view(item)

    # -- helpers -------------------------------------------------------------------------------------------------

    def notice(self, item: Mapping[str, Any], token: str | None = None) -> Any:
        return self.bookings.notice(item, token)

    def _audit(self, principal: Principal, item: Mapping[str, Any], action: audit.Action) -> None:
        if item.get("patient"):
            audit.record(
                self.store, principal, str(item["practitioner_id"]), [str(item["id"])], action=action, at=self.clock()
            )

    def _mail(self, item: Mapping[str, Any], send: Callable[[Any, str], bool]) -> bool | None:
        """Send a patient e-mail if the appointment has an address; whether it went out (None: no address)."""
        email = (item.get("patient") or {}).get("email")
        if not email or self.bookings.mailer is None:
            return None
        return send(self.bookings.mailer, str(email))

    def _new_item(
        self, profile: Profile, site: Mapping[str, Any], start: int, end: int, *, lang: str, units: list[int], now: int
    ) -> dict[str, Any]:
        return {
            "id": tokens.new_appointment_id(),
            "revision": 0,
            "practitioner_id": profile.id,
            "site_id": str(site["id"]),
            "timezone": str(site["timezone"]),
            "start_epoch": start,
            "end_epoch": end,
            "units": units,
            "created_at": now,
            "language": lang,
            "patient_cap": profile.max_future_per_patient,
            "practitioner_name": profile.display_name(lang),
            "site_name": str(site.get("name") or ""),
            "address": profile.address(str(site["id"])),
            "phone": str(site.get("phone") or profile.record.get("phone") or ""),
        }


def home_zone(profile: Profile) -> ZoneInfo:
    """The zone of the professional's first site: the agenda's days are its local dates."""
    sites = profile.record.get("sites") or [{}]
    return ZoneInfo(str(sites[0].get("timezone") or "UTC"))


def _visible(item: Mapping[str, Any], now: int) -> bool:
    """What the agenda lists: appointments (cancelled ones too), live holds, and blocks still in force."""
    status = item.get("status")
    if status == HELD:
        return int(item.get("hold_until") or 0) > now
    return not (status == CANCELLED and item.get("source") == "block")


def _site(profile: Profile, site_id: str) -> Mapping[str, Any]:
    site = profile.site(site_id)
    if site is None:
        raise InvalidInput(f"Unknown practice site {site_id!r}.", field="site")
    return site


def _on_unit(moment: datetime, field: str) -> int:
    seconds = moment.timestamp()
    if seconds % UNIT_SECONDS:
        raise InvalidInput("Times fall on a 5-minute boundary.", field=field)
    return int(seconds)


def _future_start(moment: datetime, now: int) -> int:
    start = _on_unit(moment, "start")
    if start <= now:
        raise InvalidInput("This time has passed.", field="start")
    return start


def _utc(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def _units(start: int, end: int, profile: Profile) -> list[int]:
    try:
        return [int(u.timestamp()) for u in occupied_units(_utc(start), _utc(end), profile.buffer_minutes)]
    except ValueError as err:  # longer than a transaction can lock
        raise InvalidInput("This appointment is too long to be booked in one piece.", field="start") from err


def _local(epoch: Any, zone: str) -> datetime:
    return datetime.fromtimestamp(int(epoch), ZoneInfo(zone))


def site_infos(profile: Profile) -> list[SiteInfo]:
    """The practice sites of a profile as the pages name them (the agenda's forms, the settings page)."""
    return [
        SiteInfo(id=str(s["id"]), name=str(s.get("name") or s.get("address") or s["id"]), timezone=str(s["timezone"]))
        for s in profile.record.get("sites", [])
    ]


def _reasons(profile: Profile) -> list[ReasonChoice]:
    return [
        ReasonChoice(
            id=str(reason["id"]),
            label={lang: text_in(reason.get("label"), lang) or str(reason["id"]) for lang in ("fr", "en")},
            duration_minutes=int(reason["duration_minutes"]),
        )
        for reason in profile.record.get("visit_reasons", [])
    ]


def agenda_entry(item: Mapping[str, Any]) -> AgendaEntry:
    patient = item.get("patient") if item.get("status") != HELD else None
    return AgendaEntry(
        id=item["id"],
        status=item["status"],
        source=item.get("source", "online"),
        start=_local(item["start_epoch"], item["timezone"]),
        end=_local(item["end_epoch"], item["timezone"]),
        site=item["site_id"],
        reason=item.get("reason_id"),
        reason_label=item.get("reason_label"),
        no_show=bool(item.get("no_show")),
        patient=AgendaPatient(
            given_name=patient["given_name"], family_name=patient["family_name"], kind=patient["kind"]
        )
        if patient
        else None,
    )


def pro_view(item: Mapping[str, Any], emailed: bool | None = None) -> ProAppointment:
    patient = item.get("patient")
    return ProAppointment(
        id=item["id"],
        status=item["status"],
        source=item.get("source", "online"),
        practitioner=item["practitioner_id"],
        site=item["site_id"],
        site_name=item.get("site_name") or "",
        reason=item.get("reason_id"),
        reason_label=item.get("reason_label"),
        start=_local(item["start_epoch"], item["timezone"]),
        end=_local(item["end_epoch"], item["timezone"]),
        timezone=item["timezone"],
        language=item.get("language") or "fr",
        no_show=bool(item.get("no_show")),
        cancelled_by=item.get("cancelled_by"),
        patient=ProPatientOut(
            given_name=patient["given_name"],
            family_name=patient["family_name"],
            email=patient.get("email"),
            phone=patient.get("phone"),
            kind=patient["kind"],
        )
        if patient
        else None,
        emailed=emailed,
    )
