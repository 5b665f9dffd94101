"""The table itself: the boto3 Table, calls that fail cleanly, and transactions whose actions are named.

Every error of DynamoDB becomes ``Unavailable`` (503) here, except a failed condition, which the caller turns into
its own answer. ``TransactionConflict`` and throttling are retried with capped, jittered backoff while the request's
time budget lasts; a failed condition is never retried.
"""

from __future__ import annotations

import random
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

import boto3
from boto3.dynamodb.types import TypeDeserializer
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from ..errors import Conflict, Unavailable

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
CONDITION_FAILED = "ConditionalCheckFailed"
MAX_TRANSACTION_ITEMS = 100
UNREACHABLE = "The appointment database cannot be reached."
BUSY = "The appointment database is busy; please try again."
_deserialize = TypeDeserializer().deserialize


def make_table(table_name: str) -> Any:
    """A boto3 Table for ``table_name`` at the endpoint the environment names (AWS unless overridden).

    The resource's Table, not a bare client: its client converts Python values to DynamoDB's and back. A bare
    client with the same conversion costs as much to make, and ``import boto3`` brings s3transfer either way.
    """
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


class Part(StrEnum):
    """What an action of a transaction writes: a cancelled transaction's reasons are read by these names."""

    APPOINTMENT = "appointment"
    IDEMPOTENCY = "idempotency record"
    HOLDS = "the e-mail's holds"
    NETWORK_HOLDS = "the network's holds"
    PROOF = "e-mail proof"
    PROOF_CODE = "e-mail proof code"
    PATIENT = "the patient's appointments"  # the cap counter
    NEW_PATIENT = "the patient's appointments under a new address"
    UNIT_TAKEN = "unit taken"  # a unit put where there was none, or a lapsed hold
    UNIT_KEPT = "unit kept"  # a unit the appointment already holds, updated
    UNIT_RELEASED = "unit released"
    FEED = "feed"
    FEED_POINTER = "feed pointer"
    OLD_FEED = "old feed"
    ACCOUNT = "patient account"
    ACCOUNT_EMAIL = "the account's e-mail"
    OLD_ACCOUNT_EMAIL = "the account's old e-mail"
    REMINDER = "reminder"
    REMINDER_PLAN = "reminder plan"
    WAIT_ENTRY = "waiting-list entry"
    WAIT_REQUEST = "waiting-list request"
    WAIT_EMAIL = "the e-mail's waiting-list entries"
    OLD_WAIT_EMAIL = "the old e-mail's waiting-list entries"
    WAIT_MARKER = "professional with patients waiting"
    LAPSE = "offer's lapse"


@dataclass
class Transaction:
    """The actions of one ``TransactWriteItems``, each with the part it writes."""

    actions: list[tuple[Part, dict[str, Any]]] = field(default_factory=list)

    def add(self, part: Part, action: Mapping[str, Any]) -> None:
        """Add one action (a Put, an Update, a Delete or a ConditionCheck), without the table name."""
        self.actions.append((part, dict(action)))

    def __len__(self) -> int:
        return len(self.actions)


@dataclass(frozen=True)
class Cancellation:
    """Why DynamoDB cancelled a transaction: the reason of each action, with the part that action writes."""

    reasons: list[tuple[Part, Mapping[str, Any]]]

    def failed(self, part: Part) -> bool:
        """Whether the condition of an action writing ``part`` failed."""
        return any(name == part and reason.get("Code") == CONDITION_FAILED for name, reason in self.reasons)

    def old_item(self, part: Part) -> dict[str, Any]:
        """The item as it was when the condition of the action writing ``part`` failed (``ALL_OLD``), in Python
        values; {} when DynamoDB gave none."""
        for name, reason in self.reasons:
            if name == part:
                return {k: _deserialize(v) for k, v in (reason.get("Item") or {}).items()}
        return {}

    @property
    def codes(self) -> list[str]:
        return [str(reason.get("Code") or "None") for _, reason in self.reasons]


