"""Reminders and the waiting list in the table: planned reminders in time buckets, each claimed once by a
conditional delete; waiting patients in their professional's queue; offers held in one transaction with the
entry they answer; lapsed offers found by a Query of their hour (docs/data-model.md, patterns 26 to 35).
"""

from __future__ import annotations

import time as clock
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from .. import keys, units
from ..appointment import Appointment
from ..concurrency import Holds, StaleRead, Versioned
from ..errors import SlotTaken
from ..retention import Retention
from ..units import from_epoch
from .table import Part, Table, Transaction, plain
from .transactions import SLOT_JUST_TAKEN, _holds_put, _new, _unit_put, _versioned_put

KEYS = ("PK", "SK")


class Notices(Table):
    # -- reminders ----------------------------------------------------------------------------------------------

    def reminder_plan(self, appointment_id: str) -> dict[str, Any] | None:
        return self._get(keys.reminder_plan_key(appointment_id))

    def replan_reminders(
        self, plan: Mapping[str, Any], drop: Sequence[Mapping[str, str]], add: Sequence[Mapping[str, Any]]
    ) -> None:
        """Replace an appointment's planned reminders: delete ``drop`` (keys), put ``add`` (items) and the plan item
        ``plan`` (with its keys), together, so that a reminder is never both old and new."""
        transaction = Transaction()
        adding = {(item["PK"], item["SK"]) for item in add}
        for key in drop:
            if (key["PK"], key["SK"]) not in adding:
                transaction.add(Part.REMINDER, {"Delete": {"Key": {k: key[k] for k in KEYS}}})
        for item in add:
            transaction.add(Part.REMINDER, {"Put": {"Item": dict(item)}})
        transaction.add(Part.REMINDER_PLAN, {"Put": {"Item": dict(plan)}})
        if self._transact(transaction) is not None:
            raise StaleRead("the reminders changed")

    def update_plan(self, appointment_id: str, values: Mapping[str, Any]) -> None:
        """Set attributes of an appointment's plan item (its SMS code and counters)."""
        names = {f"#{i}": name for i, name in enumerate(values)}
        self._call(
            "update_item",
            Key=keys.reminder_plan_key(appointment_id),
            UpdateExpression="SET " + ", ".join(f"#{i} = :{i}" for i in range(len(values))),
            ExpressionAttributeNames=names,
            ExpressionAttributeValues={f":{i}": value for i, value in enumerate(values.values())},
        )

    def due_reminders(self, partitions: Sequence[str], bound: str) -> list[dict[str, Any]]:
        """The reminders of ``partitions`` due up to ``bound`` (their sort key), one Query each, in parallel."""

        def query(partition: str) -> list[dict[str, Any]]:
            return self._query_all(
                KeyConditionExpression="PK = :pk AND SK <= :bound",
                ExpressionAttributeValues={":pk": partition, ":bound": bound},
            )

        with ThreadPoolExecutor(max_workers=min(8, max(1, len(partitions)))) as pool:
            return [item for found in pool.map(query, partitions) for item in found]

    def claim(self, key: Mapping[str, str]) -> dict[str, Any] | None:
        """Take an item out of its time bucket (a reminder due, an offer lapsed): a conditional delete that one
        caller alone wins, whatever runs at the same time. The item as it was, or None if another took it."""
        answer = self._conditional(
            "delete_item",
            Key={k: key[k] for k in KEYS},
            ConditionExpression="attribute_exists(PK)",
            ReturnValues="ALL_OLD",
        )
        return None if answer is None else plain(answer.get("Attributes") or {})

    def put_item(self, item: Mapping[str, Any]) -> None:
        self._call("put_item", Item=dict(item))

    def get_item(self, key: Mapping[str, str]) -> dict[str, Any] | None:
        return self._get(key)

    def delete_unless_updated(self, key: Mapping[str, str], since: int) -> None:
        """Delete an item not updated since ``since`` (its ``updated_at``): a write that came after the decision to
        delete it keeps it."""
        self._conditional(
            "delete_item",
            Key={k: key[k] for k in KEYS},
            ConditionExpression="attribute_not_exists(updated_at) OR updated_at < :since",
            ExpressionAttributeValues={":since": since},
        )

    def appointments(self, appointment_ids: Iterable[str]) -> dict[str, Appointment]:
        """Appointments by id with one BatchGetItem per 100 (what a pass checks before it sends)."""
        wanted = list(dict.fromkeys(appointment_ids))
        found: dict[str, Appointment] = {}
        for first in range(0, len(wanted), 100):
            batch = [keys.appointment_key(i) for i in wanted[first : first + 100]]
            request: dict[str, Any] = {self.name: {"Keys": batch, "ConsistentRead": True}}
            deadline = clock.monotonic() + self.budget_seconds
            answers = self._batch(
                lambda r: self.client.batch_get_item(RequestItems=r), request, "UnprocessedKeys", deadline
            )
            for answer in answers:
                for item in answer.get("Responses", {}).get(self.name, []):
                    appointment = Appointment.from_item(plain(item))
                    found[appointment.id] = appointment
        return found

    def spend_attempt(self, key: Mapping[str, str], now: int, max_attempts: int) -> dict[str, Any] | None:
        """Use one attempt at a code stored on ``key`` (``code_until`` not passed, under ``max_attempts``), before
        the code is compared; the item after, or None when no attempt is left."""
        answer = self._conditional(
            "update_item",
            Key=dict(key),
            UpdateExpression="SET code_attempts = code_attempts + :one",
            ConditionExpression="code_until > :now AND code_attempts < :max",
            ExpressionAttributeValues={":one": 1, ":now": now, ":max": max_attempts},
            ReturnValues="ALL_NEW",
        )
        return None if answer is None else plain(answer["Attributes"])

    def query_partition(self, partition: str, bound: str | None = None) -> list[dict[str, Any]]:
        """Every item of one partition (up to ``bound``, its sort key), in sort-key order."""
        if bound is None:
            return self._query_all(KeyConditionExpression="PK = :pk", ExpressionAttributeValues={":pk": partition})
        return self._query_all(
            KeyConditionExpression="PK = :pk AND SK <= :bound",
            ExpressionAttributeValues={":pk": partition, ":bound": bound},
        )

    # -- the waiting list ---------------------------------------------------------------------------------------

    def join_waitlist(  # noqa: PLR0917 (one transaction's parts)
        self,
        request_key: Mapping[str, str] | None,
        entry: Mapping[str, Any],
        cap: Versioned,
        email: str,
        kept: Mapping[str, Any],
        marker_expires: int,
    ) -> None:
        """The proven request enters its professional's queue: the entry put, the request deleted (none when the
        request carried its proof), the e-mail's entries updated (version check, its open offer kept; deleted a day
        after the last ends) and the professional marked as having patients waiting (until ``marker_expires``).
        StaleRead when the e-mail's entries changed since they were read."""
        practitioner_id = str(entry["practitioner_id"])
        transaction = Transaction()
        new_entry = {"Item": dict(entry), "ConditionExpression": "attribute_not_exists(PK)"}
        transaction.add(Part.WAIT_ENTRY, {"Put": new_entry})
        if request_key is not None:
            request = {"Key": dict(request_key), "ConditionExpression": "attribute_exists(PK)"}
            transaction.add(Part.WAIT_REQUEST, {"Delete": request})
        expires = Retention.transient(max([*cap.entries.values(), 0]))
        attributes = {"entries": dict(cap.entries), **kept, "expires_at": expires}
        transaction.add(Part.WAIT_EMAIL, _versioned_put(keys.email_waitlist_key(email), attributes, cap.version))
        marker = {
            **keys.waiting_practice_key(practitioner_id),
            "practitioner_id": practitioner_id,
            "updated_at": int(entry["position"]),  # the millisecond the entry joined
            "expires_at": marker_expires,  # past the end of any entry that can join now
        }
        transaction.add(Part.WAIT_MARKER, {"Put": {"Item": marker}})
        cancelled = self._transact(transaction)
        if cancelled is None:
            return
        if cancelled.failed(Part.WAIT_REQUEST) or cancelled.failed(Part.WAIT_ENTRY):
            return  # our own earlier attempt committed (the request is gone, the entry there)
        raise StaleRead("the e-mail's waiting-list entries changed")

    def offer(
        self,
        appointment: Appointment,
        entry_key: Mapping[str, str],
        holds: Holds,
        lapse: Mapping[str, Any],
        now: int,
        *,
        offer_hash: str,
    ) -> bool:
        """Hold a freed time for one waiting patient: the held appointment and its units, the entry from waiting
        to offered, the e-mail's one open offer (none may be open), its holds (``holds``: as read, the offer
        included, as a proven hold), and the offer's lapse item, or nothing. False when the entry or the e-mail no
        longer allows it; SlotTaken when a unit is taken; StaleRead when the e-mail's holds changed."""
        hold_until = int(appointment.hold_until or 0)
        transaction = Transaction()
        held = _new(appointment)
        held["Put"]["Item"]["offer_hash"] = offer_hash  # what the offer's link opens, kept once it is accepted
        transaction.add(Part.APPOINTMENT, held)
        transaction.add(
            Part.WAIT_ENTRY,
            {
                "Update": {
                    "Key": dict(entry_key),
                    "UpdateExpression": "SET #state = :offered, offer_id = :id, offer_until = :until",
                    "ConditionExpression": "#state = :waiting",
                    "ExpressionAttributeNames": {"#state": "state"},
                    "ExpressionAttributeValues": {
                        ":offered": "offered",
                        ":waiting": "waiting",
                        ":id": appointment.id,
                        ":until": hold_until,
                    },
                }
            },
        )
        transaction.add(
            Part.WAIT_EMAIL,
            {
                "Update": {
                    "Key": keys.email_waitlist_key(appointment.email),
                    "UpdateExpression": "SET offer_until = :until, offer_id = :id",
                    "ConditionExpression": "attribute_exists(PK) AND "
                    "(attribute_not_exists(offer_until) OR offer_until < :now)",
                    "ExpressionAttributeValues": {":until": hold_until, ":id": appointment.id, ":now": now},
                }
            },
        )
        transaction.add(Part.HOLDS, _holds_put(keys.holds_key(appointment.email), holds))
        transaction.add(Part.LAPSE, {"Put": {"Item": dict(lapse)}})
        unit = units.held(appointment.id, appointment.start_epoch, appointment.end_epoch, hold_until)
        for start in appointment.units:
            transaction.add(Part.UNIT_TAKEN, _unit_put(appointment.practitioner_id, start, unit, now))
        cancelled = self._transact(transaction)
        if cancelled is None:
            return True
        if cancelled.failed(Part.APPOINTMENT):
            return True  # a new random id: only our own earlier attempt wrote it
        if cancelled.failed(Part.UNIT_TAKEN):
            raise SlotTaken(SLOT_JUST_TAKEN, field="start")
        if cancelled.failed(Part.HOLDS):
            raise StaleRead("the e-mail's holds changed")
        return False

    def settle_entry(self, entry_key: Mapping[str, str], offer_id: str, state: str, passed: int | None) -> None:
        """An offered entry once its offer is over: ``booked``, or back to ``waiting`` with the offered start added
        to the times it passed (never offered again). Only if it still waits on ``offer_id``."""
        expression = "SET #state = :state REMOVE offer_id, offer_until"
        values: dict[str, Any] = {":state": state, ":id": offer_id}
        if passed is not None:
            expression = (
                "SET #state = :state, passed = list_append(if_not_exists(passed, :none), :passed) "
                "REMOVE offer_id, offer_until"
            )
            values.update({":passed": [passed], ":none": []})
        self._conditional(
            "update_item",
            Key=dict(entry_key),
            UpdateExpression=expression,
            ConditionExpression="offer_id = :id",
            ExpressionAttributeNames={"#state": "state"},
            ExpressionAttributeValues=values,
        )

    def end_offer(self, email: str, offer_id: str, entry_id: str | None = None) -> None:
        """The e-mail may receive another offer (only if this one is still its open offer); ``entry_id``: that
        entry also leaves the e-mail's count (it was booked)."""
        expression = "SET offer_until = :zero REMOVE offer_id"
        names: dict[str, str] = {}
        if entry_id:
            expression += ", entries.#entry"
            names["#entry"] = entry_id
        self._conditional(
            "update_item",
            Key=keys.email_waitlist_key(email),
            UpdateExpression=expression,
            ConditionExpression="offer_id = :id",
            ExpressionAttributeValues={":zero": 0, ":id": offer_id},
            **({"ExpressionAttributeNames": names} if names else {}),
        )

    def release_hold(self, appointment: Appointment, now: int) -> None:
        """Let a held offer lapse now (declined): the appointment's and its units' hold ends a second ago."""
        transaction = Transaction()
        transaction.add(
            Part.APPOINTMENT,
            {
                "Update": {
                    "Key": keys.appointment_key(appointment.id),
                    "UpdateExpression": "SET hold_until = :past",
                    "ConditionExpression": "#status = :held",
                    "ExpressionAttributeNames": {"#status": "status"},
                    "ExpressionAttributeValues": {":past": now - 1, ":held": "held"},
                }
            },
        )
        for unit in appointment.units:
            transaction.add(
                Part.UNIT_KEPT,
                {
                    "Update": {
                        "Key": keys.unit_key(appointment.practitioner_id, from_epoch(unit)),
                        "UpdateExpression": "SET hold_until = :past",
                        "ConditionExpression": "appointment_id = :id",
                        "ExpressionAttributeValues": {":past": now - 1, ":id": appointment.id},
                    }
                },
            )
        if self._transact(transaction) is not None:
            raise StaleRead("the offer changed")
