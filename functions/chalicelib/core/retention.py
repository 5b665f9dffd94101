"""How long the table keeps what it holds about patients: the operator's retention policy, and the expiry (the
table's TTL attribute, ``expires_at``) each item gets from it.

Every item that holds personal data, or a digest of it, carries ``expires_at`` from the moment it is written
(docs/data-model.md lists each item's rule; tests/functions/booking/test_retention.py follows a booking's whole
life and reads every item). DynamoDB deletes an item some time after its ``expires_at`` (usually within a few
days), so every read that matters also compares the time itself: TTL is what makes data go away, never what decides
whether a hold is live.

The defaults, and why (docs/security.md, "Retention"):

- an appointment, confirmed or cancelled, with the patient's name, e-mail and phone: **90 days after its end**. The
  practice can still see a past appointment, its no-show mark and the patient's details when the patient calls
  about it; the back-office's no-show rate over the last 90 days and the patient space's past appointments read
  these items. The practice's own medical record, not the booking portal, is where care is documented.
- the audit log of the back-office (who was shown which appointment): **365 days after the entry**, longer than
  the appointments it names, so that a patient can ask who saw their details after the appointment is gone
  (France's data protection authority recommends keeping such access logs six months to a year).
- what only serves a booking in progress (holds, codes, proofs, rate-limit windows, idempotency records, the
  holds and cap counters by e-mail and network): a day after it stops being of use, at most.
- a patient space's account, passkeys and relatives: until the patient deletes it. Deleting it (patients/mydata.py)
  also withdraws the address's waiting-list entries and erases its proven mobile numbers at once, without waiting
  for their expiry; past appointments stay with their practices as above.
"""

from __future__ import annotations

from dataclasses import dataclass

DAY = 86400
DEFAULT_APPOINTMENT_DAYS = 90
DEFAULT_AUDIT_DAYS = 365
GRACE = DAY  # what serves a booking in progress is kept a day after its last use, for support and retries


@dataclass(frozen=True)
class Retention:
    """The retention policy in days (``RETENTION_DAYS``, ``AUDIT_RETENTION_DAYS`` in the stage's settings)."""

    appointment_days: int = DEFAULT_APPOINTMENT_DAYS
    audit_days: int = DEFAULT_AUDIT_DAYS

    def __post_init__(self) -> None:
        for name in ("appointment_days", "audit_days"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 3650:
                raise ValueError(f"retention: {name} must be a whole number of days from 1 to 3650, not {value!r}")

    def appointment(self, end: int) -> int:
        """When an appointment (or a blocked time) ending at ``end`` is deleted, with the patient's details."""
        return end + self.appointment_days * DAY

    def audit(self, at: int) -> int:
        """When an audit entry written at ``at`` is deleted."""
        return at + self.audit_days * DAY

    @staticmethod
    def transient(last_use: int) -> int:
        """When an item that serves a booking in progress is deleted, once ``last_use`` has passed."""
        return last_use + GRACE
