"""The store's transaction policy: conflicts and throttling retried within the time budget, failed conditions never."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from chalicelib.core.errors import Unavailable
from chalicelib.core.store import Part, Store, Transaction


class ScriptedClient:
    """A DynamoDB client whose transact_write_items answers from a script (real DynamoDB's conflicts cannot be
    provoked on the local endpoint, which serialises every request)."""

    def __init__(self, *answers: str) -> None:
        self.answers = list(answers)
        self.calls: list[dict[str, Any]] = []

    def transact_write_items(self, **params: Any) -> dict[str, Any]:
        self.calls.append(params)
        answer = self.answers.pop(0)
        if answer == "ok":
            return {}
        if answer in ("ThrottlingException", "ProvisionedThroughputExceededException"):
            raise ClientError({"Error": {"Code": answer, "Message": "slow down"}}, "TransactWriteItems")
        reasons = [{"Code": code} for code in answer.split(",")]
        error = {
            "Error": {"Code": "TransactionCanceledException", "Message": "cancelled"},
            "CancellationReasons": reasons,
        }
        raise ClientError(error, "TransactWriteItems")  # type: ignore[arg-type]


class Table:
    def __init__(self, client: ScriptedClient) -> None:
        self.name = "scripted"
        self.meta = type("Meta", (), {"client": client})()


def store(*answers: str, budget: float = 5.0) -> tuple[Store, ScriptedClient, list[float]]:
    client = ScriptedClient(*answers)
    sleeps: list[float] = []
    return Store(Table(client), budget_seconds=budget, sleep=sleeps.append), client, sleeps


def actions(count: int = 1) -> Transaction:
    """``count`` times an appointment put and a unit taken."""
    transaction = Transaction()
    for _ in range(count):
        transaction.add(Part.APPOINTMENT, {"Put": {"Item": {"PK": "a", "SK": "b"}}})
        transaction.add(Part.UNIT_TAKEN, {"Put": {"Item": {"PK": "c", "SK": "d"}}})
    return transaction


def test_conflicts_and_throttling_are_retried_with_growing_jittered_pauses() -> None:
    s, client, sleeps = store("TransactionConflict,None", "ThrottlingException", "None,ThrottlingError", "ok")
    assert s._transact(actions()) is None
    assert len(client.calls) == 4
    assert len(sleeps) == 3 and all(0 <= pause <= 0.5 for pause in sleeps)
    tokens = {call["ClientRequestToken"] for call in client.calls}
    assert len(tokens) == 4  # each retry is a new request: its conditions may carry a new "now"


def test_a_failed_condition_is_answered_at_once_and_never_retried() -> None:
    s, client, sleeps = store("TransactionConflict,ConditionalCheckFailed", "ok")
    cancelled = s._transact(actions())
    assert cancelled is not None and cancelled.codes == ["TransactionConflict", "ConditionalCheckFailed"]
    assert cancelled.failed(Part.UNIT_TAKEN) and not cancelled.failed(Part.APPOINTMENT)  # read by name
    assert len(client.calls) == 1 and sleeps == []


def test_the_time_budget_bounds_the_retries() -> None:
    s, client, _ = store(*["TransactionConflict,None"] * 1000, budget=0.0)
    with pytest.raises(Unavailable):
        s._transact(actions())
    assert len(client.calls) == 1


def test_more_than_a_transaction_can_hold_is_a_clean_conflict() -> None:
    s, client, _ = store("ok")
    with pytest.raises(Exception, match="too long") as caught:
        s._transact(actions(51))
    assert getattr(caught.value, "status", None) == 409
    assert client.calls == []


class TwiceClient:
    """The real client, except that every transaction is sent twice and the second answer returned: what a retry
    looks like after the first attempt committed but its answer was lost (the local endpoint ignores
    ClientRequestToken, which is how Amazon DynamoDB would have recognised the retry)."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)

    def transact_write_items(self, **params: Any) -> Any:
        self.client.transact_write_items(**params)
        return self.client.transact_write_items(**params)


