"""Reads of the table: each a GetItem, a BatchGetItem or a Query on a key or GSI1, never a Scan
(docs/data-model.md numbers the access patterns)."""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

from .. import keys
from ..appointment import AgendaLine, Appointment
from ..concurrency import Holds, Replay, Versioned
from ..proof import Proof
from .table import Table, plain


class Reads(Table):
    # -- profiles ------------------------------------------------------------------------------------------------

    def profile(self, practitioner_id: str) -> dict[str, Any] | None:
        return self._get(keys.profile_key(practitioner_id), consistent=False)

    def profile_for_edit(self, practitioner_id: str) -> dict[str, Any] | None:
        """The profile read strongly consistent, with its ``version`` (0 if it was never edited)."""
        return self._get(keys.profile_key(practitioner_id))

    def profiles(self, practitioner_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Profiles by id with one BatchGetItem per 100 ids (missing ids are absent from the answer)."""
        wanted = list(dict.fromkeys(practitioner_ids))
        found: dict[str, dict[str, Any]] = {}
        for first in range(0, len(wanted), 100):
            request: dict[str, Any] = {self.name: {"Keys": [keys.profile_key(i) for i in wanted[first : first + 100]]}}
            deadline = time.monotonic() + self.budget_seconds
            answers = self._batch(
                lambda r: self.client.batch_get_item(RequestItems=r), request, "UnprocessedKeys", deadline
            )
            for answer in answers:
                for item in answer.get("Responses", {}).get(self.name, []):
                    found[str(item["practitioner_id"])] = plain(item)
        return found

    def bookable_profiles(self) -> list[dict[str, Any]]:
        """Every profile of a professional who books online: one Query of GSI1's ``BOOKABLE`` partition (paged past
        1 MB), in id order. Eventually consistent, as every read of an index is."""
        items = self._query_all(
            IndexName="GSI1",
            KeyConditionExpression="GSI1PK = :pk",
            ExpressionAttributeValues={":pk": keys.BOOKABLE},
        )
        return [item for item in items if item.get("online_booking")]

    # -- units ---------------------------------------------------------------------------------------------------

    def units(self, practitioner_id: str, start: datetime, end: datetime) -> list[dict[str, Any]]:
        """The unit items of one professional starting in ``[start, end)``: one Query (paged past 1 MB)."""
        low, high = keys.unit_range(start, end)
        return self._query_all(
            KeyConditionExpression="PK = :pk AND SK BETWEEN :low AND :high",
            ExpressionAttributeValues={":pk": keys.practitioner_pk(practitioner_id), ":low": low, ":high": high},
            ProjectionExpression="SK, #state, hold_until, busy_start, busy_end, appointment_id",
            ExpressionAttributeNames={"#state": "state"},
        )

    def units_of_many(self, windows: Sequence[tuple[str, datetime, datetime]]) -> list[list[dict[str, Any]]]:
        """``units`` for several professionals at once, the queries in parallel (the client is thread-safe)."""
        if len(windows) <= 1:
            return [self.units(*w) for w in windows]
        with ThreadPoolExecutor(max_workers=min(8, len(windows))) as pool:
            return list(pool.map(lambda w: self.units(*w), windows))

    # -- appointments --------------------------------------------------------------------------------------------

    def appointment(self, appointment_id: str) -> Appointment | None:
        item = self._get(keys.appointment_key(appointment_id))
        return Appointment.from_item(item) if item else None

    def manage_secret(self, appointment_id: str) -> dict[str, Any] | None:
        """Only what checks a manage token: the token's hash and the status (None for an unknown id). A small read
        of the same size whether the appointment exists or not (booking/service.py, ``_authorised``)."""
        return self._get(
            keys.appointment_key(appointment_id),
            projection="token_hash, #status",
            names={"#status": "status"},
        )

    def agenda(self, practitioner_id: str, start: datetime, end: datetime) -> list[Appointment]:
        """Appointments of one professional starting in ``[start, end)``, by start (GSI1; the back-office's day)."""
        low, high = keys.agenda_range(start, end)
        items = self._query_all(
            IndexName="GSI1",
            KeyConditionExpression="GSI1PK = :pk AND GSI1SK BETWEEN :low AND :high",
            ExpressionAttributeValues={":pk": keys.practitioner_pk(practitioner_id), ":low": low, ":high": high},
        )
        return [Appointment.from_item(item) for item in items]

    def agenda_lines(self, practitioner_id: str, start: datetime, end: datetime) -> list[AgendaLine]:
        """``agenda`` read as the grid needs it: one Query of GSI1 whose projection leaves out what the grid never
        shows (what is read is about a third of each item; the patient's e-mail and phone are not read at all)."""
        low, high = keys.agenda_range(start, end)
        projection, names = AgendaLine.projection()
        items = self._query_all(
            IndexName="GSI1",
            KeyConditionExpression="GSI1PK = :pk AND GSI1SK BETWEEN :low AND :high",
            ExpressionAttributeValues={":pk": keys.practitioner_pk(practitioner_id), ":low": low, ":high": high},
            ProjectionExpression=projection,
            ExpressionAttributeNames=names,
        )
        return [AgendaLine.from_item(item) for item in items]

    def versioned(self, key: Mapping[str, str], attribute: str) -> Versioned:
        item = self._get(key) or {}
        return Versioned(dict(item.get(attribute) or {}), int(item.get("version", 0)))

    def patient_appointments(self, practitioner_id: str, email: str, relative_id: str | None = None) -> Versioned:
        """The patient's future appointments with this professional, ``{id: end epoch}``, and their version: the
        mailbox's own, or those of one of its patient space's relatives (``relative_id``)."""
        return self.versioned(keys.patient_key(practitioner_id, email, relative_id), "appointments")

    def email_holds(self, email: str) -> Holds:
        """The mailbox's unconfirmed holds (its canonical form), ``{id: hold expiry epoch}``, and their version."""
        return self._holds(keys.holds_key(email))

    def network_holds(self, network_hash: str) -> Holds:
        """The unconfirmed holds made from one network (clientaddress.network, hashed), and their version."""
        return self._holds(keys.network_holds_key(network_hash))

    def _holds(self, key: Mapping[str, str]) -> Holds:
        item = self._get(key) or {}
        unproven = frozenset(item.get("unproven") or {})
        return Holds(dict(item.get("holds") or {}), unproven, int(item.get("version", 0)))

    def proof(self, token_hash: str) -> Proof | None:
        """The e-mail proof whose token has this hash (whether it is still valid is the caller's to check)."""
        item = self._get(keys.proof_key(token_hash))
        return Proof.from_item(item) if item else None

    def proof_code(self, challenge_id: str) -> dict[str, Any] | None:
        """The code sent to prove an e-mail address (``POST /v1/email-proofs``), as stored."""
        return self._get(keys.proof_code_key(challenge_id))

    def idempotency(self, key: str) -> Replay | None:
        item = self._get(keys.idempotency_key(key))
        if item is None or item.get("expires_at", 0) < time.time():
            return None
        return Replay(str(item["appointment_id"]), str(item["fingerprint"]))

    # -- the back-office's audit log and calendar feeds ----------------------------------------------------------

    def audit_of_appointment(
        self, appointment_id: str, practitioner_id: str | None = None, days: Iterable[str] = ()
    ) -> list[dict[str, Any]]:
        """Every audit entry of one appointment, oldest first (the patient's request): its own entries (one Query of
        its partition), and the showings of ``practitioner_id``'s agenda that named it on each of ``days``, the UTC
        dates it was on (``Appointment.audit_days``; one Query of that date's partition, filtered on the id)."""
        items = self._query_all(
            KeyConditionExpression="PK = :pk",
            ExpressionAttributeValues={":pk": keys.audit_partition(appointment_id)},
        )
        for day in sorted(set(days)) if practitioner_id else ():
            items += self._query_all(
                KeyConditionExpression="PK = :pk",
                FilterExpression="contains(appointment_ids, :id)",
                ExpressionAttributeValues={
                    ":pk": keys.audit_listing_partition(str(practitioner_id), day),
                    ":id": appointment_id,
                },
            )
        return sorted(items, key=lambda item: str(item["SK"]))

    def audit_of_practitioner(self, practitioner_id: str, start: datetime, end: datetime) -> list[dict[str, Any]]:
        """The audit entries of one professional's agenda written in ``[start, end)``, oldest first (GSI1)."""
        low, high = keys.audit_range(start, end)
        return self._query_all(
            IndexName="GSI1",
            KeyConditionExpression="GSI1PK = :pk AND GSI1SK BETWEEN :low AND :high",
            ExpressionAttributeValues={
                ":pk": keys.audit_practitioner_partition(practitioner_id),
                ":low": low,
                ":high": high,
            },
        )

    def feed(self, token_hash: str) -> dict[str, Any] | None:
        """The calendar feed whose token has this hash (read strongly consistent: a revocation holds at once)."""
        return self._get(keys.feed_key(token_hash))

    def feed_pointer(self, practitioner_id: str) -> dict[str, Any] | None:
        return self._get(keys.feed_pointer_key(practitioner_id))
