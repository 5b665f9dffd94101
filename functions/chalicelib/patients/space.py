"""My appointments: every appointment booked with the account's mailbox, whatever the professional, as a guest or
signed in, in one Query of GSI2 (docs/data-model.md); cancelling and moving go through the booking rules."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from ..core.appointment import CONFIRMED, HELD, AppointmentView
from ..core.schemas import Reply

if TYPE_CHECKING:
    from ..core.store import Store
    from .account import Account


class MyAppointments(Reply):
    upcoming: list[AppointmentView]
    past: list[AppointmentView]


@dataclass
class Space:
    store: Store
    clock: Callable[[], datetime]

    def appointments(self, account: Account) -> MyAppointments:
        """Upcoming (confirmed and not over, soonest first) and past or cancelled (latest first)."""
        now = int(self.clock().timestamp())
        listed = [a for a in self.store.appointments_of_mailbox(account.mailbox) if a.status != HELD]
        upcoming = [a for a in listed if a.status == CONFIRMED and a.end_epoch > now]
        past = [a for a in reversed(listed) if a not in upcoming]
        return MyAppointments(
            upcoming=[a.patient_view() for a in upcoming],
            past=[a.patient_view() for a in past],
        )