class Table:
    """Calls on the portal's single table; the store's reads and writes are built on these."""

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
        self._counting = threading.Lock()  # batches may be sent from several threads at once

    def _count(self) -> None:
        with self._counting:
            self.requests += 1

    def ping(self) -> None:
        """One cheap read that proves the table answers; raises Unavailable otherwise."""
        try:
            self.table.get_item(Key={"PK": "HEALTH", "SK": "HEALTH"})
        except (BotoCoreError, ClientError) as err:
            raise Unavailable(UNREACHABLE) from err

    def _call(self, operation: str, **params: Any) -> Any:
        self._count()
        try:
            return getattr(self.client, operation)(TableName=self.name, **params)
        except ClientError as err:
            if err.response.get("Error", {}).get("Code") in ("ConditionalCheckFailedException", "ValidationException"):
                raise
            raise Unavailable(UNREACHABLE) from err
        except BotoCoreError as err:
            raise Unavailable(UNREACHABLE) from err

    def _conditional(self, operation: str, **params: Any) -> Any | None:
        """``_call`` for a conditional write: its answer, or None when the condition failed (never retried).

        Every other error, a ValidationException included, is Unavailable.
        """
        try:
            return self._call(operation, **params)
        except ClientError as err:
            if err.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise Unavailable(UNREACHABLE) from err
            return None

    def _get(
        self,
        key: Mapping[str, str],
        consistent: bool = True,
        projection: str | None = None,
        names: Mapping[str, str] | None = None,
    ) -> dict[str, Any] | None:
        params: dict[str, Any] = {"Key": dict(key), "ConsistentRead": consistent}
        if projection:
            params["ProjectionExpression"] = projection
        if names:
            params["ExpressionAttributeNames"] = dict(names)
        item = self._call("get_item", **params).get("Item")
        return plain(item) if item else None

    def _query_all(self, **params: Any) -> list[dict[str, Any]]:
        """Every item a Query finds, page after page (past 1 MB)."""
        items: list[dict[str, Any]] = []
        while True:
            answer = self._call("query", **params)
            items.extend(plain(answer.get("Items", [])))
            if "LastEvaluatedKey" not in answer:
                return items
            params["ExclusiveStartKey"] = answer["LastEvaluatedKey"]

    def _batch(
        self,
        call: Callable[[dict[str, Any]], Any],
        request: dict[str, Any],
        left: str,
        deadline: float,
        *,
        unreachable: str = UNREACHABLE,
        busy: str = BUSY,
    ) -> list[Any]:
        """Every answer of a batch call (``BatchGetItem``, ``BatchWriteItem``), what it leaves unprocessed (``left``)
        sent again with jittered backoff until the deadline: Unavailable(``unreachable``) if a call fails,
        Unavailable(``busy``) if the deadline comes first."""
        answers = []
        delay = 0.025
        while request:
            self._count()
            try:
                answer = call(request)
            except (BotoCoreError, ClientError) as err:
                raise Unavailable(unreachable) from err
            answers.append(answer)
            request = answer.get(left) or {}
            if request:
                delay = self._backoff(deadline, delay, busy)
        return answers

    def _backoff(self, deadline: float, delay: float, message: str = BUSY) -> float:
        """Sleep a jittered ``delay`` before a retry, or raise Unavailable(``message``) if it would pass the
        deadline; returns the next, doubled delay (at most half a second)."""
        if time.monotonic() + delay > deadline:
            raise Unavailable(message)
        self.sleep(random.uniform(0, delay))  # noqa: S311 (jitter, not a secret)
        return min(delay * 2, 0.5)

    def _transact(self, transaction: Transaction) -> Cancellation | None:
        """Run one transaction; None when it commits, else why it was cancelled, action by action.

        Conflicts and throttling are retried here with capped, jittered exponential backoff until the time budget
        runs out (then 503); a failed condition is returned at once to the caller and never retried.
        """
        if len(transaction) > MAX_TRANSACTION_ITEMS:
            raise Conflict("This appointment is too long to be booked or moved online.", field="start")
        parts = [part for part, _ in transaction.actions]
        items = [
            {kind: {"TableName": self.name, **operation}}
            for kind, operation in (next(iter(action.items())) for _, action in transaction.actions)
        ]
        deadline = time.monotonic() + self.budget_seconds
        delay = 0.025
        while True:
            self._count()
            try:
                # A fresh token per attempt: botocore's own retry of a timed-out call reuses it, so a commit whose
                # answer was lost is not applied twice, while our retries (new values of :now) are new requests.
                self.client.transact_write_items(TransactItems=items, ClientRequestToken=uuid.uuid4().hex)
                return None
            except ClientError as err:
                code = err.response.get("Error", {}).get("Code", "")
                if code == "TransactionCanceledException":
                    reasons = list(err.response.get("CancellationReasons", []))
                    cancellation = Cancellation(list(zip(parts, reasons, strict=False)))
                    codes = cancellation.codes
                    if CONDITION_FAILED in codes or not any(c in RETRYABLE for c in codes):
                        return cancellation
                elif code not in RETRYABLE:
                    raise Unavailable(UNREACHABLE) from err
            except BotoCoreError as err:
                raise Unavailable(UNREACHABLE) from err
            delay = self._backoff(deadline, delay)
