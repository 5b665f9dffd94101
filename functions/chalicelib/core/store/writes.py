"""Writes of one item: profiles, rate-limit counters, a hold's code, a no-show, audit entries. Each conditional
write answers its failed condition in its own terms (False, None, StaleRead) and never retries it."""

from __future__ import annotations

import time
import uuid
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

from .. import keys, units
from ..appointment import CONFIRMED, HELD, Appointment
from ..concurrency import StaleRead
from ..proof import Proof
from ..retention import Retention
from .table import Table, plain

AUDIT_UNWRITTEN = "The audit log cannot be written; nothing was shown."


class Writes(Table):
    # -- profiles ------------------------------------------------------------------------------------------------

    def put_profile(self, practitioner_id: str, attributes: Mapping[str, Any]) -> None:
        item_keys = keys.profile_keys(practitioner_id, bool(attributes.get("online_booking")))
        self._call("put_item", Item={**item_keys, **attributes})

    def save_profile(self, practitioner_id: str, attributes: Mapping[str, Any], version: int) -> None:
        """Replace the profile if it is still at ``version`` (it is then at ``version + 1``); StaleRead otherwise."""
        operation = uuid.uuid4().hex
        item_keys = keys.profile_keys(practitioner_id, bool(attributes.get("online_booking")))
        item = {**item_keys, **attributes, "version": version + 1, "last_operation": operation}
        condition: dict[str, Any] = (
            {"ConditionExpression": "version = :version", "ExpressionAttributeValues": {":version": version}}
            if version
            else {"ConditionExpression": "attribute_not_exists(version)"}
        )
        if self._conditional("put_item", Item=item, **condition) is None:
            # The condition failed: either another change came first, or our own earlier attempt committed and
            # its answer was lost (then the profile carries our operation).
            if (self._get(keys.profile_key(practitioner_id)) or {}).get("last_operation") != operation:
                raise StaleRead("the profile changed")

    # -- rate limits ---------------------------------------------------------------------------------------------

    def hit(self, scope: str, subject: str, window_start: int, window_seconds: int, limit: int) -> bool:
        """Count one hit in a fixed window; False (and nothing counted) once ``limit`` hits are counted."""
        answer = self._conditional(
            "update_item",
            Key=keys.rate_key(scope, subject, window_start),
            UpdateExpression="ADD hits :one SET expires_at = :expires",
            ConditionExpression="attribute_not_exists(hits) OR hits < :limit",
            ExpressionAttributeValues={
                ":one": 1,
                ":limit": limit,
                ":expires": window_start + window_seconds + 3600,
            },
        )
        return answer is not None

    def unhit(self, scope: str, subject: str, window_start: int) -> None:
        """Take one hit back (a request refused after it was counted); never below zero."""
        self._conditional(
            "update_item",
            Key=keys.rate_key(scope, subject, window_start),
            UpdateExpression="ADD hits :minus",
            ConditionExpression="hits > :zero",
            ExpressionAttributeValues={":minus": -1, ":zero": 0},
        )

    # -- e-mail proofs -------------------------------------------------------------------------------------------

    def put_proof_code(self, challenge_id: str, item: Mapping[str, Any]) -> None:
        """Store the code of a new e-mail proof request (its id is random and new)."""
        self._call("put_item", Item={**keys.proof_code_key(challenge_id), **item})

    def put_proof(self, token_hash: str, proof: Proof, now: int) -> None:
        """Store an e-mail proof under its token's hash (the token itself is never stored)."""
        self._call("put_item", Item={**keys.proof_key(token_hash), **proof.to_item(now)})

    def spend_proof_attempt(self, challenge_id: str, now: int, max_attempts: int) -> dict[str, Any] | None:
        """Use one attempt of a live proof code (atomically, before the code is compared); None if none is left."""
        answer = self._conditional(
            "update_item",
            Key=keys.proof_code_key(challenge_id),
            UpdateExpression="SET code_attempts = code_attempts + :one",
            ConditionExpression="valid_until > :now AND code_attempts < :max",
            ExpressionAttributeValues={":one": 1, ":now": now, ":max": max_attempts},
            ReturnValues="ALL_NEW",
        )
        return None if answer is None else plain(answer["Attributes"])

    # -- a hold's code, a no-show --------------------------------------------------------------------------------

    def spend_code_attempt(self, appointment_id: str, now: int, max_attempts: int) -> Appointment | None:
        """Use one code attempt of a live hold (atomically, before the code is compared); None if none is left."""
        answer = self._conditional(
            "update_item",
            Key=keys.appointment_key(appointment_id),
            UpdateExpression="SET code_attempts = code_attempts + :one",
            ConditionExpression="#status = :held AND hold_until > :now AND code_attempts < :max",
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues={":one": 1, ":held": HELD, ":now": now, ":max": max_attempts},
            ReturnValues="ALL_NEW",
        )
        return None if answer is None else Appointment.from_item(plain(answer["Attributes"]))

    def replace_code(self, appointment_id: str, code_hash: str, now: int, max_sends: int, max_attempts: int) -> bool:
        """Store a new code for a live hold that has sent fewer than ``max_sends`` codes and is not locked (fewer
        than ``max_attempts`` wrong codes: a new code could not confirm it); False when it may not."""
        answer = self._conditional(
            "update_item",
            Key=keys.appointment_key(appointment_id),
            UpdateExpression="SET code_hash = :hash, codes_sent = codes_sent + :one",
            ConditionExpression="#status = :held AND hold_until > :now AND codes_sent < :max "
            "AND code_attempts < :attempts",
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues={
                ":hash": code_hash,
                ":one": 1,
                ":held": HELD,
                ":now": now,
                ":max": max_sends,
                ":attempts": max_attempts,
            },
        )
        return answer is not None

    def set_no_show(self, appointment_id: str, no_show: bool, now: int) -> Appointment | None:
        """Mark (or unmark) a confirmed appointment whose start has passed as missed; None when it may not be."""
        answer = self._conditional(
            "update_item",
            Key=keys.appointment_key(appointment_id),
            UpdateExpression="SET no_show = :no_show, no_show_at = :now",
            ConditionExpression="#status = :confirmed AND start_epoch <= :now",
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues={":no_show": no_show, ":now": now, ":confirmed": CONFIRMED},
            ReturnValues="ALL_NEW",
        )
        return None if answer is None else Appointment.from_item(plain(answer["Attributes"]))

    # -- loading ---------------------------------------------------------------------------------------------------

    def put_booked(self, appointments: Sequence[Appointment], now: int) -> None:
        """Write confirmed appointments as a booking leaves them (the appointment in the agenda's index, its booked
        units, and for one still ahead with an e-mail the patient's cap counter), in batches of 25 and without any
        condition: to load demo data into a fresh table, never to book (that is the transactions' work)."""
        items: list[dict[str, Any]] = []
        for appointment in appointments:
            start = datetime.fromtimestamp(appointment.start_epoch, UTC)
            items.append(
                {
                    **appointment.to_item(),
                    **keys.appointment_key(appointment.id),
                    **keys.agenda_keys(appointment.practitioner_id, start, appointment.id),
                }
            )
            booked = units.booked(appointment.id, appointment.start_epoch, appointment.end_epoch)
            for unit in appointment.units:
                items.append({**keys.unit_key(appointment.practitioner_id, units.from_epoch(unit)), **booked})
            if appointment.email and appointment.end_epoch > now:
                counter = keys.patient_key(appointment.practitioner_id, appointment.email)
                entries = {appointment.id: appointment.end_epoch}
                expires = Retention.transient(appointment.end_epoch)
                items.append({**counter, "appointments": entries, "version": 1, "expires_at": expires})
        deadline = time.monotonic() + self.budget_seconds * 10
        for first in range(0, len(items), 25):
            request: dict[str, Any] = {self.name: [{"PutRequest": {"Item": i}} for i in items[first : first + 25]]}
            self._batch(lambda r: self.client.batch_write_item(RequestItems=r), request, "UnprocessedItems", deadline)

    # -- the audit log -------------------------------------------------------------------------------------------

    def write_audit(self, entries: Sequence[Mapping[str, Any]]) -> None:
        """Store audit entries (complete items): one PutItem, or BatchWriteItem by 25 with what is left unprocessed
        retried, the batches sent side by side (a week of 200 patients is 8 batches: one round trip, not 8). Raises
        Unavailable unless every entry is written, so that no read goes unrecorded."""
        if len(entries) == 1:
            self._call("put_item", Item=dict(entries[0]))
            return
        deadline = time.monotonic() + self.budget_seconds

        def send(first: int) -> None:
            request: dict[str, Any] = {
                self.name: [{"PutRequest": {"Item": dict(e)}} for e in entries[first : first + 25]]
            }
            self._batch(
                lambda r: self.client.batch_write_item(RequestItems=r),
                request,
                "UnprocessedItems",
                deadline,
                unreachable=AUDIT_UNWRITTEN,
                busy=AUDIT_UNWRITTEN,
            )

        batches = range(0, len(entries), 25)
        if len(batches) == 1:
            send(0)
            return
        with ThreadPoolExecutor(max_workers=min(4, len(batches))) as pool:
            list(pool.map(send, batches))  # the first failure is raised here, once every batch has ended
