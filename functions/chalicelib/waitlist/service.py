"""The waiting list: a patient with a proven e-mail asks to be told of a time for a reason and site before a
date; when a time frees, the first patient waiting for it gets it held for them alone, for OFFER_MINUTES.

Fair by construction (docs/notifications.md says why in full): the queue is ordered by the millisecond the
server saw the e-mail proven, and nothing a client sends changes that order; a request needs its address proven
(an e-mail proof it carries, or a code e-mailed to it, counted like every code e-mail: waitlist/proof.py), and an
address has at most MAX_ENTRIES entries and one open offer at a time; entries end at their
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
from ..core.appointment import CONFIRMED, HELD, Appointment, ConfirmResponse, EmailProof, Patient
from ..core.availability import occupied_units
from ..core.concurrency import StaleRead, Versioned
from ..core.emailaddress import canonical
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
from ..core.retention import DAY, Retention
from ..core.schemas import LANGUAGES
from ..core.sms import mobile_e164
from ..core.units import busy_intervals
from .proof import Proof
from .schemas import OfferDeclined, OfferView, WaitingCount, WaitJoined, WaitRequest, WaitRequested

if TYPE_CHECKING:
    from ..booking.service import Caller
    from ..core.notify import Mailer, WaitNotice
    from ..core.sms import Texter
    from ..core.store import Store
    from ..followup import FollowUp

logger = logging.getLogger(__name__)

OFFER_MINUTES = 15
REQUEST_SECONDS = 600  # the e-mailed code's life, as a hold's
NOT_STORED = ("PK", "SK", "code_hash", "code_until", "code_attempts", "expires_at")  # the request's, not the entry's
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
    retention: Retention = field(default_factory=Retention)
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    followup: Callable[[], FollowUp | None] = field(default=lambda: None)

    # -- joining -----------------------------------------------------------------------------------------------

    def request(self, body: WaitRequest, caller: Caller) -> WaitRequested | WaitJoined:
        """Check the request and note the free times there are now (never offered). A request whose e-mail proof
        covers the address joins at once (WaitJoined); otherwise the code is e-mailed (WaitRequested), counted like
        every code e-mail and given back if the request is refused after all."""
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
        details = {
            "practitioner_id": profile.id,
            "site": body.site,
            "reason": body.reason,
            "before": body.before.isoformat(),
            "before_epoch": int(datetime.combine(body.before + timedelta(days=1), time(), zone).timestamp()),
            "patient": Patient(**body.patient.model_dump()).to_item(with_empty=False),
            "email": email,
            "language": body.language,
            "seen": seen,
        }
        if self.proof.proven(caller, email, now_s):  # proven a moment ago (a booking's code): no second code
            self._join(None, request_id, details, now)
            return _joined(request_id, details, None)
        self._room(email, now_s)  # no code for a request that could not join
        code_until = now_s + REQUEST_SECONDS
        with self.limits.charge(self.store, now_s) as charge:
            self.limits.charge_code(charge, canonical(email), caller.network)
            stored = self.proof.send(request_id, email, self._notice(request_id, profile, body, zone))
            self.store.put_item(
                {
                    **keys.wait_request_key(request_id),
                    **details,
                    "code_hash": stored,
                    "code_until": code_until,
                    "code_attempts": 0,
                    "expires_at": Retention.transient(code_until),
                }
            )
        return WaitRequested(
            id=request_id, status="code_sent", code_expires_at=datetime.fromtimestamp(code_until, zone)
        )

    def prove(self, request_id: str, code: str, caller: Caller) -> WaitJoined:
        """The code entered: the request takes its place in the queue, as of now, and the address is proven for
        the next booking (an e-mail proof, as a booking's code earns)."""
        now = self.clock()
        now_s = int(now.timestamp())
        self.limits.attempt_per_network.check(self.store, caller.network, now_s)
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
        details = {k: v for k, v in request.items() if k not in NOT_STORED}
        self._join(key, request_id, details, now)
        return _joined(request_id, details, self.proof.earned(str(request["email"]), now_s))

    def _room(self, email: str, now: int) -> dict[str, Any]:
        """The e-mail's waiting-list item, if it may join another list (TooManyHolds otherwise)."""
        item = self.store.get_item(keys.email_waitlist_key(email)) or {}
        if len(_live(item, now)) >= MAX_ENTRIES:
            raise TooManyHolds(
                f"This e-mail is already on {MAX_ENTRIES} waiting lists; wait for one of them to end.",
                field="patient.email",
            )
        return item

    def _join(self, request_key: dict[str, str] | None, entry_id: str, details: dict[str, Any], now: datetime) -> None:
        """A proven request takes its place in its professional's queue (from its stored request, deleted then, or
        at once when the request carried a proof), and the times free now are offered."""
        now_s = int(now.timestamp())
        email, practitioner_id = str(details["email"]), str(details["practitioner_id"])
        position = int(now.timestamp() * 1000)
        entry = {
            **keys.wait_key(practitioner_id, position, entry_id),
            **keys.waiting_mailbox_keys(keys.email_hash(email), position, entry_id),
            **details,
            "id": entry_id,
            "state": "waiting",
            "joined_at": now_s,
            "position": position,
            "expires_at": Retention.transient(int(details["before_epoch"])),
        }
        # the pass visits the professional while anyone may wait: past the latest date a request may name
        marker_expires = Retention.transient(now_s + (MAX_DAYS_AHEAD + 2) * DAY)
        for _ in range(TRIES):
            item = self._room(email, now_s)
            kept: dict[str, Any] = {k: item[k] for k in ("offer_until", "offer_id") if k in item}
            cap = Versioned({**_live(item, now_s), entry_id: int(entry["expires_at"])}, int(item.get("version") or 0))
            try:
                self.store.join_waitlist(request_key, entry, cap, email, kept, marker_expires)
                break
            except StaleRead:
                continue
        else:
            raise Unavailable("Too many simultaneous changes; please try again.")
        self.offer_for(practitioner_id, now)

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
            proven=True,  # for a patient whose address is proven: never among the unproven holds' share
            expires_at=Retention.transient(until),
        )
        lapse = {
            **keys.lapse_key(datetime.fromtimestamp(until, UTC), offer_id),
            "appointment_id": offer_id,
            "practitioner_id": profile.id,
            "entry": {"PK": entry["PK"], "SK": entry["SK"]},
            "email": email,
            "start_epoch": appointment.start_epoch,
            "expires_at": Retention.transient(until),
        }
        for _ in range(TRIES):
            # the offer joins the e-mail's holds as a proven one: no cap on holds awaiting a code stops it
            holds = self.store.email_holds(email).live(now_s).with_hold(offer_id, until, proven=True)
            try:
                if not self.store.offer(
                    appointment, entry, holds, lapse, now_s, offer_hash=tokens.code_hash(offer_id, token)
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
        expires_at = self.retention.appointment(offer.end_epoch)
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
                    versioned = Versioned(future, counter.version)
                    self.store.confirm(offer, tokens.token_hash(manage), versioned, now_s, expires_at)
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
        confirmed = dataclasses.replace(offer, status=CONFIRMED, expires_at=expires_at)
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

    # -- leaving -----------------------------------------------------------------------------------------------

    def withdraw(self, mailbox: str) -> list[str]:
        """Take every waiting-list entry of a mailbox off its queue (the patient deletes their account): an open
        offer's time is let go as a decline lets it go, to the next patient waiting; the entries and the e-mail's
        count are deleted. The ids of the entries that were still waiting or offered."""
        now = self.clock()
        now_s = int(now.timestamp())
        entries = self.store.waitlist_of_mailbox(mailbox)
        freed = set()
        for entry in entries:
            if entry.get("state") == "offered" and entry.get("offer_id"):
                until = datetime.fromtimestamp(int(entry.get("offer_until") or 0), UTC)
                if self.store.claim(keys.lapse_key(until, str(entry["offer_id"]))) is not None:
                    self._let_go(str(entry["offer_id"]), now_s)
                    freed.add(str(entry["practitioner_id"]))
        self.store.delete_items([{"PK": e["PK"], "SK": e["SK"]} for e in entries])
        self.store.delete_items([keys.mailbox_waitlist_key(mailbox)])
        for practitioner_id in sorted(freed):
            self.offer_for(practitioner_id, now)
        live = [e for e in entries if e.get("state") in ("waiting", "offered") and int(e["before_epoch"]) > now_s]
        return [str(e["id"]) for e in live]

    def _let_go(self, offer_id: str, now: int) -> None:
        offer = self.store.appointment(offer_id)
        if offer is not None and offer.status == HELD and int(offer.hold_until or 0) > now:
            try:
                self.store.release_hold(offer, now)
            except StaleRead:  # accepted meanwhile: an appointment now, cancelled with the others
                pass

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


def _live(item: dict[str, Any], now: int) -> dict[str, int]:
    """An e-mail's waiting-list entries that have not ended, ``{entry id: end}``."""
    return {k: int(v) for k, v in dict(item.get("entries") or {}).items() if int(v) > now}


def _joined(entry_id: str, details: dict[str, Any], proof: EmailProof | None) -> WaitJoined:
    return WaitJoined(
        id=entry_id,
        status="waiting",
        practitioner=str(details["practitioner_id"]),
        site=str(details["site"]),
        reason=str(details["reason"]),
        before=date.fromisoformat(str(details["before"])),
        email_proof=proof,
    )
