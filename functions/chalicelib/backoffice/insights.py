"""What a practice sees of its reminders and its patients' attendance: its reminder settings (read and saved),
the patients waiting per visit reason, and the no-show rate of the last 90 days (one Query of its agenda, GSI1).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from ..core import keys
from ..core.appointment import CONFIRMED
from ..reminders.plan import ReminderSettings
from ..waitlist.schemas import NoShowRate, PracticeInsights
from .schemas import ReminderSettingsIn, ReminderSettingsOut

if TYPE_CHECKING:
    from ..core.store import Store
    from ..reminders.service import Reminders
    from ..waitlist.service import Waitlist
    from .agenda import Agenda
    from .auth import Principal

NO_SHOW_DAYS = 90


@dataclass
class Insights:
    store: Store
    agenda: Agenda
    reminders: Callable[[], Reminders]
    waitlist: Callable[[], Waitlist]
    texts: bool  # whether this stage sends texts at all
    clock: Callable[[], datetime]

    def reminder_settings(self, principal: Principal, practitioner_id: str) -> ReminderSettingsOut:
        self.agenda.practice(principal, practitioner_id)
        return self._out(practitioner_id, self.reminders().settings_of(practitioner_id))

    def save_reminder_settings(
        self, principal: Principal, practitioner_id: str, request: ReminderSettingsIn
    ) -> ReminderSettingsOut:
        """Saved for the appointments booked or changed from now on (those already planned keep their times)."""
        self.agenda.practice(principal, practitioner_id)
        chosen = ReminderSettings(
            day_before=request.day_before,
            day_before_time=time.fromisoformat(request.day_before_time),
            hours_before=request.hours_before,
            sms=request.sms,
        )
        self.store.put_item({**keys.reminder_settings_key(practitioner_id), **chosen.to_item()})
        return self._out(practitioner_id, chosen)

    def insights(self, principal: Principal, practitioner_id: str) -> PracticeInsights:
        profile = self.agenda.practice(principal, practitioner_id)
        now = self.clock()
        since = now - timedelta(days=NO_SHOW_DAYS)
        past = [
            a
            for a in self.store.agenda(practitioner_id, since, now)
            if a.status == CONFIRMED and a.patient is not None and a.start_epoch <= now.timestamp()
        ]
        missed = sum(1 for a in past if a.no_show)
        zone = profile.schedule(profile.site_ids[0]).zone if profile.site_ids else None
        return PracticeInsights(
            practitioner=practitioner_id,
            waiting=self.waitlist().counts(profile, now),
            no_show=NoShowRate(
                since=since.astimezone(zone).date() if zone else since.date(),
                appointments=len(past),
                missed=missed,
                rate=round(missed / len(past), 4) if past else None,
            ),
        )

    def _out(self, practitioner_id: str, chosen: ReminderSettings) -> ReminderSettingsOut:
        return ReminderSettingsOut(
            practitioner=practitioner_id,
            day_before=chosen.day_before,
            day_before_time=chosen.day_before_time.strftime("%H:%M"),
            hours_before=chosen.hours_before,
            sms=chosen.sms,
            texts_available=self.texts,
        )
