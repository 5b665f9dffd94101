"""The back-office's agenda: a professional's appointments by day or week, an appointment's patient details, and
what the practice does to them (cancel, move, mark a no-show, take a booking by phone, block a time).

Every method takes the signed-in :class:`~chalicelib.backoffice.auth.Principal` and checks its grant first; an
appointment or agenda the account may not see is the same 404 as one that does not exist. Each answer that shows
a patient's details is recorded in the audit log first (audit.py). Changes use the store's booking transactions,
so the practice cannot double-book either; the patient is e-mailed after the change has committed. Nothing here
logs a name, an e-mail address or a phone number.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from ..core import ids, tokens
from ..core.appointment import (
    BLOCK,
    BLOCKED,
    CANCELLED,
    CONFIRMED,
    HELD,
    PHONE,
    AgendaLine,
    Appointment,
    Patient,
    ProAppointment,
)
from ..core.availability import occupied_units
from ..core.concurrency import StaleRead, Versioned
from ..core.errors import InvalidInput, NotConfirmed, NotFound, NotStarted, SlotTaken, TooLate, Unavailable
from ..core.profiles import Profile, text_in
from ..core.retention import Retention
from ..core.schedule import MAX_LOCKED_MINUTES, MAX_WINDOW_DAYS, UNIT_MINUTES, UNIT_SECONDS
from ..core.schemas import LANGUAGES, SlotOut
from ..core.units import busy_intervals
from . import audit, grid
from .schemas import (
    AgendaQuery,
    AgendaResponse,
    BlockRequest,
    FreeTimesQuery,
    FreeTimesResponse,
    MeResponse,
    NoShowRequest,
    PhoneBookingRequest,
    PractitionerRef,
    ReasonChoice,
    SiteInfo,
)

if TYPE_CHECKING:
    from ..core.appointment import AppointmentNotice
    from ..core.notify import Mailer
    from ..core.schemas import MoveRequest
    from ..core.store import Store
    from ..followup import FollowUp
    from .auth import Principal

logger = logging.getLogger(__name__)

OPTIMISTIC_TRIES = 5
NO_APPOINTMENT = "No such appointment."
NO_PROFESSIONAL = "No such professional."
TOO_BUSY = "Too many simultaneous changes; please try again."


@dataclass
class Agenda:
    store: Store
    mailer: Callable[[], Mailer | None]  # the patients' e-mails, asked for when one is due
    site_url: str  # where the e-mails' manage links lead
    clock: Callable[[], datetime]
    retention: Retention = field(default_factory=Retention)  # when appointments and audit entries are deleted
    followup: Callable[[], FollowUp | None] = lambda: None  # reminders, waiting list (followup.py)

    # -- reads -------------------------------------------------------------------------------------------------

    def me(self, principal: Principal, lang: str) -> MeResponse:
        """The signed-in account's role and the agendas it may read, its own first."""
        profiles = self.store.profiles(sorted(principal.practitioner_ids))
        refs = []
        for practitioner_id in sorted(profiles, key=lambda pid: (pid != principal.own_practitioner_id, pid)):
            profile = Profile.from_item(profiles[practitioner_id])
            site = (profile.record.get("sites") or [{}])[0]
            refs.append(
                PractitionerRef(
                    id=practitioner_id,
                    name=profile.display_name(lang),
                    timezone=str(site.get("timezone") or "UTC"),
                    allows=principal.allows(practitioner_id),  # type: ignore[arg-type]
                )
            )
        return MeResponse(role=principal.role, own_practitioner=principal.own_practitioner_id, practitioners=refs)  # type: ignore[arg-type]

    def practice(self, principal: Principal, practitioner_id: str) -> Profile:
        """The professional's stored profile, once the account's grant for it is checked (404 otherwise)."""
        principal.require_practitioner(practitioner_id, NO_PROFESSIONAL)
        item = self.store.profile(practitioner_id)
        if item is None:
            raise NotFound(NO_PROFESSIONAL)
        return Profile.from_item(item)

    def days(self, principal: Principal, practitioner_id: str, query: AgendaQuery) -> AgendaResponse:
        """The appointments and blocks starting on ``query.days`` local dates, with what the grid shows around
        them: openings, absences, public holidays and the free times of every visit reason (grid.py). One Query of
        GSI1, from the longest appointment earlier: the appointments that occupy the window are the busy times."""
        profile = self.practice(principal, practitioner_id)
        zone = profile.home_zone
        start = datetime.combine(query.from_, time(), zone).astimezone(UTC)
        end = datetime.combine(query.from_ + timedelta(days=query.days), time(), zone).astimezone(UTC)
        now = self.clock()
        now_s = int(now.timestamp())
        earlier = timedelta(minutes=MAX_LOCKED_MINUTES + UNIT_MINUTES)  # one begun the evening before, say
        found = self.store.agenda_lines(practitioner_id, start - earlier, end)
        shown = [a for a in found if a.start_epoch >= start.timestamp() and _visible(a, now_s)]
        busy = [(_utc(a.start_epoch), _utc(a.end_epoch)) for a in found if a.occupies(now_s)]
        named = [(a.id, a.start_epoch) for a in shown if a.status != HELD and a.given_name is not None]
        audit.record_showing(self.store, principal, practitioner_id, named, at=now, retention=self.retention)
        return AgendaResponse.model_validate(
            {
                "practitioner": practitioner_id,
                "timezone": zone.key,
                "from": query.from_,
                "days": query.days,
                "appointments": [line.entry() for line in shown],
                **grid.around(profile, query.from_, query.days, busy, now),
                "sites": site_infos(profile),
                "visit_reasons": _reasons(profile),
            }
        )

    def free_times(self, principal: Principal, practitioner_id: str, query: FreeTimesQuery) -> FreeTimesResponse:
        """The next free times of a visit reason from a local date (today by default), over at most 31 days: what
        the phone-booking form suggests (one Query of units)."""
        profile = self.practice(principal, practitioner_id)
        if profile.reason(query.reason) is None:
            raise InvalidInput(f"Unknown visit reason {query.reason!r}.", field="reason")
        sites = None if query.site is None else [_site(profile, query.site)]
        now = self.clock()
        today = now.astimezone(profile.home_zone).date()
        first_day = max(query.from_ or today, today)
        slots = self._practice_slots(profile, query.reason, first_day, MAX_WINDOW_DAYS, now=now, sites=sites)
        return FreeTimesResponse.model_validate(
            {"reason": query.reason, "from": first_day, "slots": slots[: query.limit]}
        )

    def _practice_slots(
        self, profile: Profile, reason: str, first_day: date, days: int, *, now: datetime, sites: list[str] | None
    ) -> list[SlotOut]:
        units = self.store.units(profile.id, *profile.units_window(first_day, days))
        busy = busy_intervals(units, int(now.timestamp()))
        found = profile.free_slots(reason, busy, first_day, days, now, None, sites, practice=True)
        return [SlotOut(start=slot.start, end=slot.end, site=site) for site, slot in found]

    def nearest(self, profile: Profile, reason: str, site: str, wanted: int, count: int = 6) -> list[SlotOut]:
        """The ``count`` free times of ``reason`` at ``site`` nearest to ``wanted`` (epoch seconds), in time order:
        what a clash offers instead. The day asked, the one before and the next week are looked at."""
        now = self.clock()
        day = datetime.fromtimestamp(wanted, profile.home_zone).date()
        found = self._practice_slots(profile, reason, day - timedelta(days=1), 8, now=now, sites=[site])
        closest = sorted(found, key=lambda slot: abs(slot.start.timestamp() - wanted))[:count]
        return sorted(closest, key=lambda slot: slot.start.timestamp())

    def load(self, principal: Principal, appointment_id: str) -> Appointment:
        """The appointment if the account acts for its professional; otherwise the same 404 as an unknown id."""
        found = self.store.appointment(appointment_id) if ids.is_appointment_id(appointment_id) else None
        if found is None or found.status == HELD or not principal.acts_for(found.practitioner_id):
            raise NotFound(NO_APPOINTMENT)
        return found

    def show(self, principal: Principal, appointment_id: str) -> ProAppointment:
        """An appointment with its patient's details (recorded in the audit log first)."""
        appointment = self.load(principal, appointment_id)
        self._audit(principal, appointment, "read")
        return appointment.practice_view()

    # -- changes -----------------------------------------------------------------------------------------------

    def cancel(self, principal: Principal, appointment_id: str) -> ProAppointment:
        """Cancel a confirmed appointment (the patient is e-mailed) or release a block. Cancelling twice answers
        the cancelled appointment again without a second e-mail."""
        appointment = self.load(principal, appointment_id)
        self._audit(principal, appointment, "cancel")
        for _ in range(OPTIMISTIC_TRIES):
            if appointment.status == CANCELLED:
                return appointment.practice_view()
            now_s = int(self.clock().timestamp())
            if appointment.status == CONFIRMED and appointment.start_epoch <= now_s:
                raise TooLate("This appointment has started or is over; mark it as missed instead.")
            try:
                kept = dataclasses.replace(appointment, expires_at=self.retention.appointment(appointment.end_epoch))
                self.store.cancel_by_practice(kept, now_s)
                break
            except StaleRead:
                appointment = self.load(principal, appointment_id)
        else:
            raise Unavailable(TOO_BUSY)
        cancelled = dataclasses.replace(appointment, status=CANCELLED, cancelled_by="practitioner")
        again = after.cancelled(cancelled) if (after := self.followup()) is not None else None
        emailed = None
        if appointment.status == CONFIRMED:
            emailed = self._mail(
                appointment,
                lambda mailer, to: mailer.send_cancellation(
                    to, self.notice(appointment), "practitioner", book_again=again
                ),
            )
        logger.info("back-office: appointment %s cancelled by the practice", appointment_id)
        return cancelled.practice_view(emailed)

    def move(self, principal: Principal, appointment_id: str, request: MoveRequest) -> ProAppointment:
        """Move a confirmed appointment to any free time of the same length (the patient is e-mailed)."""
        appointment = self.load(principal, appointment_id)
        self._audit(principal, appointment, "move")
        for _ in range(OPTIMISTIC_TRIES):
            if appointment.status != CONFIRMED:
                raise NotConfirmed("Only a confirmed appointment can be moved.")
            now_s = int(self.clock().timestamp())
            if appointment.start_epoch <= now_s:
                raise TooLate("This appointment has started or is over.")
            start = _future_start(request.start, now_s)
            length = appointment.end_epoch - appointment.start_epoch
            if start == appointment.start_epoch:
                return appointment.practice_view()
            profile = self.practice(principal, appointment.practitioner_id)
            moved = dataclasses.replace(
                appointment,
                start_epoch=start,
                end_epoch=start + length,
                units=tuple(_units(start, start + length, profile)),
                expires_at=self.retention.appointment(start + length),
            )
            try:
                self.store.move(appointment, moved, self._counter(appointment, now_s), now_s)
                break
            except StaleRead:
                appointment = self.load(principal, appointment_id)
        else:
            raise Unavailable(TOO_BUSY)
        old = appointment
        if (after := self.followup()) is not None:
            after.moved(moved)
        emailed = self._mail(old, lambda mailer, to: mailer.send_moved(to, self.notice(old), self.notice(moved)))
        logger.info("back-office: appointment %s moved by the practice", appointment_id)
        return moved.practice_view(emailed)

    def no_show(self, principal: Principal, appointment_id: str, request: NoShowRequest) -> ProAppointment:
        """Mark (or unmark) a confirmed appointment whose start has passed as missed."""
        appointment = self.load(principal, appointment_id)
        self._audit(principal, appointment, "no_show")
        updated = self.store.set_no_show(appointment_id, request.no_show, int(self.clock().timestamp()))
        if updated is None:
            if appointment.status != CONFIRMED:
                raise NotConfirmed("Only a confirmed appointment can be marked as missed.")
            raise NotStarted("An appointment can be marked as missed once its time has come.")
        return updated.practice_view()

    def book(self, principal: Principal, practitioner_id: str, request: PhoneBookingRequest) -> ProAppointment:
        """An appointment taken by the practice (by phone): any free time, any visit reason (also phone-only ones),
        the same units and transaction as an online booking. With an e-mail, the patient gets the confirmation and
        the manage link, and the appointment counts towards their cap (which the practice may exceed)."""
        profile = self.practice(principal, practitioner_id)
        _site(profile, request.site)
        reason = profile.reason(request.reason)
        if reason is None:
            raise InvalidInput(f"Unknown visit reason {request.reason!r}.", field="reason")
        now = self.clock()
        now_s = int(now.timestamp())
        start = _future_start(request.start, now_s)
        end = start + int(reason["duration_minutes"]) * 60
        patient = Patient(**request.patient.model_dump())
        token = tokens.new_manage_token() if patient.email else None
        appointment = Appointment.new(
            id=tokens.new_appointment_id(),
            profile=profile,
            site_id=request.site,
            start=start,
            end=end,
            units=_units(start, end, profile),
            now=now_s,
            status=CONFIRMED,
            language=request.language,
            reason_id=request.reason,
            patient=patient,
            source=PHONE,
            confirmed_at=now_s,
            token_hash=tokens.token_hash(token) if token else None,
            expires_at=self.retention.appointment(end),
        )
        for _ in range(OPTIMISTIC_TRIES):
            counter = self._counter(appointment, now_s)
            try:
                self.store.book_by_practice(appointment, counter, now_s)
                break
            except StaleRead:
                continue
            except SlotTaken as taken:  # offer the nearest free times instead, in the error's own body
                alternatives = self.nearest(profile, request.reason, request.site, start)
                raise SlotTaken(taken.message, field="start", alternatives=alternatives) from None
        else:
            raise Unavailable(TOO_BUSY)
        self._audit(principal, appointment, "create")
        if (after := self.followup()) is not None:
            after.confirmed(appointment, token)
        emailed = self._mail(
            appointment, lambda mailer, to: mailer.send_confirmation(to, self.notice(appointment, token))
        )
        logger.info("back-office: appointment %s taken by the practice", appointment.id)
        return appointment.practice_view(emailed)

    def block(self, principal: Principal, practitioner_id: str, request: BlockRequest) -> ProAppointment:
        """Keep a time free of bookings (up to 8 hours; an absence covers longer). Refused if anything is booked
        or held in it."""
        profile = self.practice(principal, practitioner_id)
        _site(profile, request.site)
        now_s = int(self.clock().timestamp())
        start = _future_start(request.start, now_s)
        end = _on_unit(request.end, "end")
        if end <= start:
            raise InvalidInput("The end must be after the start.", field="end")
        if end - start > MAX_LOCKED_MINUTES * 60:
            raise InvalidInput("A blocked time is at most 8 hours; add an absence for longer.", field="end")
        units = [int(u.timestamp()) for u in occupied_units(_utc(start), _utc(end))]
        appointment = Appointment.new(
            id=tokens.new_appointment_id(),
            profile=profile,
            site_id=request.site,
            start=start,
            end=end,
            units=units,
            now=now_s,
            status=BLOCKED,
            source=BLOCK,
            expires_at=self.retention.appointment(end),  # a blocked time names no one; it goes with its day
        )
        self.store.book_by_practice(appointment, None, now_s)
        logger.info("back-office: time blocked for %s (%s)", practitioner_id, appointment.id)
        return appointment.practice_view()

    # -- helpers -------------------------------------------------------------------------------------------------

    def notice(self, appointment: Appointment, token: str | None = None) -> AppointmentNotice:
        return appointment.notice(self.site_url, token)

    def _audit(self, principal: Principal, appointment: Appointment, action: audit.Action) -> None:
        if appointment.patient:
            audit.record(
                self.store,
                principal,
                appointment.practitioner_id,
                [appointment.id],
                action=action,
                at=self.clock(),
                retention=self.retention,
            )

    def _counter(self, appointment: Appointment, now: int) -> Versioned | None:
        """The patient's cap counter as read now, its past appointments left out (None without an e-mail)."""
        if not appointment.email:
            return None
        read = self.store.patient_appointments(appointment.practitioner_id, appointment.email)
        return Versioned({k: v for k, v in read.entries.items() if v > now}, read.version)

    def _mail(self, appointment: Appointment, send: Callable[[Mailer, str], bool]) -> bool | None:
        """Send a patient e-mail if the appointment has an address; whether it went out (None: no address)."""
        mailer = self.mailer() if appointment.email else None
        return None if mailer is None else send(mailer, appointment.email)


def _visible(line: AgendaLine, now: int) -> bool:
    """What the agenda lists: appointments (cancelled ones too), live holds, and blocks still in force."""
    if line.status == HELD:
        return int(line.hold_until or 0) > now
    return not (line.status == CANCELLED and line.source == BLOCK)


def _site(profile: Profile, site_id: str) -> str:
    if profile.site(site_id) is None:
        raise InvalidInput(f"Unknown practice site {site_id!r}.", field="site")
    return site_id


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
            label={lang: text_in(reason.get("label"), lang) or str(reason["id"]) for lang in LANGUAGES},
            duration_minutes=int(reason["duration_minutes"]),
        )
        for reason in profile.record.get("visit_reasons", [])
    ]
