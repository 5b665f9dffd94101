"""What follows a change of an appointment once it has committed: its reminders planned again, a freed time
offered to the waiting list, the way to book again. The booking service and the back-office call one method
each time (after a confirmation, a cancellation, a move, a phone booking, a settings save); nothing here can
undo the change, and a failure is logged, never raised to the person who made the change.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from .core.profiles import Profile
from .core.units import busy_intervals

if TYPE_CHECKING:
    from .core.appointment import Appointment
    from .core.notify import BookAgain
    from .core.store import Store
    from .reminders.service import Reminders
    from .waitlist.service import Waitlist

logger = logging.getLogger(__name__)

NEXT_TIMES = 3
LOOK_DAYS = 31


@dataclass
class FollowUp:
    store: Store
    reminders: Callable[[], Reminders]
    waitlist: Callable[[], Waitlist]
    site_url: str
    clock: Callable[[], datetime]

    def confirmed(self, appointment: Appointment, token: str | None) -> None:
        """A booking confirmed (online, by the practice, or an offer accepted): its reminders."""
        self._safely("plan reminders", appointment.id, lambda: self.reminders().confirmed(appointment, token))

    def moved(self, appointment: Appointment) -> None:
        """Moved: its reminders follow it, and its old time goes to the waiting list."""
        self._safely("plan reminders", appointment.id, lambda: self.reminders().moved(appointment))
        self.freed(appointment.practitioner_id)

    def cancelled(self, appointment: Appointment) -> BookAgain | None:
        """Cancelled: no reminder, the time to the waiting list first, then where to book again (for the e-mail)."""
        self._safely("drop reminders", appointment.id, lambda: self.reminders().cancelled(appointment))
        self.freed(appointment.practitioner_id)
        found: list[BookAgain | None] = [None]

        def again() -> None:
            found[0] = self.book_again(appointment)

        self._safely("book again", appointment.id, again)
        return found[0]

    def freed(self, practitioner_id: str) -> None:
        """Times may have freed (a cancellation, a move, new openings): offer them to the patients waiting."""
        self._safely("offer freed times", practitioner_id, lambda: self.waitlist().offer_for(practitioner_id))

    def book_again(self, appointment: Appointment) -> BookAgain | None:
        """The professional's page with the same reason and site chosen, and their next free times."""
        from .core.notify import BookAgain

        if not appointment.reason_id:
            return None
        lang, reason, site = appointment.language, appointment.reason_id, appointment.site_id
        page = f"{self.site_url.rstrip('/')}/{lang}/professionals/{appointment.practitioner_id}/"
        url = f"{page}?reason={reason}&site={site}#booking"
        item = self.store.profile(appointment.practitioner_id)
        if item is None or not item.get("online_booking"):
            return BookAgain(url=url)
        profile = Profile.from_item(item)
        now = self.clock()
        first = now.astimezone(profile.schedule(site).zone).date()
        busy = busy_intervals(
            self.store.units(profile.id, *profile.units_window(first, LOOK_DAYS)), int(now.timestamp())
        )
        kind = appointment.patient.kind if appointment.patient else None
        slots = profile.free_slots(reason, busy, first, LOOK_DAYS, now, kind, [site])
        return BookAgain(url=url, times=tuple(slot.start for _, slot in slots[:NEXT_TIMES]))

    @staticmethod
    def _safely(what: str, reference: str, step: Callable[[], object]) -> None:
        try:
            step()
        except Exception as err:  # the change is committed: what follows it must not turn it into an error
            logger.error("follow-up failed: %s for %s (%s)", what, reference, type(err).__name__)
