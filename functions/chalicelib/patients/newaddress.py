"""What follows an account to its new address, once the code e-mailed there proved it (patients/signin.py): every
later e-mail goes there, and "my appointments" still lists everything (docs/data-model.md, pattern 51).

- An appointment confirmed and not over: its e-mails (reminders, a move, a cancellation, by the patient or the
  practice) go to the new address from now on, and its place in the patient's cap counter with its professional
  moves to the new address's counter, so that cancelling it later frees the place it takes.
- A past or cancelled appointment keeps the address it was booked with: it is the practice's record of what the
  patient gave and where its e-mails went, and no e-mail about it is left to send. It is listed under the new
  address, as is a time held at that moment (a hold awaiting its code, a waiting list's offer), which keeps its
  address until it is confirmed or lapses.
- Waiting-list entries: their offers go to the new address, and they count among its entries.
- Mobile numbers proven with a texted code: proven for the new address too (the same person proved both), so text
  reminders go on without a new code.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from ..core import keys
from ..core.appointment import CONFIRMED, Appointment
from ..core.concurrency import StaleRead

if TYPE_CHECKING:
    from ..core.store import Store

logger = logging.getLogger(__name__)

TRIES = 3


def follow(store: Store, old_mailbox: str, email: str, now: int) -> None:
    """Move what the old mailbox holds to ``email`` (its mailbox: ``keys.email_hash``), as the module says."""
    mailbox = keys.email_hash(email)
    for appointment in store.appointments_of_mailbox(old_mailbox):
        if appointment.status == CONFIRMED and appointment.end_epoch > now and appointment.email:
            _readdress(store, appointment, email)
        else:
            store.move_to_mailbox(appointment, mailbox)
    _waitlist(store, old_mailbox, email, now)
    store.readdress_phone_proofs(store.phone_proofs(old_mailbox), mailbox)


def _readdress(store: Store, appointment: Appointment, email: str) -> None:
    for _ in range(TRIES):
        old = store.versioned(appointment.cap_counter_key, "appointments")
        new = store.patient_appointments(appointment.practitioner_id, email, appointment.relative_id)
        try:
            store.readdress(appointment, email, old, new)
            return
        except StaleRead:
            fresh = store.appointment(appointment.id)
            if fresh is None:
                return
            appointment = fresh
            if appointment.status != CONFIRMED:  # cancelled meanwhile: listed, its address kept
                break
    else:
        logger.warning("appointment %s kept its address after a change of address (busy)", appointment.id)
    store.move_to_mailbox(appointment, keys.email_hash(email))


def _waitlist(store: Store, old_mailbox: str, email: str, now: int) -> None:
    entries = store.waitlist_of_mailbox(old_mailbox)
    if not entries:
        return
    for _ in range(TRIES):
        old = store.get_item(keys.mailbox_waitlist_key(old_mailbox)) or {}
        new = store.get_item(keys.mailbox_waitlist_key(keys.email_hash(email))) or {}
        try:
            store.readdress_waitlist(entries, old_mailbox, email, old, new, now)
            return
        except StaleRead:
            continue
    logger.warning("waiting-list entries kept their address after a change of address (busy)")
