"""The booking rules: slots, holds, confirmation with a one-time code, and cancel or move with the manage token.

Pure of AWS and web: a :class:`Bookings` is given the store (core/store), a way to the mailer (core/notify.py) and
a clock.
The store's transactions make double bookings impossible; this module decides what to write and what to answer.
E-mails go out after the write has committed, and a failed e-mail never undoes it.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from ..core import ids, tokens
from ..core.appointment import (
    CANCELLED,
    CONFIRMED,
    HELD,
    Appointment,
    AppointmentView,
    Booker,
    ConfirmResponse,
    HoldResponse,
    Patient,
)
from ..core.availability import check_slot, first_free_slot, occupied_units
from ..core.concurrency import Holds, IdempotentReplay, Replay, StaleRead, Versioned
from ..core.emailaddress import canonical
from ..core.errors import (
    AlreadyConfirmed,
    HoldExpired,
    InvalidInput,
    NotConfirmed,
    NotFound,
    ProofRequired,
    TooLate,
    TooManyAppointments,
    TooManyAttempts,
    TooManyHolds,
    Unauthorized,
    Unavailable,
    WrongCode,
)
from ..core.keys import digest, network_hash
from ..core.profiles import Profile
from ..core.ratelimit import Limits
from ..core.retention import Retention
from ..core.schemas import SlotOut
from ..core.units import busy_intervals
from .schemas import HoldRequest, NextAvailableResponse, SlotsQuery, SlotsResponse

if TYPE_CHECKING:
    from ..core.notify import Mailer
    from ..core.proof import Proof
    from ..core.schemas import MoveRequest
    from ..core.store import Store
    from ..followup import FollowUp
    from .proofs import EmailProofs

logger = logging.getLogger(__name__)

HOLD_SECONDS = 600
MAX_CODE_ATTEMPTS = 5
MAX_CODE_SENDS = 3
IDEMPOTENCY_SECONDS = 86400
OPTIMISTIC_TRIES = 5
FIRST_LOOK_DAYS = 7  # next-available reads a week of units first, the whole horizon only when the week is full
NO_APPOINTMENT = "No such appointment."
TOO_BUSY = "Too many simultaneous changes; please try again."
TOO_MANY_WRONG_CODES = "Too many wrong codes for this hold; please choose a time again."
STARTED = "This appointment has started or is over; call the practice."
NO_MORE_CODES = "No more codes can be sent for this hold."
CODE_REQUIRED = "The 6-digit code from the e-mail is required (or an e-mail proof for this address)."
NETWORK_FULL = "Too many times are on hold from your network; please try again in a few minutes."
EMAIL_FULL = "This e-mail already has times on hold awaiting confirmation; confirm them or let them lapse first."
EMAIL_PROOF_REQUIRED = (
    "This e-mail address already has times waiting for their code; confirm the address first to book another."
)
NETWORK_PROOF_REQUIRED = "Several bookings from your network are waiting for their code; confirm your e-mail first."
# What an unknown appointment id is compared with, so that it costs what a wrong token on a real one costs.
DECOY = {"token_hash": tokens.token_hash("no appointment has this token"), "status": CONFIRMED}


@dataclass(frozen=True)
class Caller:
    """Who is asking: the network the viewer's address counts as (clientaddress.network: CloudFront-Viewer-Address,
    else identity.sourceIp; an IPv6 address as its /64), and the e-mail proof the request carries, if any
    (core/proof.py: an ``Email-Proof`` token, or a signed-in patient's session)."""

    network: str
    proof: Proof | None = None
    account_id: str | None = None  # a signed-in patient's account (a booking for one of its relatives)


@dataclass
class Bookings:
    store: Store
    mailer: Callable[[], Mailer | None]  # asked for when an e-mail is due (a request that sends none loads none)
    site_url: str
    limits: Limits = field(default_factory=Limits)
    retention: Retention = field(default_factory=Retention)
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    followup: Callable[[], FollowUp | None] = field(default=lambda: None)  # reminders, waiting list (followup.py)
    proofs: EmailProofs = None  # type: ignore[assignment]  # made over the same parts unless given

    def __post_init__(self) -> None:
        if self.proofs is None:
            from .proofs import EmailProofs

            self.proofs = EmailProofs(self.store, self.mailer, self.limits, self.clock)

    # -- reads -----------------------------------------------------------------------------------------------------

    def profile(self, practitioner_id: str) -> Profile:
        """The bookable profile, or the same 404 for an unknown id and a professional without online booking."""
        item = self.store.profile(practitioner_id) if ids.is_practitioner_id(practitioner_id) else None
        if item is None or not item.get("online_booking"):
            raise NotFound("No online booking for this professional.", field="practitioner")
        return Profile.from_item(item)

    def slots(self, practitioner_id: str, query: SlotsQuery) -> SlotsResponse:
        """Free slots of one reason over a window of local dates: one profile read and one Query of units."""
        profile = self.profile(practitioner_id)
        sites = [_known_site(profile, query.site)] if query.site else profile.site_ids
        now = self.clock()
        first_day = query.from_ or now.astimezone(profile.schedule(sites[0]).zone).date()
        window = profile.units_window(first_day, query.days)
        busy = busy_intervals(self.store.units(practitioner_id, *window), int(now.timestamp()))
        found = [
            SlotOut(start=slot.start, end=slot.end, site=site)
            for site, slot in profile.free_slots(query.reason, busy, first_day, query.days, now, query.patient, sites)
        ]
        schedule = profile.schedule(sites[0])
        return SlotsResponse.model_validate(
            {
                "practitioner": practitioner_id,
                "reason": query.reason,
                "from": first_day,
                "days": query.days,
                "slots": found,
                "last_day": schedule.rules.last_day(now, schedule.zone),
            }
        )

    def next_available(self, practitioner_ids: list[str], with_hours: bool = False) -> NextAvailableResponse:
        """The first free slot of each professional (any online reason, any site): one BatchGetItem, then one
        Query per professional over a week, and over the whole horizon only for those with no slot that week.
        ``with_hours`` adds each bookable professional's weekly hours in force, from the same read."""
        now = self.clock()
        now_s = int(now.timestamp())
        profiles = {
            pid: Profile.from_item(item)
            for pid, item in self.store.profiles(practitioner_ids).items()
            if item.get("online_booking")
        }
        found: dict[str, SlotOut | None] = {}
        pending = list(profiles)
        for days in (FIRST_LOOK_DAYS, None):
            if not pending:
                break
            windows = []
            for pid in pending:
                horizon = profiles[pid].record["booking_rules"]["horizon_days"] + 2
                windows.append((pid, now - timedelta(days=1), now + timedelta(days=days or horizon)))
            units = self.store.units_of_many(windows)
            still = []
            for (pid, _, end), unit_items in zip(windows, units, strict=True):
                best = _first_slot(profiles[pid], busy_intervals(unit_items, now_s), now)
                reach = best.end + timedelta(minutes=profiles[pid].buffer_minutes) if best else None
                if days is not None and (best is None or reach is None or reach > end):
                    still.append(pid)  # the week was full, or the slot's buffer reaches past what was read
                else:
                    found[pid] = best
            pending = still
        return NextAvailableResponse.model_validate(
            {
                "results": [
                    {
                        "practitioner": pid,
                        "slot": found.get(pid),
                        "hours": profiles[pid].weekly_hours if with_hours and pid in profiles else None,
                    }
                    for pid in practitioner_ids
                ]
            }
        )

    # -- hold ------------------------------------------------------------------------------------------------------

    def hold(self, request: HoldRequest, idempotency_key: str, caller: Caller) -> tuple[HoldResponse, bool]:
        """Hold a slot for HOLD_SECONDS and e-mail a one-time code, or, for a client with an e-mail proof of the
        patient's address, hold it without a code (confirm with the proof). Returns the hold and whether it is a
        replay.

        A repeated request with the same ``idempotency_key`` returns the appointment the first one created and
        writes nothing; the same key with a different request is a 422. Every check that can refuse is made before
        anything is counted, and what was counted is given back if the hold is refused after all (ratelimit.Charge).
        """
        fingerprint = digest(request.model_dump_json())
        replay = self.store.idempotency(idempotency_key)
        if replay is not None:
            return self._replay(replay, fingerprint), True
        profile = self.profile(request.practitioner)
        schedule = profile.schedule(_known_site(profile, request.site))
        now = self.clock()
        now_s = int(now.timestamp())
        slot = check_slot(schedule, request.reason, request.start, (), now, request.patient.kind)
        email = request.patient.email
        proven = caller.proof is not None and caller.proof.covers(email, now_s)
        patient, booker = self._who(request, caller, proven)
        relative_id = request.relative if booker else None
        counter = self.store.patient_appointments(profile.id, email, relative_id)
        if len(_future(counter, now_s)) >= profile.max_future_per_patient:
            raise TooManyAppointments(_cap_message(profile.max_future_per_patient), field="patient.email")
        appointment_id = tokens.new_appointment_id()
        code = None if proven else tokens.new_code()
        hold_until = now_s + HOLD_SECONDS
        appointment = Appointment.new(
            id=appointment_id,
            profile=profile,
            site_id=request.site,
            start=int(slot.start.timestamp()),
            end=int(slot.end.timestamp()),
            units=[int(u.timestamp()) for u in occupied_units(slot.start, slot.end, profile.buffer_minutes)],
            now=now_s,
            status=HELD,
            language=request.language,
            reason_id=request.reason,
            patient=patient,
            booked_by=booker,
            relative_id=relative_id,
            hold_until=hold_until,
            code_hash=tokens.code_hash(appointment_id, code) if code else None,
            code_attempts=0,
            codes_sent=0 if proven else 1,
            proven=proven,
            network_hash=network_hash(caller.network),
            expires_at=Retention.transient(hold_until),  # the table's TTL deletes a lapsed hold a day later
        )
        with self.limits.charge(self.store, now_s) as charge:
            for _ in range(OPTIMISTIC_TRIES):
                holds = self.store.email_holds(email).live(now_s)
                network = self.store.network_holds(str(appointment.network_hash)).live(now_s)
                self._room(holds, network, proven)
                if code and not charge.taken:
                    self.limits.charge_code(charge, canonical(email), caller.network)
                try:
                    self.store.hold(
                        appointment,
                        (idempotency_key, fingerprint, now_s + IDEMPOTENCY_SECONDS),
                        holds.with_hold(appointment_id, hold_until, proven),
                        network.with_hold(appointment_id, hold_until, proven),
                        now_s,
                    )
                    break
                except StaleRead:
                    continue
                except IdempotentReplay as err:  # the same key raced us and won: this request sent nothing
                    charge.refund()
                    return self._replay(err.replay, fingerprint), True
            else:
                raise Unavailable(TOO_BUSY)
        if code and (mailer := self.mailer()) is not None:
            mailer.send_code(email, code, appointment.notice(self.site_url))
        return appointment.hold_view(), False

    def _who(self, request: HoldRequest, caller: Caller, proven: bool) -> tuple[Patient, Booker | None]:
        """The patient, and who booked for them: for one of a signed-in patient's relatives, the relative is the
        patient (with a date of birth) and the account holder the booker; otherwise the patient booked."""
        if request.relative is None:
            return Patient(**request.patient.model_dump()), None
        if caller.account_id is None or not proven:
            raise Unauthorized("Sign in to book for a relative.")
        from ..patients.relatives import Relatives

        relative = Relatives(self.store, self.clock).find(caller.account_id, request.relative)
        me = request.patient
        patient = Patient(
            given_name=relative.given_name,
            family_name=relative.family_name,
            email=me.email,
            phone=me.phone,
            kind=me.kind,
            birth_date=relative.birth_date.isoformat(),
        )
        return patient, Booker(me.given_name, me.family_name, relative.relation)

    def _room(self, holds: Holds, network: Holds, proven: bool) -> None:
        """Refuse a hold when its e-mail or its network already has its share of holds awaiting confirmation
        (docs/api.md, "Limits"): a proof lifts the unproven share, never the network's total."""
        limits = self.limits
        if len(network.entries) >= limits.holds_per_network:
            raise TooManyHolds(NETWORK_FULL, field=None)
        if proven:
            if holds.proven_count >= limits.proven_holds_per_email:
                raise TooManyHolds(EMAIL_FULL, field="patient.email")
        elif holds.unproven_count >= limits.unproven_holds_per_email:
            raise ProofRequired(EMAIL_PROOF_REQUIRED, field="patient.email")
        elif network.unproven_count >= limits.unproven_holds_per_network:
            raise ProofRequired(NETWORK_PROOF_REQUIRED, field=None)

    def _replay(self, replay: Replay, fingerprint: str) -> HoldResponse:
        if replay.fingerprint != fingerprint:
            raise InvalidInput(
                "This Idempotency-Key was already used for a different request.", field="Idempotency-Key"
            )
        appointment = self.store.appointment(replay.appointment_id)
        if appointment is None:
            raise HoldExpired("The hold this request made has lapsed; please choose a time again.")
        return appointment.hold_view()

    def resend_code(self, appointment_id: str, caller: Caller) -> None:
        """A new code for a live hold (at most MAX_CODE_SENDS in all); the previous code stops working. Nothing is
        sent, and nothing counted, for a hold that can no longer be confirmed (lapsed, confirmed, cancelled, or
        locked by MAX_CODE_ATTEMPTS wrong codes)."""
        now_s = int(self.clock().timestamp())
        appointment = self.store.appointment(appointment_id) if ids.is_appointment_id(appointment_id) else None
        if appointment is None:
            raise NotFound(NO_APPOINTMENT)
        _why_no_code(appointment, now_s)
        code = tokens.new_code()
        with self.limits.charge(self.store, now_s) as charge:
            self.limits.charge_code(charge, canonical(appointment.email), caller.network, field=None)
            code_hash = tokens.code_hash(appointment_id, code)
            if not self.store.replace_code(appointment_id, code_hash, now_s, MAX_CODE_SENDS, MAX_CODE_ATTEMPTS):
                _why_no_code(self.store.appointment(appointment_id) or appointment, now_s)
                raise TooManyAttempts(NO_MORE_CODES, field=None)
        if (mailer := self.mailer()) is not None:
            mailer.send_code(appointment.email, code, appointment.notice(self.site_url))

    # -- confirm ---------------------------------------------------------------------------------------------------

    def confirm(self, appointment_id: str, code: str | None, caller: Caller) -> ConfirmResponse:
        """Confirm a hold with its code, or with an e-mail proof of the patient's address: the appointment is
        booked and its manage token returned (and e-mailed). A code also earns an e-mail proof, so that the next
        booking from the same browser needs none."""
        now_s = int(self.clock().timestamp())
        appointment = (
            self._with_proof(appointment_id, caller, now_s)
            if code is None
            else self._with_code(appointment_id, code, caller, now_s)
        )
        token = tokens.new_manage_token()
        expires_at = self.retention.appointment(appointment.end_epoch)
        for _ in range(OPTIMISTIC_TRIES):
            counter = self.store.patient_appointments(
                appointment.practitioner_id, appointment.email, appointment.relative_id
            )
            future = _future(counter, now_s)
            if len(future) >= appointment.patient_cap:
                raise TooManyAppointments(_cap_message(appointment.patient_cap), field="patient.email")
            try:
                versioned = Versioned(future, counter.version)
                self.store.confirm(appointment, tokens.token_hash(token), versioned, now_s, expires_at)
                break
            except StaleRead:
                continue
        else:
            raise Unavailable(TOO_BUSY)
        confirmed = dataclasses.replace(appointment, status=CONFIRMED, expires_at=expires_at)
        earned = self.proofs.issue(appointment.email, now_s) if code is not None else None
        if (after := self.followup()) is not None:
            after.confirmed(confirmed, token)
        if (mailer := self.mailer()) is not None:
            mailer.send_confirmation(confirmed.email, confirmed.notice(self.site_url, token))
        return confirmed.confirmation(token, earned)

    def _with_code(self, appointment_id: str, code: str, caller: Caller, now_s: int) -> Appointment:
        """The hold, once one of its code attempts is spent on ``code`` and the code is right."""
        self.limits.attempt_per_network.check(self.store, caller.network, now_s)
        if not ids.is_appointment_id(appointment_id):
            raise NotFound(NO_APPOINTMENT)
        appointment = self.store.spend_code_attempt(appointment_id, now_s, MAX_CODE_ATTEMPTS)
        if appointment is None:
            current = self.store.appointment(appointment_id)
            if current is None:
                raise NotFound(NO_APPOINTMENT)
            _why_not_held(current, now_s)
            raise TooManyAttempts(TOO_MANY_WRONG_CODES, field="code")
        if not tokens.same_hash(appointment.code_hash, tokens.code_hash(appointment_id, code)):
            left = MAX_CODE_ATTEMPTS - int(appointment.code_attempts or 0)
            if left <= 0:
                raise TooManyAttempts(TOO_MANY_WRONG_CODES, field="code")
            raise WrongCode(left)
        return appointment

    def _with_proof(self, appointment_id: str, caller: Caller, now_s: int) -> Appointment:
        """The hold, if the request's e-mail proof is for the patient's address; without a proof the code is due."""
        appointment = self.store.appointment(appointment_id) if ids.is_appointment_id(appointment_id) else None
        if appointment is None:
            raise NotFound(NO_APPOINTMENT)
        if caller.proof is None or not caller.proof.covers(appointment.email, now_s):
            raise InvalidInput(CODE_REQUIRED, field="code")
        _why_not_held(appointment, now_s)
        return appointment

    # -- manage ----------------------------------------------------------------------------------------------------

    def _authorised(self, appointment_id: str, token: str | None) -> Appointment:
        """The appointment if ``token`` is its manage token; otherwise the same 404 as an unknown id, after the same
        work: whether the id exists or not, one read of the same two small attributes and one comparison of hashes,
        so that the time of the answer does not tell a stranger which ids exist. Only the token's holder gets the
        second read, of the whole appointment."""
        secret = self.store.manage_secret(appointment_id) if ids.is_appointment_id(appointment_id) else None
        stored = secret or DECOY
        matches = tokens.same_hash(stored.get("token_hash") or DECOY["token_hash"], tokens.token_hash(token or ""))
        if secret is None or not token or stored.get("status") == HELD or not matches:
            raise NotFound(NO_APPOINTMENT)
        found = self.store.appointment(appointment_id)
        if found is None:
            raise NotFound(NO_APPOINTMENT)
        return found

    def show(self, appointment_id: str, token: str | None) -> AppointmentView:
        return self._authorised(appointment_id, token).patient_view()

    def _owned(self, appointment_id: str, mailbox: str) -> Appointment:
        """The appointment if it is listed in the patient space of ``mailbox`` (a signed-in patient's); otherwise the
        same 404 as an unknown id: another patient's appointment does not exist for this one."""
        found = self.store.appointment(appointment_id) if ids.is_appointment_id(appointment_id) else None
        if found is None or found.mailbox != mailbox or found.status == HELD:
            raise NotFound(NO_APPOINTMENT)
        return found

    def show_mine(self, appointment_id: str, mailbox: str) -> AppointmentView:
        return self._owned(appointment_id, mailbox).patient_view()

    def cancel(self, appointment_id: str, token: str | None) -> AppointmentView:
        """Cancel (idempotent: cancelling a cancelled appointment answers it again, without a second e-mail)."""
        return self._cancel(lambda: self._authorised(appointment_id, token))

    def cancel_mine(self, appointment_id: str, mailbox: str) -> AppointmentView:
        """Cancel from the patient space of ``mailbox``."""
        return self._cancel(lambda: self._owned(appointment_id, mailbox))

    def _cancel(self, find: Callable[[], Appointment]) -> AppointmentView:
        for _ in range(OPTIMISTIC_TRIES):
            appointment = find()
            if appointment.status == CANCELLED:
                return appointment.patient_view()
            now_s = int(self.clock().timestamp())
            if appointment.start_epoch <= now_s:
                raise TooLate(STARTED)
            try:
                kept = dataclasses.replace(appointment, expires_at=self.retention.appointment(appointment.end_epoch))
                self.store.cancel(kept, now_s, by="patient")
                break
            except StaleRead:
                continue
        else:
            raise Unavailable(TOO_BUSY)
        cancelled = dataclasses.replace(appointment, status=CANCELLED)
        again = after.cancelled(cancelled) if (after := self.followup()) is not None else None
        if (mailer := self.mailer()) is not None:
            mailer.send_cancellation(cancelled.email, cancelled.notice(self.site_url), "patient", book_again=again)
        return cancelled.patient_view()

    def move(self, appointment_id: str, token: str | None, request: MoveRequest) -> AppointmentView:
        """Move to another slot of the same reason and site: the new units taken and the old ones released together."""
        return self._move(lambda: self._authorised(appointment_id, token), token, request)

    def move_mine(self, appointment_id: str, mailbox: str, request: MoveRequest) -> AppointmentView:
        """Move from the patient space of ``mailbox`` (the e-mail then carries no manage link)."""
        return self._move(lambda: self._owned(appointment_id, mailbox), None, request)

    def _move(self, find: Callable[[], Appointment], token: str | None, request: MoveRequest) -> AppointmentView:
        for _ in range(OPTIMISTIC_TRIES):
            appointment = find()
            now = self.clock()
            now_s = int(now.timestamp())
            if appointment.status != CONFIRMED:
                raise NotConfirmed("A cancelled appointment cannot be moved; please book a new one.")
            if appointment.start_epoch <= now_s:
                raise TooLate(STARTED)
            profile = self.profile(appointment.practitioner_id)
            schedule = profile.schedule(appointment.site_id)
            kind = appointment.patient.kind if appointment.patient else None
            slot = check_slot(schedule, str(appointment.reason_id), request.start, (), now, kind)
            start, end = int(slot.start.timestamp()), int(slot.end.timestamp())
            if start == appointment.start_epoch:
                return appointment.patient_view()
            units = [int(u.timestamp()) for u in occupied_units(slot.start, slot.end, profile.buffer_minutes)]
            moved = dataclasses.replace(
                appointment,
                start_epoch=start,
                end_epoch=end,
                units=tuple(units),
                expires_at=self.retention.appointment(end),
            )
            counter = self.store.patient_appointments(
                appointment.practitioner_id, appointment.email, appointment.relative_id
            )
            try:
                self.store.move(appointment, moved, Versioned(_future(counter, now_s), counter.version), now_s)
                break
            except StaleRead:
                continue
        else:
            raise Unavailable(TOO_BUSY)
        if (after := self.followup()) is not None:
            after.moved(moved)
        if (mailer := self.mailer()) is not None:
            old, new = appointment.notice(self.site_url, token), moved.notice(self.site_url, token)
            mailer.send_moved(appointment.email, old, new)
        return moved.patient_view()


def _why_no_code(appointment: Appointment, now: int) -> None:
    """Raise why no new code may be sent for a hold (returns if one may)."""
    _why_not_held(appointment, now)
    if int(appointment.code_attempts or 0) >= MAX_CODE_ATTEMPTS:
        raise TooManyAttempts(TOO_MANY_WRONG_CODES, field=None)
    if int(appointment.codes_sent or 0) >= MAX_CODE_SENDS:
        raise TooManyAttempts(NO_MORE_CODES, field=None)


def _why_not_held(appointment: Appointment, now: int) -> None:
    """Raise why a hold cannot take a code any more (returns if none of these applies)."""
    if appointment.status == CONFIRMED:
        raise AlreadyConfirmed("This appointment is already confirmed.")
    if appointment.status != HELD:
        raise NotConfirmed("This appointment is cancelled.")
    if int(appointment.hold_until or 0) <= now:
        raise HoldExpired("The hold has expired; please choose a time again.")


def _known_site(profile: Profile, site_id: str | None) -> str:
    if site_id not in profile.site_ids:
        raise InvalidInput(f"Unknown practice site {site_id!r}.", field="site")
    return str(site_id)


def _future(counter: Versioned, now: int) -> dict[str, int]:
    """The counter's appointments that have not ended yet (past ones stop counting against the cap)."""
    return {k: v for k, v in counter.entries.items() if v > now}


def _cap_message(cap: int) -> str:
    return f"You already have {cap} upcoming appointment{'s' if cap > 1 else ''} with this professional."


def _first_slot(profile: Profile, busy: list[tuple[datetime, datetime]], now: datetime) -> SlotOut | None:
    best: SlotOut | None = None
    for site in profile.site_ids:
        slot = first_free_slot(profile.schedule(site), busy, now)
        if slot is not None and (best is None or slot.start.timestamp() < best.start.timestamp()):
            best = SlotOut(start=slot.start, end=slot.end, site=site)
    return best