def test_an_attempt_that_committed_but_lost_its_answer_counts_as_done(table_name: str, seed: Any, clock: Any) -> None:
    from chalicelib.booking.schemas import HoldRequest
    from chalicelib.booking.service import Bookings, Caller
    from chalicelib.core import tokens
    from chalicelib.core.schemas import MoveRequest
    from chalicelib.core.store import make_table
    from tests.functions.conftest import hold_body, local

    seed()
    real = make_table(table_name)
    table = type("T", (), {"name": table_name, "meta": type("M", (), {"client": TwiceClient(real.meta.client)})()})()
    store = Store(table)
    sent: dict[str, str] = {}

    class Mailer:
        def send_code(self, to: str, code: str, notice: Any) -> bool:
            sent["code"] = code
            return True

        def __getattr__(self, name: str) -> Any:
            return lambda *args, **kwargs: True

    mailer = Mailer()
    bookings = Bookings(store, lambda: mailer, site_url="http://127.0.0.1", clock=clock)  # type: ignore[arg-type,return-value]
    caller = Caller("192.0.2.1")
    held, replayed = bookings.hold(HoldRequest.model_validate(hold_body(local(2, 9))), "twice-key-1", caller)
    assert not replayed and sent["code"]
    confirmed = bookings.confirm(held.id, sent["code"], caller)
    stored = store.appointment(held.id)
    assert stored is not None
    assert stored.status == "confirmed" and stored.token_hash == tokens.token_hash(confirmed.manage_token)
    moved = bookings.move(held.id, confirmed.manage_token, MoveRequest.model_validate({"start": local(2, 10)}))
    assert moved.start.isoformat() == local(2, 10)
    cancelled = bookings.cancel(held.id, confirmed.manage_token)
    assert cancelled.status == "cancelled"
    assert store.units("pr-test", *_march()) == []


def _march() -> Any:
    from datetime import UTC, datetime

    return datetime(2027, 3, 1, tzinfo=UTC), datetime(2027, 4, 1, tzinfo=UTC)


class FailingWrites:
    """A client whose single-item writes all fail with one error code."""

    def __init__(self, code: str) -> None:
        self.code = code

    def __getattr__(self, name: str) -> Any:
        def fail(**params: Any) -> Any:
            raise ClientError({"Error": {"Code": self.code, "Message": "no"}}, name)

        return fail


def _failing(code: str) -> Store:
    return Store(Table(FailingWrites(code)))  # type: ignore[arg-type]


def test_a_failed_condition_of_a_single_write_is_each_method_s_own_answer() -> None:
    s = _failing("ConditionalCheckFailedException")
    assert s.hit("booking", "192.0.2.1", 0, 60, 5) is False
    assert s.replace_code("ap-1", "hash", 0, 3, 5) is False
    assert s.spend_code_attempt("ap-1", 0, 5) is None
    assert s.set_no_show("ap-1", True, 0) is None
    assert s.spend_proof_attempt("pc-1", 0, 5) is None
    s.unhit("booking", "192.0.2.1", 0)  # nothing to give back: not an error


@pytest.mark.parametrize("code", ["ValidationException", "ThrottlingException", "ResourceNotFoundException"])
def test_any_other_error_of_a_single_conditional_write_is_unavailable(code: str) -> None:
    s = _failing(code)
    for write in (
        lambda: s.hit("booking", "192.0.2.1", 0, 60, 5),
        lambda: s.replace_code("ap-1", "hash", 0, 3, 5),
        lambda: s.spend_code_attempt("ap-1", 0, 5),
        lambda: s.set_no_show("ap-1", True, 0),
        lambda: s.save_profile("pr-1", {}, 1),
        lambda: s.spend_proof_attempt("pc-1", 0, 5),
        lambda: s.unhit("booking", "192.0.2.1", 0),
    ):
        with pytest.raises(Unavailable):
            write()
