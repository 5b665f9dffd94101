"""The transactions: where double bookings become impossible (docs/data-model.md).

An appointment is written with one item per 5-minute unit it occupies, each on the condition that the unit is free
or held by a lapsed hold, all in one transaction: two appointments that overlap cannot both commit. A cancelled
transaction is read by the parts its actions write (``Part``), and becomes a domain error or ``StaleRead``.
A change that commits but loses its answer is recognised on retry by the operation id it wrote (``last_operation``).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from .. import keys, units
from ..appointment import CANCELLED, CONFIRMED, HELD, Appointment
from ..concurrency import Holds, IdempotentReplay, Replay, StaleRead, Versioned
from ..errors import AlreadyConfirmed, HoldExpired, SlotTaken
from ..proof import Proof
from ..retention import Retention
from ..units import from_epoch
from .table import Part, Table, Transaction

SLOT_JUST_TAKEN = "This time has just been taken; please choose another."


class Transactions(Table):
    # -- a patient's booking -------------------------------------------------------------------------------------

    def hold(
        self,
        appointment: Appointment,
        idempotency: tuple[str, str, int],
        holds: Holds,
        network: Holds | None,
        now: int,
    ) -> None:
        """Write a new hold: the appointment, each unit, the idempotency record, the e-mail's holds and, when
        ``network`` is given, the network's holds (``appointment.network_hash``), or nothing. ``holds`` and
        ``network`` are what was read, the new hold included (``Holds.with_hold``).

        Raises IdempotentReplay (the key was used before), SlotTaken (a unit is taken), StaleRead (the holds
        changed since they were read).
        """
        key, fingerprint, expires_at = idempotency
        hold_until = int(appointment.hold_until or 0)
        transaction = Transaction()
        transaction.add(Part.APPOINTMENT, _new(appointment))
        transaction.add(
            Part.IDEMPOTENCY,
            {
                "Put": {
                    "Item": {
                        **keys.idempotency_key(key),
                        "appointment_id": appointment.id,
                        "fingerprint": fingerprint,
                        "expires_at": expires_at,
                    },
                    "ConditionExpression": "attribute_not_exists(PK) OR expires_at < :now",
                    "ExpressionAttributeValues": {":now": now},
                    "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                }
            },
        )
        transaction.add(Part.HOLDS, _holds_put(keys.holds_key(appointment.email), holds))
        if network is not None and appointment.network_hash:
            transaction.add(Part.NETWORK_HOLDS, _holds_put(keys.network_holds_key(appointment.network_hash), network))
        unit = units.held(appointment.id, appointment.start_epoch, appointment.end_epoch, hold_until)
        for start in appointment.units:
            transaction.add(Part.UNIT_TAKEN, _unit_put(appointment.practitioner_id, start, unit, now))
        cancelled = self._transact(transaction)
        if cancelled is None:
            return
        if cancelled.failed(Part.IDEMPOTENCY):
            old = cancelled.old_item(Part.IDEMPOTENCY)
            if old.get("appointment_id") == appointment.id:
                return  # our own earlier attempt committed and its answer was lost: the hold is written
            raise IdempotentReplay(Replay(str(old.get("appointment_id", "")), str(old.get("fingerprint", ""))))
        if cancelled.failed(Part.UNIT_TAKEN):
            raise SlotTaken(SLOT_JUST_TAKEN, field="start")
        raise StaleRead("the holds changed")

    def confirm(self, appointment: Appointment, token_hash: str, patient: Versioned, now: int, expires_at: int) -> None:
        """Turn a live hold into a booking: appointment, units, the patient's cap counter, the e-mail's holds and
        the network's. The appointment is kept until ``expires_at`` (core/retention.py).

        Raises Gone (the hold expired or lost its units), Conflict (already confirmed), StaleRead (the cap counter
        changed since it was read).
        """
        appointment_id, end = appointment.id, appointment.end_epoch
        transaction = Transaction()
        transaction.add(
            Part.APPOINTMENT,
            {
                "Update": {
                    "Key": keys.appointment_key(appointment_id),
                    "UpdateExpression": "SET #status = :confirmed, token_hash = :token, confirmed_at = :now, "
                    "expires_at = :expires REMOVE code_hash, network_hash",
                    "ConditionExpression": "#status = :held AND hold_until > :now",
                    "ExpressionAttributeNames": {"#status": "status"},
                    "ExpressionAttributeValues": {
                        ":confirmed": CONFIRMED,
                        ":token": token_hash,
                        ":now": now,
                        ":held": HELD,
                        ":expires": expires_at,
                    },
                }
            },
        )
        entries = {**patient.entries, appointment_id: end}
        counter = appointment.cap_counter_key
        transaction.add(Part.PATIENT, _counter_put(counter, entries, patient.version))
        # A hold made before holds were told apart by proof (no network named) has no entry among the unproven.
        tracked = bool(appointment.network_hash) or appointment.proven is not None
        transaction.add(Part.HOLDS, _hold_removed(keys.holds_key(appointment.email), appointment_id, tracked))
        if appointment.network_hash:
            network = keys.network_holds_key(appointment.network_hash)
            transaction.add(Part.NETWORK_HOLDS, _hold_removed(network, appointment_id, True))
        for unit in appointment.units:
            transaction.add(
                Part.UNIT_KEPT,
                {
                    "Update": {
                        "Key": keys.unit_key(appointment.practitioner_id, from_epoch(unit)),
                        "UpdateExpression": "SET #state = :booked, expires_at = :expires REMOVE hold_until",
                        "ConditionExpression": "appointment_id = :id",
                        "ExpressionAttributeNames": {"#state": "state"},
                        "ExpressionAttributeValues": {
                            ":booked": units.BOOKED,
                            ":expires": Retention.transient(end),
                            ":id": appointment_id,
                        },
                    }
                },
            )
        cancelled = self._transact(transaction)
        if cancelled is None:
            return
        if cancelled.failed(Part.APPOINTMENT) or cancelled.failed(Part.UNIT_KEPT):
            current = self._stored(appointment_id)
            if current.get("status") == CONFIRMED and current.get("token_hash") == token_hash:
                return  # our own earlier attempt committed (the token is ours alone)
            if current.get("status") == CONFIRMED:
                raise AlreadyConfirmed("This appointment is already confirmed.")
            raise HoldExpired("The hold has expired; please choose a time again.")
        raise StaleRead("the patient's appointments changed")

    def cancel(self, appointment: Appointment, now: int, by: str) -> None:
        """Cancel a confirmed appointment unchanged since it was read: release its units, leave the cap counter.
        The cancelled appointment keeps its expiry (``appointment.expires_at``)."""
        self._cancel(appointment, now, by, CONFIRMED)

    def move(self, appointment: Appointment, moved: Appointment, counter: Versioned | None, now: int) -> None:
        """Move a confirmed appointment in one transaction: new units taken, old ones released, or nothing.

        ``moved`` is the appointment at its new ``start_epoch``, ``end_epoch``, ``units`` and ``expires_at``;
        ``counter`` the patient's cap counter as read (None for an appointment without e-mail), written again with
        the new end. Raises SlotTaken when a new unit is taken and StaleRead when the appointment or the counter
        changed since they were read.
        """
        appointment_id, practitioner_id = appointment.id, appointment.practitioner_id
        old_units, new_units = set(appointment.units), set(moved.units)
        agenda = keys.agenda_keys(practitioner_id, from_epoch(moved.start_epoch), appointment_id)
        operation = uuid.uuid4().hex
        # In the patient space's list (GSI2) too, when the appointment is in one: its start moves there as well.
        start = from_epoch(moved.start_epoch)
        listed = keys.mailbox_keys(moved.mailbox, start, appointment_id) if moved.mailbox else {}
        mine = {":mine": listed["GSI2SK"]} if listed else {}
        # A new date: the old one is kept (a string set), so that the agenda's audit entries of it are still found.
        was = keys.audit_day(appointment.start_epoch)
        former = {":was": {was}} if was != keys.audit_day(moved.start_epoch) else {}
        transaction = Transaction()
        transaction.add(
            Part.APPOINTMENT,
            {
                "Update": {
                    "Key": keys.appointment_key(appointment_id),
                    "UpdateExpression": "SET start_epoch = :start_epoch, end_epoch = :end_epoch, #units = :units, "
                    "GSI1SK = :agenda, moved_at = :now, revision = revision + :one, last_operation = :operation, "
                    "expires_at = :expires"
                    + (", GSI2SK = :mine" if listed else "")
                    + (" ADD former_days :was" if former else ""),
                    "ConditionExpression": "#status = :confirmed AND revision = :revision",
                    "ExpressionAttributeNames": {"#status": "status", "#units": "units"},
                    "ExpressionAttributeValues": {
                        ":start_epoch": moved.start_epoch,
                        ":end_epoch": moved.end_epoch,
                        ":units": list(moved.units),
                        ":agenda": agenda["GSI1SK"],
                        ":operation": operation,
                        ":now": now,
                        ":one": 1,
                        ":confirmed": CONFIRMED,
                        ":revision": appointment.revision,
                        ":expires": moved.expires_at,
                        **mine,
                        **former,
                    },
                }
            },
        )
        if appointment.email and counter is not None:  # taken by phone without an e-mail: no cap counter
            entries = {**counter.entries, appointment_id: moved.end_epoch}
            key = appointment.cap_counter_key
            transaction.add(Part.PATIENT, _counter_put(key, entries, counter.version))
        booked = units.booked(appointment_id, moved.start_epoch, moved.end_epoch)
        for unit in sorted(new_units - old_units):
            transaction.add(Part.UNIT_TAKEN, _unit_put(practitioner_id, unit, booked, now))
        for unit in sorted(new_units & old_units):
            transaction.add(
                Part.UNIT_KEPT,
                {
                    "Update": {
                        "Key": keys.unit_key(practitioner_id, from_epoch(unit)),
                        "UpdateExpression": "SET busy_start = :start, busy_end = :end, expires_at = :expires",
                        "ConditionExpression": "appointment_id = :id",
                        "ExpressionAttributeValues": {
                            ":start": moved.start_epoch,
                            ":end": moved.end_epoch,
                            ":expires": booked["expires_at"],
                            ":id": appointment_id,
                        },
                    }
                },
            )
        for unit in sorted(old_units - new_units):
            transaction.add(Part.UNIT_RELEASED, _unit_delete(appointment, unit))
        cancelled = self._transact(transaction)
        if cancelled is None or self._committed(appointment_id, operation):
            return
        if cancelled.failed(Part.UNIT_TAKEN):
            raise SlotTaken(SLOT_JUST_TAKEN, field="start")
        raise StaleRead("the appointment changed")

    # -- e-mail proofs ---------------------------------------------------------------------------------------------

    def redeem_proof_code(self, challenge_id: str, code_hash: str, token_hash: str, proof: Proof, now: int) -> bool:
        """Spend a proof code (its item deleted, on condition that it is still there with this code) and store the
        proof it earns, together; False when the code was spent meanwhile."""
        transaction = Transaction()
        transaction.add(
            Part.PROOF_CODE,
            {
                "Delete": {
                    "Key": keys.proof_code_key(challenge_id),
                    "ConditionExpression": "code_hash = :hash AND valid_until > :now",
                    "ExpressionAttributeValues": {":hash": code_hash, ":now": now},
                }
            },
        )
        transaction.add(
            Part.PROOF,
            {
                "Put": {
                    "Item": {**keys.proof_key(token_hash), **proof.to_item(now)},
                    "ConditionExpression": "attribute_not_exists(PK)",
                }
            },
        )
        return self._transact(transaction) is None

    # -- the practice's own --------------------------------------------------------------------------------------

    def book_by_practice(self, appointment: Appointment, counter: Versioned | None, now: int) -> None:
        """Write an appointment the practice took (by phone) or a block, its units booked at once, and the patient's
        cap counter when ``counter`` is given (read for this e-mail; the practice may exceed the cap).

        Raises SlotTaken (a unit is taken, or held by a live hold) or StaleRead (the counter changed).
        """
        appointment_id, practitioner_id = appointment.id, appointment.practitioner_id
        transaction = Transaction()
        transaction.add(Part.APPOINTMENT, _new(appointment))
        if counter is not None:
            entries = {**counter.entries, appointment_id: appointment.end_epoch}
            key = appointment.cap_counter_key
            transaction.add(Part.PATIENT, _counter_put(key, entries, counter.version))
        booked = units.booked(appointment_id, appointment.start_epoch, appointment.end_epoch)
        for unit in appointment.units:
            transaction.add(Part.UNIT_TAKEN, _unit_put(practitioner_id, unit, booked, now))
        cancelled = self._transact(transaction)
        if cancelled is None:
            return
        if cancelled.failed(Part.APPOINTMENT):
            return  # the id is random and new: only our own earlier attempt can have written it (answer lost)
        if cancelled.failed(Part.UNIT_TAKEN):
            raise SlotTaken("This time is already taken.", field="start")
        raise StaleRead("the patient's appointments changed")

    def cancel_by_practice(self, appointment: Appointment, now: int) -> None:
        """Cancel a confirmed appointment or release a block, unchanged since it was read: units deleted, and the
        cap counter updated when the appointment has an e-mail. StaleRead when it changed meanwhile."""
        self._cancel(appointment, now, "practitioner", appointment.status)

    def _cancel(self, appointment: Appointment, now: int, by: str, status: str) -> None:
        """Cancel an appointment still in ``status`` at the revision it was read at, releasing its units and its
        entry in the patient's cap counter; StaleRead when it changed meanwhile."""
        appointment_id = appointment.id
        operation = uuid.uuid4().hex
        transaction = Transaction()
        transaction.add(
            Part.APPOINTMENT,
            {
                "Update": {
                    "Key": keys.appointment_key(appointment_id),
                    "UpdateExpression": "SET #status = :cancelled, cancelled_at = :now, cancelled_by = :by, "
                    "revision = revision + :one, last_operation = :operation, expires_at = :expires",
                    "ConditionExpression": "#status = :status AND revision = :revision",
                    "ExpressionAttributeNames": {"#status": "status"},
                    "ExpressionAttributeValues": {
                        ":cancelled": CANCELLED,
                        ":status": status,
                        ":now": now,
                        ":by": by,
                        ":one": 1,
                        ":operation": operation,
                        ":revision": appointment.revision,
                        ":expires": appointment.expires_at,
                    },
                }
            },
        )
        if appointment.email:
            transaction.add(
                Part.PATIENT,
                {
                    "Update": {
                        "Key": appointment.cap_counter_key,
                        "UpdateExpression": "REMOVE appointments.#id SET version = version + :one",
                        "ExpressionAttributeNames": {"#id": appointment_id},
                        "ExpressionAttributeValues": {":one": 1},
                    }
                },
            )
        for unit in appointment.units:
            transaction.add(Part.UNIT_RELEASED, _unit_delete(appointment, unit))
        if self._transact(transaction) is not None and not self._committed(appointment_id, operation):
            raise StaleRead("the appointment changed")

    # -- calendar feeds ------------------------------------------------------------------------------------------

    def replace_feed(self, practitioner_id: str, feed: Mapping[str, Any], old_hash: str | None) -> None:
        """Make ``feed`` (with its ``token_hash``) the professional's feed and delete the one whose token hash was
        read as current (``old_hash``); StaleRead if another change came first."""
        pointer = keys.feed_pointer_key(practitioner_id)
        transaction = Transaction()
        transaction.add(
            Part.FEED,
            {
                "Put": {
                    "Item": {**keys.feed_key(feed["token_hash"]), **feed},
                    "ConditionExpression": "attribute_not_exists(PK)",
                }
            },
        )
        transaction.add(Part.FEED_POINTER, {"Put": {"Item": {**pointer, **feed}, **_pointer_condition(old_hash)}})
        if old_hash:
            transaction.add(Part.OLD_FEED, {"Delete": {"Key": keys.feed_key(old_hash)}})
        if self._transact(transaction) is not None:
            raise StaleRead("the feed changed")

    def revoke_feed(self, practitioner_id: str, old_hash: str) -> None:
        """Delete the professional's feed whose token hash was read as current; StaleRead if it changed meanwhile."""
        transaction = Transaction()
        pointer = {"Key": keys.feed_pointer_key(practitioner_id), **_pointer_condition(old_hash)}
        transaction.add(Part.FEED_POINTER, {"Delete": pointer})
        transaction.add(Part.OLD_FEED, {"Delete": {"Key": keys.feed_key(old_hash)}})
        if self._transact(transaction) is not None:
            raise StaleRead("the feed changed")

    # -- helpers -------------------------------------------------------------------------------------------------

    def _stored(self, appointment_id: str) -> dict[str, Any]:
        return self._get(keys.appointment_key(appointment_id)) or {}

    def _committed(self, appointment_id: str, operation: str) -> bool:
        """Whether the appointment's last change is ``operation``: an earlier attempt of ours committed and its
        answer was lost (Amazon DynamoDB answers such a retry by its ClientRequestToken; this also covers
        endpoints that ignore the token)."""
        return self._stored(appointment_id).get("last_operation") == operation


