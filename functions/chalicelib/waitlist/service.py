"""The waiting list: a patient with a proven e-mail asks to be told of a time for a reason and site before a
date; when a time frees, the first patient waiting for it gets it held for them alone, for OFFER_MINUTES.

Fair by construction (docs/notifications.md says why in full): the queue is ordered by the millisecond the
server saw the e-mail proven, and nothing a client sends changes that order; a request needs a code e-mailed to
its address, and an address has at most MAX_ENTRIES entries and one open offer at a time; entries end at their
date; the offered time is held in the same transaction that marks the entry offered, for that patient alone (only
the token in their offer opens it); and no answer of the API tells a position, nor which time will be offered.
Times free when appointments are cancelled or moved (at once, from those requests), when holds and offers lapse
or openings are added (each scheduled pass, and at once after a settings save). A time is offered only if it was
not already free when the patient joined (they saw it and did not want it) and they have not let it pass before.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from ..core import ids, keys, tokens
from ..core.appointment import CONFIRMED, HELD, Appointment, ConfirmResponse, Patient
from ..core.availability import occupied_units
from ..core.concurrency import StaleRead, Versioned
from ..core.errors import (
    AlreadyConfirmed,
    Conflict,
    HoldExpired,
    InvalidInput,
    NotFound,
    SlotTaken,
    TooManyAppointments,
    TooManyAttempts,
    TooManyHolds,
    Unavailable,
    WrongCode,
)
from ..core.profiles import Profile, text_in
from ..core.ratelimit import Limits
from ..core.schemas import LANGUAGES
from ..core.sms import mobile_e164
from ..core.units import busy_intervals
from .proof import Proof
from .schemas import OfferDeclined, OfferView, WaitingCount, WaitJoined, WaitRequest, WaitRequested

if TYPE_CHECKING:
    from ..core.notify import Mailer, WaitNotice
    from ..core.sms import Texter
    from ..core.store import Store
    from ..followup import FollowUp

logger = logging.getLogger(__name__)

OFFER_MINUTES = 15
REQUEST_SECONDS = 600  # the e-mailed code's life, as a hold's
MAX_ATTEMPTS = 5
MAX_ENTRIES = 3  # live entries per e-mail, every professional together
MAX_DAYS_AHEAD = 90
MAX_SEEN = 300  # free times already there when joining, never offered; more: choose one of them instead
LOOKBACK_HOURS = 6
TRIES = 5
NO_OFFER = "No such offer."


@dataclass(frozen=True)
class SweepReport:
    lapsed: int = 0
    offered: int = 0
    practices: int = 0


@dataclass
class Waitlist:
    store: Store
    mailer: Callable[[], Mailer | None]
    texter: Callable[[], Texter | None]
    proof: Proof
    site_url: str
    phone_region: str
    brand: str
    limits: Limits = field(default_factory=Limits)
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    followup: Callable[[], FollowUp | None] = field(default=lambda: None)

    # -- joining -----------------------------------------------------------------------------------------------

    def request(self, body: WaitRequest, address: str) -> WaitRequested:
        """Check the request, note the free times there are now (never offered), and e-mail the code."""
        profile = self._profile(body.practitioner)
        site = profile.site(body.site)
        if site is None:
            raise InvalidInput(f"Unknown practice site {body.site!r}.", field="site")
        reason = profile.reason(body.reason)
        if reason is None or not reason.get("online"):
            raise InvalidInput(f"Unknown visit reason {body.reason!r} at this site.", field="reason")
        now = self.clock()
        now_s = int(now.timestamp())
        zone = ZoneInfo(str(site["timezone"]))
        today = now.astimezone(zone).date()
        if not today <= body.before <= today + timedelta(days=MAX_DAYS_AHEAD):
            raise InvalidInput(f"Choose a date from today to {MAX_DAYS_AHEAD} days ahead.", field="before")
        email = body.patient.email
        self.limits.code_per_address.check(self.store, address, now_s)
        self.limits.code_per_email.check(self.store, email.lower(), now_s)
        seen = [
            int(s.start.timestamp())
            for s in self._free(
                profile,
                site=body.site,
                reason=body.reason,
                kind=body.patient.kind,
                first=today,
                before=body.before,
                now=now,
            )
        ]
        if len(seen) > MAX_SEEN:
            raise Conflict(
                "Many times are free before this date: choose one of them, or an earlier date.", field="before"
            )
        request_id = tokens.new_appointment_id()
        stored = self.proof.send(request_id, email, self._notice(request_id, profile, body, zone))
        self.store.put_item(
            {
                **keys.wait_request_key(request_id),
                "practitioner_id": profile.id,
                "site": body.site,
                "reason": body.reason,
                "before": body.before.isoformat(),
                "before_epoch": int(datetime.combine(body.before + timedelta(days=1), time(), zone).timestamp()),
                "patient": Patient(**body.patient.model_dump()).to_item(with_empty=False),
                "email": email,
                "language": body.language,
                "seen": seen,
                "code_hash": stored,
                "code_until": now_s + REQUEST_SECONDS,
                "code_attempts": 0,
                "expires_at": now_s + REQUEST_SECONDS + 86400,
            }
        )
        return WaitRequested(
            id=request_id, status="code_sent", code_expires_at=datetime.fromtimestamp(now_s + REQUEST_SECONDS, zone)
        )

    def prove(self, request_id: str, code: str, address: str) -> WaitJoined:
        """The code entered: the request takes its place in the queue, as of now."""
        now = self.clock()
        now_s = int(now.timestamp())
        self.limits.attempt_per_address.check(self.store, address, now_s)
        if not ids.is_appointment_id(request_id):
            raise NotFound("No such request.")
        key = keys.wait_request_key(request_id)
        request = self.store.spend_attempt(key, now_s, MAX_ATTEMPTS)
        if request is None:
            if self.store.get_item(key) is None:
                raise NotFound("No such request, or it is already on the waiting list.")
            raise TooManyAttempts("This code has expired or was tried too often; please ask again.", field="code")
        if not self.proof.check(request_id, str(request.get("code_hash")), code):
            left = MAX_ATTEMPTS - int(request.get("code_attempts") or 0)
            if left <= 0:
                raise TooManyAttempts("Too many wrong codes; please ask again.", field="code")
            raise WrongCode(left)
        email = str(request["email"])
        position = int(now.timestamp() * 1000)
        entry = {
            **keys.wait_key(str(request["practitioner_id"]), position, request_id),
            **{k: v for k, v in request.items() if k not in ("PK", "SK", "code_hash", "code_until", "code_attempts")},
            "id": request_id,
            "state": "waiting",
            "joined_at": now_s,
            "position": position,
            "expires_at": int(request["before_epoch"]) + 86400,
        }
        for _ in range(TRIES):
            item = self.store.get_item(keys.email_waitlist_key(email)) or {}
            live = {k: v for k, v in dict(item.get("entries") or {}).items() if v > now_s}
            if len(live) >= MAX_ENTRIES:
                raise TooManyHolds(
                    f"This e-mail is already on {MAX_ENTRIES} waiting lists; wait for one of them to end.",
                    field="patient.email",
                )
            kept: dict[str, Any] = {k: item[k] for k in ("offer_until", "offer_id") if k in item}
            cap = Versioned({**live, request_id: int(entry["expires_at"])}, int(item.get("version") or 0))
            try:
                self.store.join_waitlist(key, entry, cap, email, kept)
                break
            except StaleRead:
                continue
        else:
            raise Unavailable("Too many simultaneous changes; please try again.")
        self.offer_for(str(request["practitioner_id"]), now)
        return WaitJoined(
            id=request_id,
            status="waiting",
            practitioner=str(request["practitioner_id"]),
            site=str(request["site"]),
            reason=str(request["reason"]),
            before=date.fromisoformat(str(request["before"])),
        )

    # -- offers ------------------------------------------------------------------------------------------------

    def offer_for(
        self, practitioner_id: str, now: datetime | None = None, resting: frozenset[str] = frozenset()
    ) -> int:
        """Offer the times now free to the first patients waiting for them; how many offers were made. Entries in
        ``resting`` (their offer has just lapsed or been declined) wait for the next pass: the time they let go
        goes to the next patient, not back to them in another form."""
        now = now or self.clock()
        now_s = int(now.timestamp())
        read_at = int(self.clock().timestamp() * 1000)
        entries = self.store.query_partition(keys.wait_partition(practitioner_id))
        live = [
            e for e in entries if int(e.get("before_epoch", 0)) > now_s and e.get("state") in ("waiting", "offered")
        ]
        if not live:  # nobody waits: the pass stops visiting, unless someone joined since the entries were read
            self.store.delete_unless_updated(keys.waiting_practice_key(practitioner_id), read_at)
            return 0
        waiting = [e for e in live if e.get("state") == "waiting" and e["SK"] not in resting]
        if not waiting:
            return 0
        item = self.store.profile(practitioner_id)
        if item is None or not item.get("online_booking"):
            return 0
        profile = Profile.from_item(item)
        last = max(int(e["before_epoch"]) for e in waiting)
        window = profile.units_window(
            now.date() - timedelta(days=1), (datetime.fromtimestamp(last, UTC).date() - now.date()).days + 3
        )
        busy = busy_intervals(self.store.units(practitioner_id, *window), now_s)
        offered = 0
        for entry in waiting:
            zone = ZoneInfo(str((profile.site(str(entry["site"])) or {}).get("timezone") or "UTC"))
            skip = {int(s) for s in entry.get("seen") or []} | {int(s) for s in entry.get("passed") or []}
            patient = entry.get("patient") or {}
            before = date.fromisoformat(str(entry["before"]))
            for slot in self._free(
                profile,
                site=str(entry["site"]),
                reason=str(entry["reason"]),
                kind=patient.get("kind"),
                first=now.astimezone(zone).date(),
                before=before,
                now=now,
                busy=busy,
            ):
                if int(slot.start.timestamp()) in skip:
                    continue
                try:
                    made = self._offer(profile, entry, slot.start, slot.end, now)
                except SlotTaken:
                    continue
                if made:
                    offered += 1
                    busy.append((slot.start, slot.end + timedelta(minutes=profile.buffer_minutes)))
                break
        return offered

    def _offer(self, profile: Profile, entry: dict[str, Any], start: datetime, end: datetime, now: datetime) -> bool:
        now_s = int(now.timestamp())
        until = now_s + OFFER_MINUTES * 60
        offer_id = tokens.new_appointment_id()
        token = tokens.new_manage_token()
        email = str(entry["email"])
        appointment = Appointment.new(
            id=offer_id,
            profile=profile,
            site_id=str(entry["site"]),
            start=int(start.timestamp()),
            end=int(end.timestamp()),
            units=[int(u.timestamp()) for u in occupied_units(start, end, profile.buffer_minutes)],
            now=now_s,
            status=HELD,
            language=entry.get("language") or "fr",
            reason_id=str(entry["reason"]),
            patient=Patient.from_item(entry["patient"]),
            hold_until=until,
            code_attempts=0,
            codes_sent=0,
            expires_at=until + 86400,
        )
        lapse = {
            **keys.lapse_key(datetime.fromtimestamp(until, UTC), offer_id),
            "appointment_id": offer_id,
            "practitioner_id": profile.id,
            "entry": {"PK": entry["PK"], "SK": entry["SK"]},
            "email": email,
            "start_epoch": appointment.start_epoch,
            "expires_at": until + 7 * 86400,
        }
        for _ in range(TRIES):
            holds = self.store.email_holds(email)
            live = Versioned({k: v for k, v in holds.entries.items() if v > now_s}, holds.version)
            try:
                if not self.store.offer(
                    appointment, entry, live, lapse, now_s, offer_hash=tokens.code_hash(offer_id, token)
                ):
                    return False
                break
            except StaleRead:
                continue
        else:
            return False
        link = f"{self.site_url.rstrip('/')}/{appointment.language}/appointment/#id={offer_id}&offer={token}"
        if (mailer := self.mailer()) is not None:
            mailer.send_offer(
                email, appointment.notice(self.site_url), accept_url=link, until=datetime.fromtimestamp(until, UTC)
            )
        self._text(appointment, link, until)
        logger.info("waiting list: time offered to entry %s (%s)", entry.get("id"), offer_id)
        return True

    def _text(self, appointment: Appointment, link: str, until: int) -> None:
        texter = self.texter()
        number = mobile_e164(appointment.patient.phone if appointment.patient else None, self.phone_region)
        if texter is None or number is None or not self.store.get_item(keys.phone_proof_key(appointment.email, number)):
            return
        from ..core.notify import local_time, sms_text

        when = local_time(appointment.start, appointment.timezone, appointment.language)
        limit = local_time(datetime.fromtimestamp(until, UTC), appointment.timezone, appointment.language)
        text = sms_text(
            "offer",
            appointment.language,
            brand=self.brand,
            practitioner=appointment.practitioner_name,
            date=when.date,
            time=when.time,
            until=limit.time,
            link=link,
        )
        texter.send(number, text, "offer", appointment.id)

    # -- the scheduled pass ------------------------------------------------------------------------------------

    def sweep(self, now: datetime | None = None) -> SweepReport:
        """Lapsed offers go back to their entries (the time passes to the next patient), then every professional
        with patients waiting is offered what is free now."""
        now = now or self.clock()
        hour = now.replace(minute=0, second=0, microsecond=0)
        resting: set[str] = set()
        for back in range(LOOKBACK_HOURS, -1, -1):
            partition = keys.lapse_partition(hour - timedelta(hours=back))
            for item in self.store.query_partition(partition, keys.due_bound(now)):
                if (entry := self._lapse(item)) is not None:
                    resting.add(entry)
        practices = [str(i["practitioner_id"]) for i in self.store.query_partition(keys.WAITLIST)]
        offered = sum(self.offer_for(pid, now, frozenset(resting)) for pid in practices)
        return SweepReport(lapsed=len(resting), offered=offered, practices=len(practices))

    def _lapse(self, item: dict[str, Any]) -> str | None:
        """An offer whose time is up goes back to its entry (the time it offered never again); the entry's key."""
        claimed = self.store.claim(item)
        if claimed is None:
            return None
        offer_id = str(claimed["appointment_id"])
        self.store.settle_entry(claimed["entry"], offer_id, "waiting", int(claimed["start_epoch"]))
        self.store.end_offer(str(claimed["email"]), offer_id)
        logger.info("waiting list: offer %s lapsed", offer_id)
        return str(claimed["entry"]["SK"])

    # -- the patient's answer ----------------------------------------------------------------------------------

    def _offered(self, offer_id: str, token: str | None) -> Appointment:
        item = (
            self.store.get_item(keys.appointment_key(offer_id)) if token and ids.is_appointment_id(offer_id) else None
        )
        if item is None or not tokens.same_hash(item.get("offer_hash"), tokens.code_hash(offer_id, token or "")):
            raise NotFound(NO_OFFER)
        return Appointment.from_item(item)

    def show(self, offer_id: str, token: str | None) -> OfferView:
        offer = self._offered(offer_id, token)
        held_until = datetime.fromtimestamp(int(offer.hold_until or 0), ZoneInfo(offer.timezone))
        return OfferView(appointment=offer.patient_view(), held_until=held_until)

    def accept(self, offer_id: str, token: str | None) -> ConfirmResponse:
        """One step into the normal confirmation: the address is proven, the time booked, the manage link sent."""
        offer = self._offered(offer_id, token)
        now_s = int(self.clock().timestamp())
        if offer.status == CONFIRMED:
            raise AlreadyConfirmed("You have already accepted this time: the confirmation e-mail has its link.")
        if offer.status != HELD or int(offer.hold_until or 0) <= now_s:
            raise HoldExpired("This time was held for you for a limited time, and it has gone to the next patient.")
        lapse = self.store.claim(keys.lapse_key(datetime.fromtimestamp(int(offer.hold_until or 0), UTC), offer_id))
        if lapse is None:
            raise HoldExpired("This time was held for you for a limited time, and it has gone to the next patient.")
        manage = tokens.new_manage_token()
        try:
            for _ in range(TRIES):
                counter = self.store.patient_appointments(offer.practitioner_id, offer.email)
                future = {k: v for k, v in counter.entries.items() if v > now_s}
                if len(future) >= offer.patient_cap:
                    raise TooManyAppointments(
                        f"You already have {offer.patient_cap} upcoming appointments with this professional.",
                        field="patient.email",
                    )
                try:
                    self.store.confirm(offer, tokens.token_hash(manage), Versioned(future, counter.version), now_s)
                    break
                except StaleRead:
                    continue
            else:
                raise Unavailable("Too many simultaneous changes; please try again.")
        except Exception:
            self.store.settle_entry(lapse["entry"], offer_id, "waiting", offer.start_epoch)
            self.store.end_offer(offer.email, offer_id)
            raise
        self.store.settle_entry(lapse["entry"], offer_id, "booked", None)
        entry_id = str(lapse["entry"]["SK"]).rsplit("#", 1)[-1]
        self.store.end_offer(offer.email, offer_id, entry_id)
        confirmed = dataclasses.replace(offer, status=CONFIRMED)
        if (after := self.followup()) is not None:
            after.confirmed(confirmed, manage)
        if (mailer := self.mailer()) is not None:
            mailer.send_confirmation(confirmed.email, confirmed.notice(self.site_url, manage))
        return confirmed.confirmation(manage)

    def decline(self, offer_id: str, token: str | None) -> OfferDeclined:
        """The patient lets the time go: the next patient waiting gets it at once; they stay on the list."""
        offer = self._offered(offer_id, token)
        now = self.clock()
        now_s = int(now.timestamp())
        if offer.status != HELD:
            raise AlreadyConfirmed("You have already accepted this time: cancel it from its manage link instead.")
        lapse = self.store.claim(keys.lapse_key(datetime.fromtimestamp(int(offer.hold_until or 0), UTC), offer_id))
        if lapse is not None:
            if int(offer.hold_until or 0) > now_s:
                self.store.release_hold(offer, now_s)
            self.store.settle_entry(lapse["entry"], offer_id, "waiting", offer.start_epoch)
            self.store.end_offer(offer.email, offer_id)
            self.offer_for(offer.practitioner_id, now, frozenset({str(lapse["entry"]["SK"])}))
        return OfferDeclined(status="declined")

    # -- the practice ------------------------------------------------------------------------------------------

    def counts(self, profile: Profile, now: datetime) -> list[WaitingCount]:
        """Patients waiting per visit reason (one Query of the professional's queue)."""
        now_s = int(now.timestamp())
        counted: dict[str, int] = {}
        for entry in self.store.query_partition(keys.wait_partition(profile.id)):
            if entry.get("state") in ("waiting", "offered") and int(entry.get("before_epoch", 0)) > now_s:
                counted[str(entry["reason"])] = counted.get(str(entry["reason"]), 0) + 1
        found = []
        for reason in profile.record.get("visit_reasons", []):
            label: dict[str, str] = {
                lang: text_in(reason.get("label"), lang) or str(reason["id"]) for lang in LANGUAGES
            }
            found.append(WaitingCount(reason=str(reason["id"]), label=label, waiting=counted.get(str(reason["id"]), 0)))
        return found

    # -- helpers -----------------------------------------------------------------------------------------------

    def _profile(self, practitioner_id: str) -> Profile:
        item = self.store.profile(practitioner_id) if ids.is_practitioner_id(practitioner_id) else None
        if item is None or not item.get("online_booking"):
            raise NotFound("No online booking for this professional.", field="practitioner")
        return Profile.from_item(item)

    def _free(
        self,
        profile: Profile,
        *,
        site: str,
        reason: str,
        kind: Any,
        first: date,
        before: date,
        now: datetime,
        busy: list[tuple[datetime, datetime]] | None = None,
    ) -> list[Any]:
        days = (before - first).days + 1
        if days <= 0:
            return []
        if busy is None:
            window = profile.units_window(first, days)
            busy = busy_intervals(self.store.units(profile.id, *window), int(now.timestamp()))
        return [slot for _, slot in profile.free_slots(reason, busy, first, days, now, kind, [site])]

    def _notice(self, request_id: str, profile: Profile, body: WaitRequest, zone: ZoneInfo) -> WaitNotice:
        from babel.dates import format_date

        from ..core.notify import LOCALES, WaitNotice

        site = profile.site(body.site) or {}
        return WaitNotice(
            entry_id=request_id,
            practitioner_name=profile.display_name(body.language),
            reason_label=text_in((profile.reason(body.reason) or {}).get("label"), body.language) or body.reason,
            site_name=str(site.get("name") or profile.address(body.site)),
            before=format_date(body.before, "full", locale=LOCALES[body.language]),
            lang=body.language,
        )
