"""My data: everything the portal keeps about me in one machine-readable file; who in the practices looked at my
appointments (the back-office's audit log); deleting my account.

Deleting an account cancels its upcoming appointments (each with the usual e-mail), then deletes the account, its
e-mail pointer, passkeys, relatives and sessions at once. Past and cancelled appointments are the practices' records:
they stay until the retention policy deletes them (``kept_until`` on each, core/retention.py), as the privacy
notice says, and no account lists them any more.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from ..core import keys
from ..core.appointment import CONFIRMED, HELD, Appointment, AppointmentView
from ..core.emailaddress import canonical
from ..core.errors import InvalidInput, PortalError
from ..core.schemas import Email, Reply, Request
from .account import Account, AccountOut
from .passkeys import PasskeyOut, passkey_view
from .relatives import RelativeOut, view

if TYPE_CHECKING:
    from ..booking.service import Bookings
    from ..core.store import Store

AuditAction = Literal["list", "read", "cancel", "move", "no_show", "create"]


class Look(Reply):
    at: datetime = Field(description="When (UTC).")
    practice: str = Field(description="The professional whose agenda it is.")
    role: str = Field(description="Who in the practice: professional, secretary (acting for them) or desk.")
    action: AuditAction = Field(
        description="list: the agenda showed my name; read: the details page showed name, e-mail and phone; "
        "cancel, move, no_show, create: a change."
    )
    appointment: str = Field(description="The appointment's id.")
    appointment_start: datetime


class WhoLooked(Reply):
    looks: list[Look] = Field(description="Newest first.")


class SessionInfo(Reply):
    created_at: datetime
    via: str
    ends_at: datetime


class MyData(Reply):
    exported_at: datetime
    account: AccountOut
    passkeys: list[PasskeyOut]
    relatives: list[RelativeOut]
    sessions: list[SessionInfo]
    appointments: list[AppointmentView] = Field(description="Every appointment booked with my address, oldest first.")
    looks: list[Look] = Field(description="Who in the practices looked at my appointments.")


class DeleteRequest(Request):
    """Body of ``POST /v1/me/delete``: my e-mail address typed again, the explicit confirmation."""

    email: Email


class Deleted(Reply):
    cancelled: list[str] = Field(description="The upcoming appointments cancelled (each patient was e-mailed).")
    kept_until: datetime | None = Field(
        description="Past appointments stay with their practices until then at the latest (the retention policy)."
    )


@dataclass
class MyDataService:
    store: Store
    bookings: Callable[[], Bookings]
    clock: Callable[[], datetime]

    def _appointments(self, account: Account) -> list[Appointment]:
        return [a for a in self.store.appointments_of_mailbox(account.mailbox) if a.status != HELD]

    def who_looked(self, account: Account) -> WhoLooked:
        return WhoLooked(looks=self._looks(self._appointments(account)))

    def _looks(self, appointments: list[Appointment]) -> list[Look]:
        """The audit entries of my appointments: one Query per appointment (its own partition)."""
        looks = []
        for appointment in appointments:
            for item in self.store.audit_of_appointment(appointment.id):
                looks.append(
                    Look(
                        at=datetime.strptime(str(item["at"]), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC),
                        practice=appointment.practitioner_name,
                        role=str(item.get("role") or ""),
                        action=item["action"],
                        appointment=appointment.id,
                        appointment_start=appointment.start,
                    )
                )
        return sorted(looks, key=lambda look: look.at, reverse=True)

    def export(self, account: Account) -> MyData:
        """Everything stored about me: one Query of my partition, one of my appointments, then their audit."""
        items = self.store.account_items(account.id)
        appointments = self._appointments(account)

        def of(prefix: str) -> list[dict[str, Any]]:
            return [i for i in items if str(i["SK"]).startswith(prefix)]

        return MyData(
            exported_at=self.clock(),
            account=account.view(),
            passkeys=[passkey_view(i) for i in of(keys.PASSKEY_PREFIX)],
            relatives=[view(i) for i in of(keys.RELATIVE_PREFIX)],
            sessions=[
                SessionInfo(
                    created_at=datetime.fromtimestamp(int(i["created_at"]), UTC),
                    via=str(i.get("via", "")),
                    ends_at=datetime.fromtimestamp(int(i["ends_at"]), UTC),
                )
                for i in of(keys.SESSION_PREFIX)
            ],
            appointments=[a.patient_view() for a in appointments],
            looks=self._looks(appointments),
        )

    def delete(self, account: Account, confirm: DeleteRequest) -> Deleted:
        """Cancel my upcoming appointments (usual e-mails), then delete the account and all its items."""
        if canonical(confirm.email) != canonical(account.email):
            raise InvalidInput("Type the e-mail address of this account to confirm.", field="email")
        now = int(self.clock().timestamp())
        appointments = self._appointments(account)
        cancelled = []
        for appointment in appointments:
            if appointment.status == CONFIRMED and appointment.start_epoch > now:
                try:
                    self.bookings().cancel_mine(appointment.id, account.mailbox)
                    cancelled.append(appointment.id)
                except PortalError:  # started meanwhile, or cancelled by the practice: nothing left to cancel
                    continue
        items = self.store.account_items(account.id)
        self.store.delete_account(
            account.id, account.mailbox, [{"PK": str(i["PK"]), "SK": str(i["SK"])} for i in items]
        )
        kept = max((a.expires_at or 0 for a in appointments), default=0)
        return Deleted(cancelled=cancelled, kept_until=datetime.fromtimestamp(kept, UTC) if kept else None)
