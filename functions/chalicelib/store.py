"""The only module that talks to DynamoDB. Keys come from keys.py; callers get plain values and domain errors.

Conditional writes are where double bookings become impossible (docs/data-model.md). A failed condition is turned
into a domain error here and never retried; ``TransactionConflict`` and throttling are retried with capped,
jittered backoff while the request's time budget lasts.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from decimal import Decimal
from typing import Any

import boto3
from boto3.dynamodb.types import TypeDeserializer
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from . import keys
from .errors import Conflict, SlotTaken, Unavailable
from .records import (
    BOOKED,
    CANCELLED,
    CONFIRMED,
    HELD,
    AlreadyConfirmed,
    HoldExpired,
    IdempotentReplay,
    Replay,
    StaleRead,
    Versioned,
    from_epoch,
)

# API Gateway gives up after 29 s; botocore's defaults (60 s) would outlive it. Fail fast instead.
BOTO_CONFIG = Config(
    connect_timeout=2,
    read_timeout=4,
    retries={"max_attempts": 3, "mode": "standard"},
)
RETRYABLE = {
    "TransactionConflict",
    "TransactionConflictException",
    "ThrottlingError",
    "ThrottlingException",
    "ProvisionedThroughputExceeded",
    "ProvisionedThroughputExceededException",
    "RequestLimitExceeded",
    "InternalServerError",
}
MAX_TRANSACTION_ITEMS = 100
_deserialize = TypeDeserializer().deserialize


def make_table(table_name: str) -> Any:
    """A boto3 Table for ``table_name`` at the endpoint the environment names (AWS unless overridden)."""
    return boto3.resource("dynamodb", config=BOTO_CONFIG).Table(table_name)


def plain(value: Any) -> Any:
    """DynamoDB's Decimals back to int (every number we store is whole), recursively."""
    if isinstance(value, Decimal):
        return int(value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


class Store:
    """Reads and writes of the portal's single table."""

    def __init__(
        self,
        table: Any,
        *,
        budget_seconds: float = 6.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.table = table
        self.client = table.meta.client  # thread-safe, and converts Python values like the resource does
        self.name = table.name
        self.budget_seconds = budget_seconds
        self.sleep = sleep
        self.requests = 0  # DynamoDB requests made through this store (benchmarks read it)

    # -- plumbing ------------------------------------------------------------------------------------------------

    def _call(self, operation: str, **params: Any) -> Any:
        self.requests += 1
        try:
            return getattr(self.client, operation)(TableName=self.name, **params)
        except ClientError as err:
            if err.response.get("Error", {}).get("Code") in ("ConditionalCheckFailedException", "ValidationException"):
                raise
            raise Unavailable("The appointment database cannot be reached.") from err
        except BotoCoreError as err:
            raise Unavailable("The appointment database cannot be reached.") from err

    def _conditional(self, operation: str, **params: Any) -> Any | None:
        """``_call`` for a conditional write: its answer, or None when the condition failed (never retried).

        Every other error, a ValidationException included, is Unavailable.
        """
        try:
            return self._call(operation, **params)
        except ClientError as err:
            if err.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise Unavailable("The appointment database cannot be reached.") from err
            return None

    def _get(self, key: Mapping[str, str], consistent: bool = True) -> dict[str, Any] | None:
        item = self._call("get_item", Key=dict(key), ConsistentRead=consistent).get("Item")
        return plain(item) if item else None

    def _transact(self, actions: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]] | None:
        """Run one transaction; None when it commits, else the cancellation reason of each action (in order).

        Conflicts and throttling are retried here with capped, jittered exponential backoff until the time budget
        runs out (then 503); a failed condition is returned at once to the caller and never retried.
        """
        if len(actions) > MAX_TRANSACTION_ITEMS:
            raise Conflict("This appointment is too long to be booked or moved online.", field="start")
        items = [{kind: {"TableName": self.name, **op}} for kind, op in (next(iter(a.items())) for a in actions)]
        deadline = time.monotonic() + self.budget_seconds
        delay = 0.025
        while True:
            self.requests += 1
            try:
                # A fresh token per attempt: botocore's own retry of a timed-out call reuses it, so a commit whose
                # answer was lost is not applied twice, while our retries (new values of :now) are new requests.
                self.client.transact_write_items(TransactItems=items, ClientRequestToken=uuid.uuid4().hex)
                return None
            except ClientError as err:
                code = err.response.get("Error", {}).get("Code", "")
                if code == "TransactionCanceledException":
                    reasons = list(err.response.get("CancellationReasons", []))
                    codes = _codes(reasons)
                    if "ConditionalCheckFailed" in codes or not any(c in RETRYABLE for c in codes):
                        return reasons
                elif code not in RETRYABLE:
                    raise Unavailable("The appointment database cannot be reached.") from err
            except BotoCoreError as err:
                raise Unavailable("The appointment database cannot be reached.") from err
            if time.monotonic() + delay > deadline:
                raise Unavailable("The appointment database is busy; please try again.")
            self.sleep(random.uniform(0, delay))  # noqa: S311 (jitter, not a secret)
            delay = min(delay * 2, 0.5)

    # -- health ----------------------------------------------------------------------------------------------------

    def ping(self) -> None:
        """One cheap read that proves the table answers; raises Unavailable otherwise."""
        try:
            self.table.get_item(Key={"PK": "HEALTH", "SK": "HEALTH"})
        except (BotoCoreError, ClientError) as err:
            raise Unavailable("The appointment database cannot be reached.") from err

    # -- profiles ----------------------------------------------------------------------------------------------------

    def profile(self, practitioner_id: str) -> dict[str, Any] | None:
        return self._get(keys.profile_key(practitioner_id), consistent=False)

    def profiles(self, practitioner_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Profiles by id with one BatchGetItem per 100 ids (missing ids are absent from the answer)."""
        wanted = list(dict.fromkeys(practitioner_ids))
        found: dict[str, dict[str, Any]] = {}
        for first in range(0, len(wanted), 100):
            request: dict[str, Any] = {self.name: {"Keys": [keys.profile_key(i) for i in wanted[first : first + 100]]}}
            deadline = time.monotonic() + self.budget_seconds
            delay = 0.025
            while request:
                self.requests += 1
                try:
                    answer = self.client.batch_get_item(RequestItems=request)
                except (BotoCoreError, ClientError) as err:
                    raise Unavailable("The appointment database cannot be reached.") from err
                for item in answer.get("Responses", {}).get(self.name, []):
                    found[str(item["practitioner_id"])] = plain(item)
                request = answer.get("UnprocessedKeys") or {}
                if request:
                    if time.monotonic() + delay > deadline:
                        raise Unavailable("The appointment database is busy; please try again.")
                    self.sleep(random.uniform(0, delay))  # noqa: S311
                    delay = min(delay * 2, 0.5)
        return found

    def put_profile(self, practitioner_id: str, attributes: Mapping[str, Any]) -> None:
        self._call("put_item", Item={**keys.profile_key(practitioner_id), **attributes})

    # -- units -------------------------------------------------------------------------------------------------------

    def units(self, practitioner_id: str, start: datetime, end: datetime) -> list[dict[str, Any]]:
        """The unit items of one professional starting in ``[start, end)``: one Query (paged past 1 MB)."""
        low, high = keys.unit_range(start, end)
        params: dict[str, Any] = {
            "KeyConditionExpression": "PK = :pk AND SK BETWEEN :low AND :high",
            "ExpressionAttributeValues": {":pk": keys.practitioner_pk(practitioner_id), ":low": low, ":high": high},
            "ProjectionExpression": "SK, #state, hold_until, busy_start, busy_end, appointment_id",
            "ExpressionAttributeNames": {"#state": "state"},
        }
        items: list[dict[str, Any]] = []
        while True:
            answer = self._call("query", **params)
            items.extend(plain(answer.get("Items", [])))
            if "LastEvaluatedKey" not in answer:
                return items
            params["ExclusiveStartKey"] = answer["LastEvaluatedKey"]

    def units_of_many(self, windows: Sequence[tuple[str, datetime, datetime]]) -> list[list[dict[str, Any]]]:
        """``units`` for several professionals at once, the queries in parallel (the client is thread-safe)."""
        if len(windows) <= 1:
            return [self.units(*w) for w in windows]
        with ThreadPoolExecutor(max_workers=min(8, len(windows))) as pool:
            return list(pool.map(lambda w: self.units(*w), windows))

    # -- appointments -------------------------------------------------------------------------------------------

    def appointment(self, appointment_id: str) -> dict[str, Any] | None:
        return self._get(keys.appointment_key(appointment_id))

    def agenda(self, practitioner_id: str, start: datetime, end: datetime) -> list[dict[str, Any]]:
        """Appointments of one professional starting in ``[start, end)``, by start (GSI1; the back-office's day)."""
        low, high = keys.agenda_range(start, end)
        params: dict[str, Any] = {
            "IndexName": "GSI1",
            "KeyConditionExpression": "GSI1PK = :pk AND GSI1SK BETWEEN :low AND :high",
            "ExpressionAttributeValues": {":pk": keys.practitioner_pk(practitioner_id), ":low": low, ":high": high},
        }
        items: list[dict[str, Any]] = []
        while True:
            answer = self._call("query", **params)
            items.extend(plain(answer.get("Items", [])))
            if "LastEvaluatedKey" not in answer:
                return items
            params["ExclusiveStartKey"] = answer["LastEvaluatedKey"]

    def versioned(self, key: Mapping[str, str], attribute: str) -> Versioned:
        item = self._get(key) or {}
        return Versioned(dict(item.get(attribute) or {}), int(item.get("version", 0)))

    def patient_appointments(self, practitioner_id: str, email: str) -> Versioned:
        """The patient's future appointments with this professional, ``{id: end epoch}``, and their version."""
        return self.versioned(keys.patient_key(practitioner_id, email), "appointments")

    def email_holds(self, email: str) -> Versioned:
        """The e-mail's unconfirmed holds, ``{id: hold expiry epoch}``, and their version."""
        return self.versioned(keys.holds_key(email), "holds")

    def idempotency(self, key: str) -> Replay | None:
        item = self._get(keys.idempotency_key(key))
        if item is None or item.get("expires_at", 0) < time.time():
            return None
        return Replay(str(item["appointment_id"]), str(item["fingerprint"]))

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

    # -- the booking transactions -------------------------------------------------------------------------------

    def _versioned_put(
        self, key: Mapping[str, str], attribute: str, entries: Mapping[str, int], version: int
    ) -> dict[str, Any]:
        put: dict[str, Any] = {"Item": {**key, attribute: dict(entries), "version": version + 1}}
        if version:
            put["ConditionExpression"] = "version = :version"
            put["ExpressionAttributeValues"] = {":version": version}
        else:
            put["ConditionExpression"] = "attribute_not_exists(PK)"
        return {"Put": put}

    def _unit_put(self, practitioner_id: str, unit: datetime, unit_item: Mapping[str, Any], now: int) -> dict[str, Any]:
        """Take one unit. ``unit_item``: appointment_id, state, busy_start, busy_end, expires_at (+ hold_until)."""
        return {
            "Put": {
                "Item": {**keys.unit_key(practitioner_id, unit), **unit_item},
                # Free, or a hold whose time is up: the one condition that makes double booking impossible.
                "ConditionExpression": "attribute_not_exists(PK) OR (#state = :held AND hold_until < :now)",
                "ExpressionAttributeNames": {"#state": "state"},
                "ExpressionAttributeValues": {":held": HELD, ":now": now},
            }
        }

    def hold(
        self,
        appointment: Mapping[str, Any],
        idempotency: tuple[str, str, int],
        holds: Versioned,
        now: int,
    ) -> None:
        """Write a new hold: the appointment, each unit, the idempotency record and the e-mail's holds, or nothing.

        Raises IdempotentReplay (the key was used before), SlotTaken (a unit is taken), StaleRead (the holds
        changed since they were read).
        """
        item = dict(appointment)
        item.update(keys.appointment_key(appointment["id"]))
        item.update(
            keys.agenda_keys(appointment["practitioner_id"], from_epoch(appointment["start_epoch"]), appointment["id"])
        )
        key, fingerprint, expires_at = idempotency
        actions: list[dict[str, Any]] = [
            {"Put": {"Item": item, "ConditionExpression": "attribute_not_exists(PK)"}},
            {
                "Put": {
                    "Item": {
                        **keys.idempotency_key(key),
                        "appointment_id": appointment["id"],
                        "fingerprint": fingerprint,
                        "expires_at": expires_at,
                    },
                    "ConditionExpression": "attribute_not_exists(PK) OR expires_at < :now",
                    "ExpressionAttributeValues": {":now": now},
                    "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                }
            },
            self._versioned_put(
                keys.holds_key(appointment["patient"]["email"]),
                "holds",
                {**holds.entries, appointment["id"]: appointment["hold_until"]},
                holds.version,
            ),
        ]
        unit_item = {
            "appointment_id": appointment["id"],
            "state": HELD,
            "hold_until": appointment["hold_until"],
            "busy_start": appointment["start_epoch"],
            "busy_end": appointment["end_epoch"],
            "expires_at": appointment["hold_until"] + 86400,
        }
        pro = appointment["practitioner_id"]
        actions += [self._unit_put(pro, from_epoch(unit), unit_item, now) for unit in appointment["units"]]
        reasons = self._transact(actions)
        if reasons is None:
            return
        codes = _codes(reasons)
        if codes[1] == "ConditionalCheckFailed":
            old = {k: _deserialize(v) for k, v in (reasons[1].get("Item") or {}).items()}
            if old.get("appointment_id") == appointment["id"]:
                return  # our own earlier attempt committed and its answer was lost: the hold is written
            raise IdempotentReplay(Replay(str(old.get("appointment_id", "")), str(old.get("fingerprint", ""))))
        if "ConditionalCheckFailed" in codes[3:]:
            raise SlotTaken("This time has just been taken; please choose another.", field="start")
        raise StaleRead("the e-mail's holds changed")

    def spend_code_attempt(self, appointment_id: str, now: int, max_attempts: int) -> dict[str, Any] | None:
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
        return None if answer is None else dict(plain(answer["Attributes"]))

    def replace_code(self, appointment_id: str, code_hash: str, now: int, max_sends: int) -> bool:
        """Store a new code for a live hold that has sent fewer than ``max_sends``; False when it may not."""
        answer = self._conditional(
            "update_item",
            Key=keys.appointment_key(appointment_id),
            UpdateExpression="SET code_hash = :hash, codes_sent = codes_sent + :one",
            ConditionExpression="#status = :held AND hold_until > :now AND codes_sent < :max",
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues={
                ":hash": code_hash,
                ":one": 1,
                ":held": HELD,
                ":now": now,
                ":max": max_sends,
            },
        )
        return answer is not None

    def confirm(
        self,
        appointment: Mapping[str, Any],
        token_hash: str,
        patient: Versioned,
        now: int,
    ) -> None:
        """Turn a live hold into a booking: appointment, units, the patient's cap counter and the e-mail's holds.

        Raises Gone (the hold expired or lost its units), Conflict (already confirmed), StaleRead (the cap counter
        changed since it was read).
        """
        appointment_id = appointment["id"]
        email = appointment["patient"]["email"]
        end = appointment["end_epoch"]
        actions: list[dict[str, Any]] = [
            {
                "Update": {
                    "Key": keys.appointment_key(appointment_id),
                    "UpdateExpression": "SET #status = :confirmed, token_hash = :token, confirmed_at = :now "
                    "REMOVE code_hash, expires_at",
                    "ConditionExpression": "#status = :held AND hold_until > :now",
                    "ExpressionAttributeNames": {"#status": "status"},
                    "ExpressionAttributeValues": {
                        ":confirmed": CONFIRMED,
                        ":token": token_hash,
                        ":now": now,
                        ":held": HELD,
                    },
                }
            },
            self._versioned_put(
                keys.patient_key(appointment["practitioner_id"], email),
                "appointments",
                {**patient.entries, appointment_id: end},
                patient.version,
            ),
            {
                "Update": {
                    "Key": keys.holds_key(email),
                    "UpdateExpression": "REMOVE holds.#id SET version = version + :one",
                    "ExpressionAttributeNames": {"#id": appointment_id},
                    "ExpressionAttributeValues": {":one": 1},
                }
            },
        ]
        for unit in appointment["units"]:
            actions.append(
                {
                    "Update": {
                        "Key": keys.unit_key(appointment["practitioner_id"], from_epoch(unit)),
                        "UpdateExpression": "SET #state = :booked, expires_at = :expires REMOVE hold_until",
                        "ConditionExpression": "appointment_id = :id",
                        "ExpressionAttributeNames": {"#state": "state"},
                        "ExpressionAttributeValues": {
                            ":booked": BOOKED,
                            ":expires": end + 86400,
                            ":id": appointment_id,
                        },
                    }
                }
            )
        reasons = self._transact(actions)
        if reasons is None:
            return
        codes = _codes(reasons)
        if codes[0] == "ConditionalCheckFailed" or "ConditionalCheckFailed" in codes[3:]:
            current = self.appointment(appointment_id) or {}
            if current.get("status") == CONFIRMED and current.get("token_hash") == token_hash:
                return  # our own earlier attempt committed (the token is ours alone)
            if current.get("status") == CONFIRMED:
                raise AlreadyConfirmed("This appointment is already confirmed.")
            raise HoldExpired("The hold has expired; please choose a time again.")
        raise StaleRead("the patient's appointments changed")

    def cancel(self, appointment: Mapping[str, Any], now: int, by: str) -> None:
        """Cancel a confirmed appointment unchanged since it was read: release its units, leave the cap counter."""
        appointment_id = appointment["id"]
        operation = uuid.uuid4().hex
        actions: list[dict[str, Any]] = [
            {
                "Update": {
                    "Key": keys.appointment_key(appointment_id),
                    "UpdateExpression": "SET #status = :cancelled, cancelled_at = :now, cancelled_by = :by, "
                    "revision = revision + :one, last_operation = :operation",
                    "ConditionExpression": "#status = :confirmed AND revision = :revision",
                    "ExpressionAttributeNames": {"#status": "status"},
                    "ExpressionAttributeValues": {
                        ":cancelled": CANCELLED,
                        ":confirmed": CONFIRMED,
                        ":now": now,
                        ":by": by,
                        ":one": 1,
                        ":operation": operation,
                        ":revision": appointment["revision"],
                    },
                }
            },
            {
                "Update": {
                    "Key": keys.patient_key(appointment["practitioner_id"], appointment["patient"]["email"]),
                    "UpdateExpression": "REMOVE appointments.#id SET version = version + :one",
                    "ExpressionAttributeNames": {"#id": appointment_id},
                    "ExpressionAttributeValues": {":one": 1},
                }
            },
        ]
        actions += [self._unit_delete(appointment, unit) for unit in appointment["units"]]
        if self._transact(actions) is not None and not self._committed(appointment_id, operation):
            raise StaleRead("the appointment changed")

    def _committed(self, appointment_id: str, operation: str) -> bool:
        """Whether the appointment's last change is ``operation``: an earlier attempt of ours committed and its
        answer was lost (Amazon DynamoDB answers such a retry by its ClientRequestToken; this also covers
        endpoints that ignore the token)."""
        return (self.appointment(appointment_id) or {}).get("last_operation") == operation

    def _unit_delete(self, appointment: Mapping[str, Any], unit: int) -> dict[str, Any]:
        return {
            "Delete": {
                "Key": keys.unit_key(appointment["practitioner_id"], from_epoch(unit)),
                "ConditionExpression": "appointment_id = :id",
                "ExpressionAttributeValues": {":id": appointment["id"]},
            }
        }

    def move(self, appointment: Mapping[str, Any], moved: Mapping[str, Any], now: int) -> None:
        """Move a confirmed appointment in one transaction: new units taken, old ones released, or nothing.

        ``moved`` carries the new ``start_epoch``, ``end_epoch`` and ``units`` (unit starts, epoch seconds).
        Raises SlotTaken when a new unit is taken and StaleRead when the appointment changed since it was read.
        """
        appointment_id = appointment["id"]
        practitioner_id = appointment["practitioner_id"]
        old_units, new_units = set(appointment["units"]), set(moved["units"])
        new_start = from_epoch(moved["start_epoch"])
        agenda = keys.agenda_keys(practitioner_id, new_start, appointment_id)
        operation = uuid.uuid4().hex
        actions: list[dict[str, Any]] = [
            {
                "Update": {
                    "Key": keys.appointment_key(appointment_id),
                    "UpdateExpression": "SET start_epoch = :start_epoch, end_epoch = :end_epoch, #units = :units, "
                    "GSI1SK = :agenda, moved_at = :now, revision = revision + :one, last_operation = :operation",
                    "ConditionExpression": "#status = :confirmed AND revision = :revision",
                    "ExpressionAttributeNames": {"#status": "status", "#units": "units"},
                    "ExpressionAttributeValues": {
                        ":start_epoch": moved["start_epoch"],
                        ":end_epoch": moved["end_epoch"],
                        ":units": list(moved["units"]),
                        ":agenda": agenda["GSI1SK"],
                        ":operation": operation,
                        ":now": now,
                        ":one": 1,
                        ":confirmed": CONFIRMED,
                        ":revision": appointment["revision"],
                    },
                }
            },
        ]
        email = _email_of(appointment)
        if email:  # an appointment taken by phone may have no e-mail, hence no cap counter
            actions.append(
                {
                    "Update": {
                        "Key": keys.patient_key(practitioner_id, email),
                        "UpdateExpression": "SET appointments.#id = :end, version = version + :one",
                        "ExpressionAttributeNames": {"#id": appointment_id},
                        "ExpressionAttributeValues": {":end": moved["end_epoch"], ":one": 1},
                    }
                }
            )
        booked = {
            "appointment_id": appointment_id,
            "state": BOOKED,
            "busy_start": moved["start_epoch"],
            "busy_end": moved["end_epoch"],
            "expires_at": moved["end_epoch"] + 86400,
        }
        fresh = sorted(new_units - old_units)
        actions += [self._unit_put(practitioner_id, from_epoch(u), booked, now) for u in fresh]
        for unit in sorted(new_units & old_units):
            actions.append(
                {
                    "Update": {
                        "Key": keys.unit_key(practitioner_id, from_epoch(unit)),
                        "UpdateExpression": "SET busy_start = :start, busy_end = :end, expires_at = :expires",
                        "ConditionExpression": "appointment_id = :id",
                        "ExpressionAttributeValues": {
                            ":start": moved["start_epoch"],
                            ":end": moved["end_epoch"],
                            ":expires": moved["end_epoch"] + 86400,
                            ":id": appointment_id,
                        },
                    }
                }
            )
        actions += [self._unit_delete(appointment, unit) for unit in sorted(old_units - new_units)]
        reasons = self._transact(actions)
        if reasons is None or self._committed(appointment_id, operation):
            return
        first = 2 if email else 1
        if "ConditionalCheckFailed" in _codes(reasons)[first : first + len(fresh)]:
            raise SlotTaken("This time has just been taken; please choose another.", field="start")
        raise StaleRead("the appointment changed")

    # -- back-office (docs/data-model.md, patterns 14 to 25) -------------------------------------------------------

    def _query_all(self, **params: Any) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        while True:
            answer = self._call("query", **params)
            items.extend(plain(answer.get("Items", [])))
            if "LastEvaluatedKey" not in answer:
                return items
            params["ExclusiveStartKey"] = answer["LastEvaluatedKey"]

    def profile_for_edit(self, practitioner_id: str) -> dict[str, Any] | None:
        """The profile read strongly consistent, with its ``version`` (0 if it was never edited)."""
        return self._get(keys.profile_key(practitioner_id))

    def save_profile(self, practitioner_id: str, attributes: Mapping[str, Any], version: int) -> None:
        """Replace the profile if it is still at ``version`` (it is then at ``version + 1``); StaleRead otherwise."""
        operation = uuid.uuid4().hex
        item = {**keys.profile_key(practitioner_id), **attributes, "version": version + 1, "last_operation": operation}
        condition: dict[str, Any] = (
            {"ConditionExpression": "version = :version", "ExpressionAttributeValues": {":version": version}}
            if version
            else {"ConditionExpression": "attribute_not_exists(version)"}
        )
        if self._conditional("put_item", Item=item, **condition) is None:
            # The condition failed: either another change came first, or our own earlier attempt committed and
            # its answer was lost (then the profile carries our operation).
            if (self.profile_for_edit(practitioner_id) or {}).get("last_operation") != operation:
                raise StaleRead("the profile changed")

    def book_by_practice(self, appointment: Mapping[str, Any], counter: Versioned | None, now: int) -> None:
        """Write an appointment the practice took (by phone) or a block, its units booked at once, and the patient's
        cap counter when ``counter`` is given (read for this e-mail; the practice may exceed the cap).

        Raises SlotTaken (a unit is taken, or held by a live hold) or StaleRead (the counter changed).
        """
        appointment_id, practitioner_id = appointment["id"], appointment["practitioner_id"]
        item = {
            **appointment,
            **keys.appointment_key(appointment_id),
            **keys.agenda_keys(practitioner_id, from_epoch(appointment["start_epoch"]), appointment_id),
        }
        actions: list[dict[str, Any]] = [{"Put": {"Item": item, "ConditionExpression": "attribute_not_exists(PK)"}}]
        if counter is not None:
            entries = {**counter.entries, appointment_id: appointment["end_epoch"]}
            key = keys.patient_key(practitioner_id, _email_of(appointment))
            actions.append(self._versioned_put(key, "appointments", entries, counter.version))
        booked = {
            "appointment_id": appointment_id,
            "state": BOOKED,
            "busy_start": appointment["start_epoch"],
            "busy_end": appointment["end_epoch"],
            "expires_at": appointment["end_epoch"] + 86400,
        }
        actions += [self._unit_put(practitioner_id, from_epoch(u), booked, now) for u in appointment["units"]]
        reasons = self._transact(actions)
        if reasons is None:
            return
        codes = _codes(reasons)
        if codes[0] == "ConditionalCheckFailed":
            return  # the id is random and new: only our own earlier attempt can have written it (answer lost)
        if "ConditionalCheckFailed" in codes[1 + (counter is not None) :]:
            raise SlotTaken("This time is already taken.", field="start")
        raise StaleRead("the patient's appointments changed")

    def cancel_by_practice(self, appointment: Mapping[str, Any], now: int) -> None:
        """Cancel a confirmed appointment or release a block, unchanged since it was read: units deleted, and the
        cap counter updated when the appointment has an e-mail. StaleRead when it changed meanwhile."""
        appointment_id = appointment["id"]
        operation = uuid.uuid4().hex
        actions: list[dict[str, Any]] = [
            {
                "Update": {
                    "Key": keys.appointment_key(appointment_id),
                    "UpdateExpression": "SET #status = :cancelled, cancelled_at = :now, cancelled_by = :by, "
                    "revision = revision + :one, last_operation = :operation",
                    "ConditionExpression": "#status = :status AND revision = :revision",
                    "ExpressionAttributeNames": {"#status": "status"},
                    "ExpressionAttributeValues": {
                        ":cancelled": CANCELLED,
                        ":status": appointment["status"],
                        ":now": now,
                        ":by": "practitioner",
                        ":one": 1,
                        ":operation": operation,
                        ":revision": appointment["revision"],
                    },
                }
            }
        ]
        email = _email_of(appointment)
        if email:
            actions.append(
                {
                    "Update": {
                        "Key": keys.patient_key(appointment["practitioner_id"], email),
                        "UpdateExpression": "REMOVE appointments.#id SET version = version + :one",
                        "ExpressionAttributeNames": {"#id": appointment_id},
                        "ExpressionAttributeValues": {":one": 1},
                    }
                }
            )
        actions += [self._unit_delete(appointment, unit) for unit in appointment["units"]]
        if self._transact(actions) is not None and not self._committed(appointment_id, operation):
            raise StaleRead("the appointment changed")

    def set_no_show(self, appointment_id: str, no_show: bool, now: int) -> dict[str, Any] | None:
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
        return None if answer is None else dict(plain(answer["Attributes"]))

    def write_audit(self, entries: Sequence[Mapping[str, Any]]) -> None:
        """Store audit entries (complete items): one PutItem, or BatchWriteItem by 25 with what is left unprocessed
        retried. Raises Unavailable unless every entry is written, so that no read goes unrecorded."""
        if len(entries) == 1:
            self._call("put_item", Item=dict(entries[0]))
            return
        deadline = time.monotonic() + self.budget_seconds
        for first in range(0, len(entries), 25):
            request: dict[str, Any] = {
                self.name: [{"PutRequest": {"Item": dict(e)}} for e in entries[first : first + 25]]
            }
            delay = 0.025
            while request:
                self.requests += 1
                try:
                    answer = self.client.batch_write_item(RequestItems=request)
                except (BotoCoreError, ClientError) as err:
                    raise Unavailable("The audit log cannot be written; nothing was shown.") from err
                request = answer.get("UnprocessedItems") or {}
                if request:
                    if time.monotonic() + delay > deadline:
                        raise Unavailable("The audit log cannot be written; nothing was shown.")
                    self.sleep(random.uniform(0, delay))  # noqa: S311
                    delay = min(delay * 2, 0.5)

    def audit_of_appointment(self, appointment_id: str) -> list[dict[str, Any]]:
        """Every audit entry of one appointment, oldest first (the patient's request)."""
        return self._query_all(
            KeyConditionExpression="PK = :pk",
            ExpressionAttributeValues={":pk": keys.audit_partition(appointment_id)},
        )

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

    def replace_feed(self, practitioner_id: str, feed: Mapping[str, Any], old_hash: str | None) -> None:
        """Make ``feed`` (with its ``token_hash``) the professional's feed and delete the one whose token hash was
        read as current (``old_hash``); StaleRead if another change came first."""
        pointer = keys.feed_pointer_key(practitioner_id)
        actions: list[dict[str, Any]] = [
            {
                "Put": {
                    "Item": {**keys.feed_key(feed["token_hash"]), **feed},
                    "ConditionExpression": "attribute_not_exists(PK)",
                }
            },
            {"Put": {"Item": {**pointer, **feed}, **_pointer_condition(old_hash)}},
        ]
        if old_hash:
            actions.append({"Delete": {"Key": keys.feed_key(old_hash)}})
        if self._transact(actions) is not None:
            raise StaleRead("the feed changed")

    def revoke_feed(self, practitioner_id: str, old_hash: str) -> None:
        """Delete the professional's feed whose token hash was read as current; StaleRead if it changed meanwhile."""
        actions: list[dict[str, Any]] = [
            {"Delete": {"Key": keys.feed_pointer_key(practitioner_id), **_pointer_condition(old_hash)}},
            {"Delete": {"Key": keys.feed_key(old_hash)}},
        ]
        if self._transact(actions) is not None:
            raise StaleRead("the feed changed")


def _email_of(appointment: Mapping[str, Any]) -> str:
    """The patient's e-mail, or "" for a block or an appointment taken by phone without one."""
    return str((appointment.get("patient") or {}).get("email") or "")


def _pointer_condition(token_hash: str | None) -> dict[str, Any]:
    if token_hash:
        return {"ConditionExpression": "token_hash = :old", "ExpressionAttributeValues": {":old": token_hash}}
    return {"ConditionExpression": "attribute_not_exists(PK)"}


def _codes(reasons: Sequence[Mapping[str, Any]]) -> list[str]:
    return [str(reason.get("Code") or "None") for reason in reasons]