def _new(appointment: Appointment) -> dict[str, Any]:
    """Put a new appointment item, with its keys, its place in the professional's agenda (GSI1) and, when it has an
    e-mail, in that mailbox's patient space (GSI2)."""
    start = from_epoch(appointment.start_epoch)
    item = {
        **appointment.to_item(),
        **keys.appointment_key(appointment.id),
        **keys.agenda_keys(appointment.practitioner_id, start, appointment.id),
        **(keys.mailbox_keys(appointment.mailbox, start, appointment.id) if appointment.mailbox else {}),
    }
    return {"Put": {"Item": item, "ConditionExpression": "attribute_not_exists(PK)"}}


def _counter_put(key: Mapping[str, str], entries: Mapping[str, int], version: int) -> dict[str, Any]:
    """A patient's cap counter, ``{appointment id: end}``: deleted a day after the last of them ends (it only
    counts future appointments)."""
    expires = Retention.transient(max(entries.values(), default=0))
    return _versioned_put(key, {"appointments": dict(entries), "expires_at": expires}, version)


def _holds_put(key: Mapping[str, str], holds: Holds) -> dict[str, Any]:
    """An e-mail's or a network's holds awaiting confirmation: deleted a day after the last of them lapses."""
    expires = Retention.transient(max(holds.entries.values(), default=0))
    unproven = {k: v for k, v in holds.entries.items() if k in holds.unproven}
    attributes = {"holds": dict(holds.entries), "unproven": unproven, "expires_at": expires}
    return _versioned_put(key, attributes, holds.version)


