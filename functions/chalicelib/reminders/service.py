"""Appointment reminders: planned when a booking is confirmed, planned again when it moves or when the patient
changes their choices, dropped when it is cancelled; sent by the scheduled pass, each exactly once.

A planned reminder is an item in the partition of its due hour (keys.reminder_key). The pass reads the last hours'
partitions with one Query each (never a Scan), checks each reminder's appointment (still confirmed, still at the
planned start), then claims the reminder with a conditional delete: of two passes running at once, one wins it and
sends; the other moves on. A reminder whose every channel failed is put back a few minutes later, at most
``MAX_TRIES`` times. E-mail always (unless the patient turned it off); a text too where the stage sends texts, the
practice allows them and the patient proved their mobile number with a texted code.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from ..core import keys, tokens
from ..core.appointment import CONFIRMED, Appointment
from ..core.errors import InvalidInput, NotFound, TooManyAttempts, Unavailable, WrongCode
from ..core.retention import Retention
from ..core.sms import mobile_e164
from .plan import ReminderSettings, due_times
from .schemas import ReminderChoices, ReminderPlanned, RemindersView

if TYPE_CHECKING:
    from ..core.notify import Mailer
    from ..core.sms import Texter
    from ..core.store import Store

logger = logging.getLogger(__name__)

LOOKBACK_HOURS = 6  # a pass reads the due hours this far back (a pass that did not run is caught up)
RETRY_AFTER = timedelta(minutes=5)
MAX_TRIES = 3
SMS_CODE_SECONDS = 600
MAX_SMS_CODES = 3
MAX_SMS_ATTEMPTS = 5
WORKERS = 8


@dataclass(frozen=True)
class PassReport:
    """What one pass did: reminders due, sent by e-mail and by text, skipped (cancelled, moved, taken by another
    pass) and put back after a failure."""

    due: int = 0
    emails: int = 0
    texts: int = 0
    skipped: int = 0
    retried: int = 0
    left: int = 0  # not claimed before the pass's time ran out: the next pass sends them


@dataclass
class Reminders:
    store: Store
    mailer: Callable[[], Mailer | None]
    texter: Callable[[], Texter | None]  # None: this stage sends no texts
    site_url: str
    phone_region: str
    brand: str
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    # Every item written here expires as the retention policy says (core/retention.py): a reminder a day after it
    # is due (a pass looks back LOOKBACK_HOURS), the plan a day after the appointment ends, a proven mobile number
    # with the appointment it was proven for.
    retention: Retention = field(default_factory=Retention)

    # -- planning: called after a change has committed ------------------------------------------------------------

    def settings_of(self, practitioner_id: str) -> ReminderSettings:
        return ReminderSettings.from_item(self.store.get_item(keys.reminder_settings_key(practitioner_id)))

    def confirmed(self, appointment: Appointment, token: str | None) -> None:
        """A new booking (online or by the practice): its reminders, with the manage link's token they carry."""
        if not token or not appointment.email:
            return  # no address to remind, nor a link to give
        self._replan(appointment, {"token": token, "email_on": True, "sms_on": True}, [])

    def moved(self, appointment: Appointment) -> None:
        """The reminders follow the appointment to its new time."""
        plan = self.store.reminder_plan(appointment.id)
        if plan:
            self._replan(appointment, plan, plan.get("planned") or [])

    def cancelled(self, appointment: Appointment) -> None:
        """No reminder for a cancelled appointment (the pass also checks, should this step not have run)."""
        plan = self.store.reminder_plan(appointment.id)
        if plan:
            self._replan(_as_cancelled(appointment), plan, plan.get("planned") or [])

    def _replan(self, appointment: Appointment, plan: dict[str, Any], planned: list[dict[str, str]]) -> None:
        now = self.clock()
        settings = self.settings_of(appointment.practitioner_id)
        sms_to = self._sms_number(appointment, plan, settings)
        email_on = bool(plan.get("email_on", True))
        items = []
        if appointment.status == CONFIRMED and (email_on or sms_to):
            for kind, due in due_times(settings, appointment.start, appointment.timezone, now):
                items.append(
                    {
                        **keys.reminder_key(due, appointment.id, kind),
                        "appointment_id": appointment.id,
                        "kind": kind,
                        "start_epoch": appointment.start_epoch,
                        "email": email_on,
                        "sms": sms_to,
                        "token": plan["token"],
                        "tries": 0,
                        "expires_at": Retention.transient(int(due.timestamp())),
                    }
                )
        new_plan = {
            **{k: v for k, v in plan.items() if k not in ("PK", "SK")},
            **keys.reminder_plan_key(appointment.id),
            "planned": [{"PK": item["PK"], "SK": item["SK"]} for item in items],
            "expires_at": Retention.transient(appointment.end_epoch),
        }
        self.store.replan_reminders(new_plan, planned, items)

    def _sms_number(self, appointment: Appointment, plan: dict[str, Any], settings: ReminderSettings) -> str | None:
        """The proven mobile number texts go to, or None (no texts: stage, practice, patient or proof)."""
        if self.texter() is None or not settings.sms or not plan.get("sms_on", True) or appointment.patient is None:
            return None
        number = mobile_e164(appointment.patient.phone, self.phone_region)
        if number is None or not self.store.get_item(keys.phone_proof_key(appointment.email, number)):
            return None
        return number

    # -- the scheduled pass ---------------------------------------------------------------------------------------

    def send_due(self, now: datetime | None = None, budget_seconds: float | None = None) -> PassReport:
        """Send every reminder due at ``now`` (the clock's time unless given) that no other pass has sent. With
        ``budget_seconds``, reminders not yet claimed when it runs out are left for the next pass (a Lambda's
        timeout is not to be reached halfway through a send)."""
        now = now or self.clock()
        deadline = time.monotonic() + budget_seconds if budget_seconds else None
        hour = now.replace(minute=0, second=0, microsecond=0)
        partitions = [
            p for back in range(LOOKBACK_HOURS, -1, -1) for p in keys.reminder_partitions(hour - timedelta(hours=back))
        ]
        due = self.store.due_reminders(partitions, keys.due_bound(now))
        if not due:
            return PassReport()
        appointments = self.store.appointments(item["appointment_id"] for item in due)
        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            outcomes = list(
                pool.map(
                    lambda item: self._send_one(item, appointments.get(item["appointment_id"]), now, deadline), due
                )
            )
        return PassReport(
            due=len(due),
            emails=sum(o in ("sent", "both") for o in outcomes),
            texts=sum(o in ("text", "both") for o in outcomes),
            skipped=sum(o == "skipped" for o in outcomes),
            retried=sum(o == "retried" for o in outcomes),
            left=sum(o == "left" for o in outcomes),
        )

    def _send_one(
        self, item: dict[str, Any], appointment: Appointment | None, now: datetime, deadline: float | None = None
    ) -> str:
        if deadline is not None and time.monotonic() > deadline:
            return "left"
        live = (
            appointment is not None
            and appointment.status == CONFIRMED
            and appointment.start_epoch == int(item["start_epoch"])
            and appointment.start_epoch > now.timestamp()
        )
        claimed = self.store.claim(item)
        if claimed is None or not live or appointment is None:
            return "skipped"
        manage = appointment.manage_url(self.site_url, str(claimed["token"]))
        emailed = texted = False
        if claimed.get("email") and (mailer := self.mailer()) is not None:
            emailed = mailer.send_reminder(
                appointment.email,
                appointment.notice(self.site_url, str(claimed["token"])),
                cancel_url=manage + "&action=cancel",
                reminders_url=manage + "&action=reminders",
            )
        if claimed.get("sms") and (texter := self.texter()) is not None:
            texted = texter.send(str(claimed["sms"]), self._sms(appointment, manage), "reminder", appointment.id)
        if emailed or texted:
            return "both" if emailed and texted else ("sent" if emailed else "text")
        tries = int(claimed.get("tries") or 0) + 1
        if tries >= MAX_TRIES:
            logger.error("reminder given up after %s tries for appointment %s", tries, appointment.id)
            return "skipped"
        again = now + RETRY_AFTER
        key = keys.reminder_key(again, appointment.id, str(claimed["kind"]))
        self.store.put_item(
            {**claimed, **key, "tries": tries, "expires_at": Retention.transient(int(again.timestamp()))}
        )
        return "retried"

    def _sms(self, appointment: Appointment, link: str) -> str:
        from ..core.notify import local_time, sms_text

        when = local_time(appointment.start, appointment.timezone, appointment.language)
        return sms_text(
            "reminder",
            appointment.language,
            brand=self.brand,
            practitioner=appointment.practitioner_name,
            date=when.date,
            time=when.time,
            site=appointment.site_name,
            link=link,
        )

    # -- the patient's choices (manage page) ------------------------------------------------------------------------

    def view(self, appointment: Appointment) -> RemindersView:
        plan = self.store.reminder_plan(appointment.id) or {}
        settings = self.settings_of(appointment.practitioner_id)
        mobile = mobile_e164(appointment.patient.phone if appointment.patient else None, self.phone_region)
        proven = bool(mobile and self.store.get_item(keys.phone_proof_key(appointment.email, mobile)))
        planned = [
            ReminderPlanned(kind=str(key["SK"]).split("#")[2], at=_at(str(key["SK"]), appointment.timezone))
            for key in plan.get("planned") or []
        ]
        return RemindersView(
            email=bool(plan.get("email_on", True)) and bool(plan),
            sms=bool(plan.get("sms_on", True)) and proven and self.texter() is not None and settings.sms,
            sms_possible=bool(mobile) and self.texter() is not None and settings.sms,
            phone_proven=proven,
            phone=_masked(mobile) if mobile else None,
            planned=planned,
        )

    def choose(self, appointment: Appointment, choices: ReminderChoices) -> RemindersView:
        """The patient's choice of channels for this appointment (reminders turned off or on again)."""
        plan = self.store.reminder_plan(appointment.id)
        if not plan:
            raise NotFound("This appointment has no reminders (it was booked without an e-mail).")
        updated = {**plan, "email_on": choices.email, "sms_on": choices.sms}
        self._replan(appointment, updated, plan.get("planned") or [])
        return self.view(appointment)

    def send_sms_code(self, appointment: Appointment) -> None:
        """Text a code to the appointment's mobile number, which proves it once entered (at most MAX_SMS_CODES)."""
        texter = self.texter()
        mobile = mobile_e164(appointment.patient.phone if appointment.patient else None, self.phone_region)
        if texter is None or mobile is None or not self.settings_of(appointment.practitioner_id).sms:
            raise InvalidInput("Text reminders are not available for this appointment's phone number.", field="phone")
        plan = self.store.reminder_plan(appointment.id)
        if not plan:
            raise NotFound("This appointment has no reminders (it was booked without an e-mail).")
        if int(plan.get("sms_codes") or 0) >= MAX_SMS_CODES:
            raise TooManyAttempts("No more codes can be texted for this appointment.", field=None)
        code = tokens.new_code()
        now_s = int(self.clock().timestamp())
        self.store.update_plan(
            appointment.id,
            {
                "code_hash": tokens.code_hash(appointment.id, code),
                "code_until": now_s + SMS_CODE_SECONDS,
                "code_attempts": 0,
                "sms_codes": int(plan.get("sms_codes") or 0) + 1,
            },
        )
        from ..core.notify import sms_text

        text = sms_text("code", appointment.language, brand=self.brand, code=code)
        if not texter.send(mobile, text, "phone code", appointment.id):
            raise Unavailable("The text could not be sent; please try again later.")

    def prove_phone(self, appointment: Appointment, code: str) -> RemindersView:
        """The texted code entered: the number is proven for this e-mail, and texts join the reminders."""
        now_s = int(self.clock().timestamp())
        plan = self.store.spend_attempt(keys.reminder_plan_key(appointment.id), now_s, MAX_SMS_ATTEMPTS)
        if plan is None:
            raise TooManyAttempts("This code has expired or was tried too often; ask for a new one.", field="code")
        if not tokens.same_hash(plan.get("code_hash"), tokens.code_hash(appointment.id, code)):
            left = MAX_SMS_ATTEMPTS - int(plan.get("code_attempts") or 0)
            if left <= 0:
                raise TooManyAttempts("Too many wrong codes; ask for a new one.", field="code")
            raise WrongCode(left)
        mobile = mobile_e164(appointment.patient.phone if appointment.patient else None, self.phone_region)
        if mobile is None:
            raise InvalidInput("This appointment has no mobile number.", field="phone")
        self.store.put_item(
            {
                **keys.phone_proof_key(appointment.email, mobile),
                "proven_at": now_s,
                "expires_at": self.retention.appointment(appointment.end_epoch),
            }
        )
        self.store.update_plan(appointment.id, {"code_until": 0, "sms_on": True})
        fresh = self.store.reminder_plan(appointment.id) or plan
        self._replan(appointment, fresh, fresh.get("planned") or [])
        return self.view(appointment)


def _as_cancelled(appointment: Appointment) -> Appointment:
    import dataclasses

    from ..core.appointment import CANCELLED

    return dataclasses.replace(appointment, status=CANCELLED)


def _at(sort_key: str, timezone: str) -> datetime:
    from zoneinfo import ZoneInfo

    return (
        datetime.strptime(sort_key.split("#", maxsplit=1)[0], "%Y-%m-%dT%H:%M:%SZ")
        .replace(tzinfo=UTC)
        .astimezone(ZoneInfo(timezone))
    )


def _masked(number: str) -> str:
    """``+377 6•• ••• •78``: enough for the patient to recognise their number, not enough to read it."""
    return number[:5] + "•" * (len(number) - 7) + number[-2:]
