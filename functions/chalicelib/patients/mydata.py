"""My data: everything the portal keeps about me in one machine-readable file; who in the practices looked at my
appointments (the back-office's audit log); deleting my account.

The file holds every item of the account's partition, and what is kept under its mailbox, the relatives' bookings
included (they are made with the account's address): the appointments, the waiting-list entries and the mobile
numbers proven with a texted code.

Deleting an account withdraws its waiting-list entries (an open offer's time goes to the next patient waiting),
cancels its upcoming appointments (each with the usual e-mail), then deletes the account, its e-mail pointer,
passkeys, relatives and sessions at once, and its proven mobile numbers. Past and cancelled appointments are the
practices' records: they stay until the retention policy deletes them (``kept_until`` on each,
core/retention.py), as the privacy notice says, and no account lists them any more.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from ..core import keys
from ..core.appointment import CONFIRMED, HELD, Appointment, AppointmentView, PatientOut
from ..core.emailaddress import canonical
from ..core.errors import InvalidInput, PortalError
from ..core.schemas import Email, Reply, Request
from ..core.sms import mobile_e164
from .account import Account, AccountOut
from .passkeys import PasskeyOut, passkey_view
from .relatives import RelativeOut, view

if TYPE_CHECKING:
    from ..booking.service import Bookings
    from ..core.store import Store
    from ..waitlist.service import Waitlist

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


class WaitingOut(Reply):
    id: str
    practitioner: str = Field(description="The professional's directory id.")
    site: str
    reason: str = Field(description="The visit reason's id.")
    before: date = Field(description="The last local date I can come.")
    patient: PatientOut
    state: Literal["waiting", "offered", "booked"] = Field(description="offered: a time is held for me now.")
    joined_at: datetime
    kept_until: datetime = Field(description="When the portal deletes the entry (the day after its last date).")


class ProvenPhone(Reply):
    number: str | None = Field(
        description="The number (E.164), found among the phones of my details, appointments and waiting-list "
        "entries: the portal keeps only its digest, null when none of those phones gives it."
    )
    number_sha256: str = Field(description="What is kept: the SHA-256 of the number in E.164.")
    proven_at: datetime
    kept_until: datetime | None = Field(description="When the portal deletes it: as the appointment it was proven for.")


class MyData(Reply):
    exported_at: datetime
    account: AccountOut
    passkeys: list[PasskeyOut]
    relatives: list[RelativeOut]
    sessions: list[SessionInfo]
    appointments: list[AppointmentView] = Field(description="Every appointment booked with my address, oldest first.")
    waiting_lists: list[WaitingOut] = Field(description="My waiting-list entries, in the order I joined them.")
    proven_phones: list[ProvenPhone] = Field(description="Mobile numbers I proved with a texted code, for reminders.")
    looks: list[Look] = Field(description="Who in the practices looked at my appointments.")


class DeleteRequest(Request):
    """Body of ``POST /v1/me/delete``: my e-mail address typed again, the explicit confirmation."""

    email: Email


class Deleted(Reply):
    cancelled: list[str] = Field(description="The upcoming appointments cancelled (each patient was e-mailed).")
    withdrawn: list[str] = Field(description="The waiting-list entries withdrawn (an offered time goes to the next).")
    kept_until: datetime | None = Field(
        description="Past appointments stay with their practices until then at the latest (the retention policy)."
    )


@dataclass
class MyDataService:
    store: Store
    bookings: Callable[[], Bookings]
    waitlist: Callable[[], Waitlist]
    clock: Callable[[], datetime]
    phone_region: str = "MC"

    def _appointments(self, account: Account) -> list[Appointment]:
        return [a for a in self.store.appointments_of_mailbox(account.mailbox) if a.status != HELD]

    def who_looked(self, account: Account) -> WhoLooked:
        return WhoLooked(looks=self._looks(self._appointments(account)))

    def _looks(self, appointments: list[Appointment]) -> list[Look]:
        """The audit entries of my appointments: per appointment, one Query of its own partition and one of the
        agenda's showings of each date it was on (backoffice/audit.py)."""
        looks = []
        for appointment in appointments:
            found = self.store.audit_of_appointment(appointment.id, appointment.practitioner_id, appointment.audit_days)
            for item in found:
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
        """Everything stored about me: one Query of my partition, one of my appointments, one of my waiting-list
        entries, one of my proven numbers, then the appointments' audit."""
        items = self.store.account_items(account.id)
        appointments = self._appointments(account)
        entries = self.store.waitlist_of_mailbox(account.mailbox)
        phones = [account.phone, *(a.patient.phone for a in appointments if a.patient)]
        phones += [(e.get("patient") or {}).get("phone") for e in entries]

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
            waiting_lists=[_waiting(e) for e in entries],
            proven_phones=self._proven(account.mailbox, phones),
            looks=self._looks(appointments),
        )

    def _proven(self, mailbox: str, phones: list[str | None]) -> list[ProvenPhone]:
        """My proven numbers, each named when one of my phones gives its digest (only the digest is kept)."""
        numbers = {mobile_e164(phone, self.phone_region) for phone in phones}
        known = {keys.digest(number): number for number in numbers if number}
        proven = []
        for item in self.store.phone_proofs(mailbox):
            digest = str(item["SK"])[len(keys.PHONE_PREFIX) :]
            until = int(item.get("expires_at") or 0)
            proven.append(
                ProvenPhone(
                    number=known.get(digest),
                    number_sha256=digest,
                    proven_at=datetime.fromtimestamp(int(item["proven_at"]), UTC),
                    kept_until=datetime.fromtimestamp(until, UTC) if until else None,
                )
            )
        return proven

    def delete(self, account: Account, confirm: DeleteRequest) -> Deleted:
        """Withdraw my waiting-list entries, cancel my upcoming appointments (usual e-mails), then delete the
        account, all its items and my proven numbers. The entries go first: a time my cancellations free must not
        be offered to me."""
        if canonical(confirm.email) != canonical(account.email):
            raise InvalidInput("Type the e-mail address of this account to confirm.", field="email")
        withdrawn = self.waitlist().withdraw(account.mailbox)
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
        proofs = self.store.phone_proofs(account.mailbox)
        self.store.delete_items([{"PK": str(i["PK"]), "SK": str(i["SK"])} for i in proofs])
        kept = max((a.expires_at or 0 for a in appointments), default=0)
        return Deleted(
            cancelled=cancelled,
            withdrawn=withdrawn,
            kept_until=datetime.fromtimestamp(kept, UTC) if kept else None,
        )


def _waiting(entry: dict[str, Any]) -> WaitingOut:
    patient = entry.get("patient") or {}
    return WaitingOut(
        id=str(entry["id"]),
        practitioner=str(entry["practitioner_id"]),
        site=str(entry["site"]),
        reason=str(entry["reason"]),
        before=date.fromisoformat(str(entry["before"])),
        patient=PatientOut(
            given_name=str(patient.get("given_name") or ""),
            family_name=str(patient.get("family_name") or ""),
            email=str(entry["email"]),
            phone=patient.get("phone"),
            kind=patient.get("kind") or "existing",
        ),
        state=entry["state"],
        joined_at=datetime.fromtimestamp(int(entry["joined_at"]), UTC),
        kept_until=datetime.fromtimestamp(int(entry["expires_at"]), UTC),
    )
