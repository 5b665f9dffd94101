"""The booking rules: slots, holds, confirmation with a one-time code, and cancel or move with the manage token.

Pure of AWS and web: a :class:`Bookings` is given the store (store.py), the mailer (notify.py) and a clock. The
store's transactions make double bookings impossible; this module decides what to write and what to answer.
E-mails go out after the write has committed, and a failed e-mail never undoes it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from . import tokens
from .availability import (
    UNIT_MINUTES,
    Slot,
    check_slot,
    first_free_slot,
    free_slots,
    occupied_units,
)
from .errors import InvalidInput, NotFound, Unavailable
from .keys import digest
from .profiles import Profile, text_in
from .ratelimit import Limits
from .records import (
    CANCELLED,
    CONFIRMED,
    HELD,
    AlreadyConfirmed,
    HoldExpired,
    IdempotentReplay,
    NotConfirmed,
    Replay,
    StaleRead,
    TooLate,
    TooManyAppointments,
    TooManyAttempts,
    TooManyHolds,
    Versioned,
    WrongCode,
    busy_intervals,
)
from .schemas import (
    AppointmentView,
    ConfirmResponse,
    HoldRequest,
    HoldResponse,
    MoveRequest,
    NextAvailableResponse,
    PatientOut,
    SlotOut,
    SlotsQuery,
    SlotsResponse,
)

if TYPE_CHECKING:
    from .notify import AppointmentNotice, Mailer
    from .store import Store

logger = logging.getLogger(__name__)

HOLD_SECONDS = 600
MAX_CODE_ATTEMPTS = 5
MAX_CODE_SENDS = 3
IDEMPOTENCY_SECONDS = 86400
OPTIMISTIC_TRIES = 5
FIRST_LOOK_DAYS = 7  # next-available reads a week of units first, the whole horizon only when the week is full
ZONE_MARGIN = timedelta(hours=15)
# Ids from URLs are checked before they become keys (DynamoDB refuses keys over 2 KB with a 400 of its own).
PRACTITIONER_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")
APPOINTMENT_ID = re.compile(r"[0-9a-f]{20}")  # any UTC offset (-12 to +14) around a window of local dates


@dataclass(frozen=True)
class Caller:
    """Who is asking: the viewer's address (CloudFront-Viewer-Address, else identity.sourceIp; clientaddress.py)."""

    address: str


