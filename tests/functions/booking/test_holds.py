"""POST /v1/appointments: validation at the edge, Idempotency-Key, and the slot conditions between reasons."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.functions.conftest import Api, hold_body, local, patient


def hold(api: Api, body: dict[str, Any], key: str = "hold-test-key-1") -> Any:
    return api.post("/v1/appointments", body, headers={"Idempotency-Key": key})


def unit_items(store: Any) -> list[str]:
    return [u["SK"] for u in store.units("pr-test", *_march())]


def _march() -> Any:
    from datetime import UTC, datetime

    return datetime(2027, 3, 1, tzinfo=UTC), datetime(2027, 4, 1, tzinfo=UTC)


def test_a_repeated_post_returns_the_same_hold_and_creates_nothing(
    api: Api, seed: Callable[..., Any], store: Any, outbox: Callable[[], list[Any]]
) -> None:
    seed()
    first = hold(api, hold_body(local(2, 9)))
    assert first.status == 201 and first.headers["Idempotent-Replayed"] == "false"
    units = unit_items(store)
    again = hold(api, hold_body(local(2, 9)))
    assert again.status == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.body == first.body
    assert (
        unit_items(store)
        == units
        == ["UNIT#2027-03-02T08:00Z", "UNIT#2027-03-02T08:05Z", "UNIT#2027-03-02T08:10Z", "UNIT#2027-03-02T08:15Z"]
    )
    assert len(outbox()) == 1  # one code, not two


def test_the_same_key_for_another_request_is_refused(api: Api, seed: Callable[..., Any]) -> None:
    seed()
    assert hold(api, hold_body(local(2, 9))).status == 201
    other = hold(api, hold_body(local(2, 10)))
    assert (other.status, other.body["error"]["field"]) == (422, "Idempotency-Key")


def test_the_idempotency_key_is_required_and_checked(api: Api, seed: Callable[..., Any]) -> None:
    seed()
    missing = api.post("/v1/appointments", hold_body(local(2, 9)))
    assert (missing.status, missing.body["error"]["field"]) == (400, "Idempotency-Key")
    short = hold(api, hold_body(local(2, 9)), key="short")
    assert (short.status, short.body["error"]["field"]) == (422, "Idempotency-Key")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"nickname": "Lou"}, "nickname"),
        ({"patient": patient(age=41)}, "patient.age"),
        ({"patient": patient(email="not-an-address")}, "patient.email"),
        ({"patient": patient(kind="returning")}, "patient.kind"),
        ({"patient": {"given_name": "Louise", "email": "l@example.org", "kind": "new"}}, "patient.family_name"),
        ({"start": "2027-03-02T09:00:00"}, "start"),  # no offset
        ({"start": "tomorrow"}, "start"),
        ({"start": 1804237200}, "start"),  # a number is not an ISO text
        ({"start": "0001-01-01T00:00:00+14:00"}, "start"),  # years that overflow local-time arithmetic
        ({"start": "9999-12-31T23:55:00-14:00"}, "start"),
        ({"start": local(2, 9, 5)}, "start"),  # not on the 20-minute grid
        ({"start": local(2, 12)}, "start"),  # the period ends at 12:00
        ({"start": local(1, 7, 40)}, "start"),  # less than the 60-minute notice
        ({"start": "2027-05-03T09:00:00+02:00"}, "start"),  # beyond the 30-day horizon
        ({"reason": "by-phone"}, "reason"),
        ({"reason": "first-visit"}, "reason"),  # new patients only; this one is an existing patient
        ({"site": "annex"}, "site"),
        ({"language": "de"}, "language"),
    ],
)
def test_invalid_holds_are_422_naming_the_field(
    api: Api, seed: Callable[..., Any], change: dict[str, Any], field: str
) -> None:
    seed()
    answer = hold(api, {**hold_body(local(2, 9)), **change})
    assert answer.status == 422, answer.body
    assert answer.body["error"]["field"] == field


def test_bodies_that_are_not_json_objects(api: Api, seed: Callable[..., Any]) -> None:
    seed()
    broken = api.post("/v1/appointments", b"{not json", headers={"Idempotency-Key": "hold-test-key-1"})
    assert (broken.status, broken.body["error"]["field"]) == (400, "body")
    listed = hold(api, [hold_body(local(2, 9))])  # type: ignore[arg-type]
    assert (listed.status, listed.body["error"]["field"]) == (422, "body")
    nested = api.post("/v1/appointments", b"[" * 5000 + b"]" * 5000, headers={"Idempotency-Key": "hold-test-key-1"})
    assert (nested.status, nested.body["error"]["field"]) == (400, "body")


def test_unknown_professional_is_404(api: Api, seed: Callable[..., Any]) -> None:
    seed()
    answer = hold(api, hold_body(local(2, 9), practitioner="pr-nobody"))
    assert (answer.status, answer.body["error"]["code"]) == (404, "not_found")


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (("long", 9, 0), ("short", 9, 15)),  # 09:00-09:30 then 09:15-09:30
        (("short", 9, 15), ("long", 9, 0)),
        (("consultation", 9, 20), ("long", 9, 0)),  # 09:20-09:40 then 09:00-09:30
        (("long", 9, 30), ("consultation", 9, 20)),
    ],
)
def test_overlapping_appointments_of_different_lengths_never_both_hold(
    api: Api, seed: Callable[..., Any], first: tuple[str, int, int], second: tuple[str, int, int]
) -> None:
    seed()
    reason, hour, minute = first
    assert hold(api, hold_body(local(2, hour, minute), reason=reason), key="first-key-1").status == 201
    reason, hour, minute = second
    other = hold(
        api,
        hold_body(local(2, hour, minute), reason=reason, patient=patient(email="b@example.org")),
        key="second-key-1",
    )
    assert (other.status, other.body["error"]["code"], other.body["error"]["field"]) == (409, "slot_taken", "start")


def test_adjacent_appointments_both_hold_and_the_buffer_separates_them(api: Api, seed: Callable[..., Any]) -> None:
    seed(buffer_minutes=10)
    assert hold(api, hold_body(local(2, 9), reason="long"), key="first-key-1").status == 201  # 09:00-09:30 (+10)
    close = hold(
        api, hold_body(local(2, 9, 30), reason="long", patient=patient(email="b@example.org")), key="second-key-1"
    )
    assert close.status == 409  # 09:30 is inside the buffer
    later = hold(
        api, hold_body(local(2, 9, 45), reason="short", patient=patient(email="b@example.org")), key="third-key-1"
    )
    assert later.status == 201, later.body


@pytest.mark.parametrize(
    "address",
    [
        "a,b@example.org",  # two recipients to a mail program
        "a;b@example.org",
        "louise\x01@example.org",  # a control character
        "louise@example.org\x00",  # NUL
        "louise\n@example.org",
        '"louise rossi"@example.org',  # quoted local parts: legal, but not for a booking
        "louïse@example.org",  # SES cannot send to a non-ASCII mailbox name (no SMTPUTF8)
        "louise@localhost",
        "louise@example..org",
    ],
)
def test_an_address_the_mailer_cannot_use_is_422_and_holds_nothing(
    api: Api, seed: Callable[..., Any], store: Any, outbox: Callable[[], list[Any]], address: str
) -> None:
    seed()
    answer = hold(api, hold_body(local(2, 9), patient=patient(email=address)))
    assert (answer.status, answer.body["error"]["code"], answer.body["error"]["field"]) == (
        422,
        "invalid_input",
        "patient.email",
    )
    assert answer.body["error"]["message"].endswith(".")
    assert unit_items(store) == [] and outbox() == []


def test_an_internationalised_domain_is_mailed_in_its_ascii_form(
    api: Api, seed: Callable[..., Any], outbox: Callable[[], list[Any]]
) -> None:
    seed()
    answer = hold(api, hold_body(local(2, 9), patient=patient(email="louise@exämple.org")))
    assert answer.status == 201, answer.body
    [message] = outbox()
    assert message["To"] == "louise@xn--exmple-cua.org"  # the same mailbox, as SES takes it