def _hold_removed(key: Mapping[str, str], appointment_id: str, tracked: bool) -> dict[str, Any]:
    """A confirmed hold no longer counts among its e-mail's or network's holds."""
    removed = "holds.#id, unproven.#id" if tracked else "holds.#id"
    return {
        "Update": {
            "Key": dict(key),
            "UpdateExpression": f"REMOVE {removed} SET version = version + :one",
            "ExpressionAttributeNames": {"#id": appointment_id},
            "ExpressionAttributeValues": {":one": 1},
        }
    }


def _versioned_put(key: Mapping[str, str], attributes: Mapping[str, Any], version: int) -> dict[str, Any]:
    """Replace a versioned item if it is still at ``version`` (0: there is none yet)."""
    put: dict[str, Any] = {"Item": {**key, **attributes, "version": version + 1}}
    if version:
        put["ConditionExpression"] = "version = :version"
        put["ExpressionAttributeValues"] = {":version": version}
    else:
        put["ConditionExpression"] = "attribute_not_exists(PK)"
    return {"Put": put}


def _unit_put(practitioner_id: str, unit: int, unit_item: Mapping[str, Any], now: int) -> dict[str, Any]:
    """Take one unit (``unit``: its start, epoch seconds) with ``unit_item`` (units.held or units.booked)."""
    return {
        "Put": {
            "Item": {**keys.unit_key(practitioner_id, from_epoch(unit)), **unit_item},
            # Free, or a hold whose time is up: the one condition that makes double booking impossible.
            "ConditionExpression": "attribute_not_exists(PK) OR (#state = :held AND hold_until < :now)",
            "ExpressionAttributeNames": {"#state": "state"},
            "ExpressionAttributeValues": {":held": units.HELD, ":now": now},
        }
    }


def _unit_delete(appointment: Appointment, unit: int) -> dict[str, Any]:
    return {
        "Delete": {
            "Key": keys.unit_key(appointment.practitioner_id, from_epoch(unit)),
            "ConditionExpression": "appointment_id = :id",
            "ExpressionAttributeValues": {":id": appointment.id},
        }
    }


def _pointer_condition(token_hash: str | None) -> dict[str, Any]:
    if token_hash:
        return {"ConditionExpression": "token_hash = :old", "ExpressionAttributeValues": {":old": token_hash}}
    return {"ConditionExpression": "attribute_not_exists(PK)"}