@dataclass
class Bookings:
    store: Store
    mailer: Mailer | None
    site_url: str
    limits: Limits = field(default_factory=Limits)
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))

    # -- reads -----------------------------------------------------------------------------------------------------

    def profile(self, practitioner_id: str) -> Profile:
        """The bookable profile, or the same 404 for an unknown id and a professional without online booking."""
        item = self.store.profile(practitioner_id) if PRACTITIONER_ID.fullmatch(practitioner_id) else None
        if item is None or not item.get("online_booking"):
            raise NotFound("No online booking for this professional.", field="practitioner")
        return Profile.from_item(item)

    def slots(self, practitioner_id: str, query: SlotsQuery) -> SlotsResponse:
        """Free slots of one reason over a window of local dates: one profile read and one Query of units."""
        profile = self.profile(practitioner_id)
        sites = [_known_site(profile, query.site)] if query.site else profile.site_ids
        now = self.clock()
        first_day = query.from_ or now.astimezone(profile.schedule(sites[0]).zone).date()
        margin = ZONE_MARGIN + timedelta(minutes=profile.buffer_minutes + UNIT_MINUTES)
        window_start = datetime.combine(first_day, time(), UTC) - margin
        window_end = datetime.combine(first_day + timedelta(days=query.days), time(), UTC) + margin
        busy = busy_intervals(self.store.units(practitioner_id, window_start, window_end), int(now.timestamp()))
        found = [
            SlotOut(start=slot.start, end=slot.end, site=site)
            for site in sites
            for slot in free_slots(
                profile.schedule(site), query.reason, busy, first_day, query.days, now, query.patient
            )
        ]
        # By instant: two starts in one zone compare by clock time, and the autumn's repeated hour would misorder.
        found.sort(key=lambda s: (s.start.timestamp(), s.site))
        return SlotsResponse.model_validate(
            {
                "practitioner": practitioner_id,
                "reason": query.reason,
                "from": first_day,
                "days": query.days,
                "slots": found,
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
        """Hold a slot for HOLD_SECONDS and e-mail a one-time code. Returns the hold and whether it is a replay.

        A repeated request with the same ``idempotency_key`` returns the appointment the first one created and
        writes nothing; the same key with a different request is a 422.
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
        self.limits.code_per_address.check(self.store, caller.address, now_s)
        self.limits.code_per_email.check(self.store, email.lower(), now_s)
        if len(_future(self.store.patient_appointments(profile.id, email), now_s)) >= profile.max_future_per_patient:
            raise TooManyAppointments(_cap_message(profile.max_future_per_patient), field="patient.email")
        code = tokens.new_code()
        appointment = self._new_appointment(request, profile, slot, code, now_s)
        for _ in range(OPTIMISTIC_TRIES):
            holds = self.store.email_holds(email)
            live = {k: v for k, v in holds.entries.items() if v > now_s}
            if len(live) >= self.limits.open_holds_per_email:
                raise TooManyHolds(
                    "This e-mail already has times on hold awaiting their code; confirm or let them lapse first.",
                    field="patient.email",
                )
            try:
                self.store.hold(
                    appointment,
                    (idempotency_key, fingerprint, now_s + IDEMPOTENCY_SECONDS),
                    Versioned(live, holds.version),
                    now_s,
                )
                break
            except StaleRead:
                continue
            except IdempotentReplay as err:  # the same key raced us and won
                return self._replay(err.replay, fingerprint), True
        else:
            raise Unavailable("Too many simultaneous changes; please try again.")
        if self.mailer is not None:
            self.mailer.send_code(email, code, self._notice(appointment))
        return _hold_response(appointment), False

    def _new_appointment(
        self, request: HoldRequest, profile: Profile, slot: Slot, code: str, now: int
    ) -> dict[str, Any]:
        lang = request.language
        appointment_id = tokens.new_appointment_id()
        reason = profile.reason(request.reason) or {}
        site = profile.site(request.site) or {}
        return {
            "id": appointment_id,
            "status": HELD,
            "revision": 0,
            "practitioner_id": profile.id,
            "site_id": request.site,
            "reason_id": request.reason,
            "timezone": str(site["timezone"]),
            "start_epoch": int(slot.start.timestamp()),
            "end_epoch": int(slot.end.timestamp()),
            "units": [int(u.timestamp()) for u in occupied_units(slot.start, slot.end, profile.buffer_minutes)],
            "hold_until": now + HOLD_SECONDS,
            "code_hash": tokens.code_hash(appointment_id, code),
            "code_attempts": 0,
            "codes_sent": 1,
            "created_at": now,
            "expires_at": now + HOLD_SECONDS + 86400,
            "language": lang,
            "patient": request.patient.model_dump(),
            "patient_cap": profile.max_future_per_patient,
            "practitioner_name": profile.display_name(lang),
            "site_name": str(site.get("name") or ""),
            "address": profile.address(request.site),
            "phone": str(site.get("phone") or profile.record.get("phone") or ""),
            "reason_label": text_in(reason.get("label"), lang) or request.reason,
            "instructions": text_in(reason.get("instructions"), lang),
        }

    def _replay(self, replay: Replay, fingerprint: str) -> HoldResponse:
        if replay.fingerprint != fingerprint:
            raise InvalidInput(
                "This Idempotency-Key was already used for a different request.", field="Idempotency-Key"
            )
        item = self.store.appointment(replay.appointment_id)
        if item is None:
            raise HoldExpired("The hold this request made has lapsed; please choose a time again.")
        return _hold_response(item)

    def resend_code(self, appointment_id: str, caller: Caller) -> None:
        """A new code for a live hold (at most MAX_CODE_SENDS in all); the previous code stops working."""
        now_s = int(self.clock().timestamp())
        self.limits.code_per_address.check(self.store, caller.address, now_s)
        item = self.store.appointment(appointment_id) if APPOINTMENT_ID.fullmatch(appointment_id) else None
        if item is None:
            raise NotFound("No such appointment.")
        self.limits.code_per_email.check(self.store, str(item["patient"]["email"]).lower(), now_s)
        code = tokens.new_code()
        if not self.store.replace_code(appointment_id, tokens.code_hash(appointment_id, code), now_s, MAX_CODE_SENDS):
            current = self.store.appointment(appointment_id) or item
            self._why_not_held(current, now_s)
            raise TooManyAttempts("No more codes can be sent for this hold.", field=None)
        if self.mailer is not None:
            self.mailer.send_code(str(item["patient"]["email"]), code, self._notice(item))

    # -- confirm ---------------------------------------------------------------------------------------------------

    def confirm(self, appointment_id: str, code: str, caller: Caller) -> ConfirmResponse:
        """Confirm a hold with its code: the appointment is booked and its manage token returned (and e-mailed)."""
        now_s = int(self.clock().timestamp())
        self.limits.attempt_per_address.check(self.store, caller.address, now_s)
        if not APPOINTMENT_ID.fullmatch(appointment_id):
            raise NotFound("No such appointment.")
        item = self.store.spend_code_attempt(appointment_id, now_s, MAX_CODE_ATTEMPTS)
        if item is None:
            current = self.store.appointment(appointment_id)
            if current is None:
                raise NotFound("No such appointment.")
            self._why_not_held(current, now_s)
            raise TooManyAttempts("Too many wrong codes for this hold; please choose a time again.", field="code")
        self.limits.attempt_per_email.check(self.store, str(item["patient"]["email"]).lower(), now_s)
        if not tokens.same_hash(item.get("code_hash"), tokens.code_hash(appointment_id, code)):
            left = MAX_CODE_ATTEMPTS - int(item["code_attempts"])
            if left <= 0:
                raise TooManyAttempts("Too many wrong codes for this hold; please choose a time again.", field="code")
            raise WrongCode(left)
        token = tokens.new_manage_token()
        for _ in range(OPTIMISTIC_TRIES):
            counter = self.store.patient_appointments(item["practitioner_id"], item["patient"]["email"])
            future = _future(counter, now_s)
            if len(future) >= int(item["patient_cap"]):
                raise TooManyAppointments(_cap_message(int(item["patient_cap"])), field="patient.email")
            try:
                self.store.confirm(item, tokens.token_hash(token), Versioned(future, counter.version), now_s)
                break
            except StaleRead:
                continue
        else:
            raise Unavailable("Too many simultaneous changes; please try again.")
        item = {**item, "status": CONFIRMED}
        if self.mailer is not None:
            self.mailer.send_confirmation(str(item["patient"]["email"]), self._notice(item, token))
        return ConfirmResponse(**_view(item).model_dump(), manage_token=token)

    def _why_not_held(self, item: Mapping[str, Any], now: int) -> None:
        """Raise why a hold cannot take a code any more (returns if none of these applies)."""
        if item.get("status") == CONFIRMED:
            raise AlreadyConfirmed("This appointment is already confirmed.")
        if item.get("status") != HELD:
            raise NotConfirmed("This appointment is cancelled.")
        if int(item["hold_until"]) <= now:
            raise HoldExpired("The hold has expired; please choose a time again.")

    # -- manage ----------------------------------------------------------------------------------------------------

    def _authorised(self, appointment_id: str, token: str | None) -> dict[str, Any]:
        """The appointment if ``token`` is its manage token; otherwise the same 404 as an unknown id."""
        item = self.store.appointment(appointment_id) if token and APPOINTMENT_ID.fullmatch(appointment_id) else None
        if (
            item is None
            or item.get("status") == HELD
            or not tokens.same_hash(item.get("token_hash"), tokens.token_hash(token or ""))
        ):
            raise NotFound("No such appointment.")
        return item

    def show(self, appointment_id: str, token: str | None) -> AppointmentView:
        return _view(self._authorised(appointment_id, token))

    def cancel(self, appointment_id: str, token: str | None) -> AppointmentView:
        """Cancel (idempotent: cancelling a cancelled appointment answers it again, without a second e-mail)."""
        for _ in range(OPTIMISTIC_TRIES):
            item = self._authorised(appointment_id, token)
            if item["status"] == CANCELLED:
                return _view(item)
            now_s = int(self.clock().timestamp())
            if int(item["start_epoch"]) <= now_s:
                raise TooLate("This appointment has started or is over; call the practice.")
            try:
                self.store.cancel(item, now_s, by="patient")
                break
            except StaleRead:
                continue
        else:
            raise Unavailable("Too many simultaneous changes; please try again.")
        item = {**item, "status": CANCELLED}
        if self.mailer is not None:
            self.mailer.send_cancellation(str(item["patient"]["email"]), self._notice(item), "patient")
        return _view(item)

    def move(self, appointment_id: str, token: str | None, request: MoveRequest) -> AppointmentView:
        """Move to another slot of the same reason and site: the new units taken and the old ones released together."""
        for _ in range(OPTIMISTIC_TRIES):
            item = self._authorised(appointment_id, token)
            now = self.clock()
            now_s = int(now.timestamp())
            if item["status"] != CONFIRMED:
                raise NotConfirmed("A cancelled appointment cannot be moved; please book a new one.")
            if int(item["start_epoch"]) <= now_s:
                raise TooLate("This appointment has started or is over; call the practice.")
            profile = self.profile(item["practitioner_id"])
            schedule = profile.schedule(item["site_id"])
            slot = check_slot(schedule, item["reason_id"], request.start, (), now, item["patient"].get("kind"))
            start, end = int(slot.start.timestamp()), int(slot.end.timestamp())
            if start == int(item["start_epoch"]):
                return _view(item)
            units = [int(u.timestamp()) for u in occupied_units(slot.start, slot.end, profile.buffer_minutes)]
            moved = {"start_epoch": start, "end_epoch": end, "units": units}
            try:
                self.store.move(item, moved, now_s)
                break
            except StaleRead:
                continue
        else:
            raise Unavailable("Too many simultaneous changes; please try again.")
        new = {**item, **moved}
        if self.mailer is not None:
            email = str(item["patient"]["email"])
            self.mailer.send_moved(email, self._notice(item, token), self._notice(new, token))
        return _view(new)

    # -- e-mails ---------------------------------------------------------------------------------------------------

    def manage_url(self, item: Mapping[str, Any], token: str) -> str:
        """The patient's link to the manage page; id and token ride in the fragment, which no server logs."""
        return f"{self.site_url.rstrip('/')}/{item['language']}/appointment/#id={item['id']}&token={token}"

    def notice(self, item: Mapping[str, Any], token: str | None = None) -> AppointmentNotice:
        """The e-mail notice of a stored appointment (the back-office e-mails patients with it too)."""
        return self._notice(item, token)

    def _notice(self, item: Mapping[str, Any], token: str | None = None) -> AppointmentNotice:
        from .notify import AppointmentNotice

        zone = ZoneInfo(item["timezone"])
        return AppointmentNotice(
            appointment_id=item["id"],
            practitioner_name=item["practitioner_name"],
            reason_label=item["reason_label"],
            start=datetime.fromtimestamp(int(item["start_epoch"]), zone),
            end=datetime.fromtimestamp(int(item["end_epoch"]), zone),
            timezone=item["timezone"],
            site_name=item["site_name"],
            address=item["address"],
            instructions=item.get("instructions"),
            manage_url=self.manage_url(item, token) if token else None,
            lang=item["language"],
            phone=item.get("phone") or None,
        )


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


def _local(epoch: Any, timezone: str) -> datetime:
    return datetime.fromtimestamp(int(epoch), ZoneInfo(timezone))


def _hold_response(item: Mapping[str, Any]) -> HoldResponse:
    zone = item["timezone"]
    return HoldResponse(
        id=item["id"],
        status=item["status"],
        practitioner=item["practitioner_id"],
        site=item["site_id"],
        reason=item["reason_id"],
        start=_local(item["start_epoch"], zone),
        end=_local(item["end_epoch"], zone),
        hold_expires_at=_local(item["hold_until"], zone),
    )


def _view(item: Mapping[str, Any]) -> AppointmentView:
    zone = item["timezone"]
    patient = item["patient"]
    return AppointmentView(
        id=item["id"],
        status=item["status"],
        practitioner=item["practitioner_id"],
        practitioner_name=item["practitioner_name"],
        site=item["site_id"],
        site_name=item["site_name"],
        address=item["address"],
        reason=item["reason_id"],
        reason_label=item["reason_label"],
        instructions=item.get("instructions"),
        start=_local(item["start_epoch"], zone),
        end=_local(item["end_epoch"], zone),
        timezone=zone,
        language=item["language"],
        patient=PatientOut(
            given_name=patient["given_name"],
            family_name=patient["family_name"],
            email=patient["email"],
            phone=patient.get("phone"),
            kind=patient["kind"],
        ),
    )
