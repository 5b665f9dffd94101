"""What the table keeps under one mailbox (a canonical e-mail address, hashed: ``keys.email_hash``), whatever the
professional: its appointments and waiting-list entries (GSI2), its proven mobile numbers (``EMAIL#<hash>``), and
moving them all to another mailbox when a patient space's account changes its address (docs/data-model.md,
patterns 44, 49, 50 and 51).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .. import keys
from ..appointment import CONFIRMED, Appointment
from ..concurrency import StaleRead, Versioned
from ..retention import Retention
from ..units import from_epoch
from .table import Part, Table, Transaction
from .transactions import _counter_put, _versioned_put


class Mailboxes(Table):
    # -- reads ---------------------------------------------------------------------------------------------------

    def appointments_of_mailbox(self, mailbox: str) -> list[Appointment]:
        """Every appointment booked with one mailbox, whatever the professional, by start: one Query of GSI2."""
        return [Appointment.from_item(item) for item in self._listed(mailbox, keys.START_PREFIX)]

    def waitlist_of_mailbox(self, mailbox: str) -> list[dict[str, Any]]:
        """Every waiting-list entry of one mailbox, whatever the professional, by the time it joined: one Query of
        GSI2 (the entries carry the queue's keys, ``PK``/``SK``, too)."""
        return self._listed(mailbox, keys.WAIT_PREFIX)

    def phone_proofs(self, mailbox: str) -> list[dict[str, Any]]:
        """The mobile numbers the mailbox's owner proved with a texted code (each a digest): one Query."""
        return self._query_all(
            KeyConditionExpression="PK = :pk AND begins_with(SK, :prefix)",
            ExpressionAttributeValues={":pk": keys.email_partition(mailbox), ":prefix": keys.PHONE_PREFIX},
            ConsistentRead=True,
        )

    def _listed(self, mailbox: str, prefix: str) -> list[dict[str, Any]]:
        return self._query_all(
            IndexName="GSI2",
            KeyConditionExpression="GSI2PK = :pk AND begins_with(GSI2SK, :prefix)",
            ExpressionAttributeValues={":pk": keys.mailbox_partition(mailbox), ":prefix": prefix},
        )

    # -- a new address ---------------------------------------------------------------------------------------------

    def move_to_mailbox(self, appointment: Appointment, mailbox: str) -> None:
        """List an appointment in another mailbox's patient space, its address unchanged (a past or cancelled
        appointment keeps the address it was booked with: the account changed its e-mail)."""
        listed = keys.mailbox_keys(mailbox, from_epoch(appointment.start_epoch), appointment.id)
        self._conditional(
            "update_item",
            Key=keys.appointment_key(appointment.id),
            UpdateExpression="SET mailbox = :mailbox, GSI2PK = :pk, GSI2SK = :sk",
            ConditionExpression="attribute_exists(PK)",
            ExpressionAttributeValues={":mailbox": mailbox, ":pk": listed["GSI2PK"], ":sk": listed["GSI2SK"]},
        )

    def readdress(self, appointment: Appointment, email: str, old: Versioned, new: Versioned) -> None:
        """Send a confirmed appointment's later e-mails to ``email`` and list it under its mailbox: the appointment
        (still confirmed, at the revision read), and its place in the patient's cap counters, taken from the old
        address's (``old``, as read) into the new one's (``new``, as read), in one transaction. StaleRead when the
        appointment or a counter changed meanwhile."""
        mailbox = keys.email_hash(email)
        listed = keys.mailbox_keys(mailbox, from_epoch(appointment.start_epoch), appointment.id)
        transaction = Transaction()
        transaction.add(
            Part.APPOINTMENT,
            {
                "Update": {
                    "Key": keys.appointment_key(appointment.id),
                    "UpdateExpression": "SET patient.email = :email, mailbox = :mailbox, GSI2PK = :pk, "
                    "GSI2SK = :sk, revision = revision + :one",
                    "ConditionExpression": "#status = :confirmed AND revision = :revision",
                    "ExpressionAttributeNames": {"#status": "status"},
                    "ExpressionAttributeValues": {
                        ":email": email,
                        ":mailbox": mailbox,
                        ":pk": listed["GSI2PK"],
                        ":sk": listed["GSI2SK"],
                        ":one": 1,
                        ":confirmed": CONFIRMED,
                        ":revision": appointment.revision,
                    },
                }
            },
        )
        if old.version:
            left = {k: v for k, v in old.entries.items() if k != appointment.id}
            transaction.add(Part.PATIENT, _counter_put(appointment.cap_counter_key, left, old.version))
        entries = {**new.entries, appointment.id: appointment.end_epoch}
        counter = keys.patient_key(appointment.practitioner_id, email, appointment.relative_id)
        transaction.add(Part.NEW_PATIENT, _counter_put(counter, entries, new.version))
        if self._transact(transaction) is not None:
            raise StaleRead("the appointment or its counters changed")

    def readdress_waitlist(  # noqa: PLR0917 (one transaction's parts)
        self,
        entries: Sequence[Mapping[str, Any]],
        old_mailbox: str,
        email: str,
        old: Mapping[str, Any],
        new: Mapping[str, Any],
        now: int,
    ) -> None:
        """Move a mailbox's waiting-list entries to ``email``: each entry's address and listing, and the e-mail's
        entries item (``old`` and ``new``, as read: {} for none) merged under the new address, the old deleted,
        together. StaleRead when either item changed meanwhile."""
        mailbox = keys.email_hash(email)
        transaction = Transaction()
        for entry in entries:
            transaction.add(
                Part.WAIT_ENTRY,
                {
                    "Update": {
                        "Key": {"PK": entry["PK"], "SK": entry["SK"]},
                        "UpdateExpression": "SET email = :email, patient.email = :email, GSI2PK = :pk",
                        "ConditionExpression": "attribute_exists(PK)",
                        "ExpressionAttributeValues": {":email": email, ":pk": keys.mailbox_partition(mailbox)},
                    }
                },
            )
        if old:
            transaction.add(
                Part.OLD_WAIT_EMAIL,
                {
                    "Delete": {
                        "Key": keys.mailbox_waitlist_key(old_mailbox),
                        "ConditionExpression": "version = :version",
                        "ExpressionAttributeValues": {":version": int(old.get("version") or 0)},
                    }
                },
            )
            both = {**dict(new.get("entries") or {}), **dict(old.get("entries") or {})}
            live = {k: int(v) for k, v in both.items() if int(v) > now}
            # the open offer that is still open, the old address's first: the offer e-mail named it
            offer = next((i for i in (old, new) if int(i.get("offer_until") or 0) > now), {})
            attributes = {
                "entries": live,
                **{k: offer[k] for k in ("offer_until", "offer_id") if k in offer},
                "expires_at": Retention.transient(max([*live.values(), 0])),
            }
            put = _versioned_put(keys.email_waitlist_key(email), attributes, int(new.get("version") or 0))
            transaction.add(Part.WAIT_EMAIL, put)
        if transaction.actions and self._transact(transaction) is not None:
            raise StaleRead("the e-mail's waiting-list entries changed")

    def readdress_phone_proofs(self, proofs: Sequence[Mapping[str, Any]], mailbox: str) -> None:
        """Move proven mobile numbers to another mailbox (each as it was: its proof time and expiry)."""
        for proof in proofs:
            moved = {**proof, **keys.mailbox_phone_key(mailbox, str(proof["SK"])[len(keys.PHONE_PREFIX) :])}
            self._call("put_item", Item=moved)
            self._call("delete_item", Key={"PK": proof["PK"], "SK": proof["SK"]})
