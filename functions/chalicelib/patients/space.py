"""My appointments: every appointment booked with the account's mailbox, whatever the professional, as a guest or
signed in, in one Query of GSI2 (docs/data-model.md); cancelling and moving go through the booking rules."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from ..core.appointment import CONFIRMED, HELD, AppointmentView
from ..core.concurrency import StaleRead
from ..core.errors import Unauthorized, Unavailable
from ..core.schemas import Reply
from .account import Account, AccountOut

if TYPE_CHECKING:
    from ..core.store import Store
    from .schemas import DetailsIn


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

    def save_details(self, account: Account, details: DetailsIn) -> AccountOut:
        """Save the details that prefill the booking form (a change made meanwhile elsewhere is read again)."""
        attributes = details.model_dump()
        for _ in range(3):
            try:
                self.store.update_account(account.id, attributes, account.version)
                break
            except StaleRead:
                item = self.store.account(account.id)
                if item is None:
                    raise Unauthorized("Your account no longer exists.") from None
                account = Account.from_item(item)
        else:
            raise Unavailable("Too many simultaneous changes; please try again.")
        return Account.from_item({**account.to_item(), **attributes, "version": account.version + 1}).view()
