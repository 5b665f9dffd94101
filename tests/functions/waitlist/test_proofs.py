"""The waiting list and the booking's e-mail proofs (core/proof.py): a request that carries a proof joins with no
code, a waiting-list code earns a proof for the next booking, an address the mailer cannot use is refused, and an
offer is held for its patient whatever holds of theirs still await a code."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.functions.conftest import Api, Clock, hold_body, local, patient
from tests.functions.reminders.helpers import bearer, book
from tests.functions.waitlist.test_waitlist import TUESDAY, join, offers_to, one_slot_a_week


def request(email: str, before: str = "2027-03-03") -> dict[str, Any]:
    return {
        "practitioner": "pr-test",
        "site": "main",
        "reason": "consultation",
        "before": before,
        "patient": {"given_name": "Paul", "family_name": "Bianchi", "email": email, "kind": "existing"},
        "language": "fr",
    }


def hold(api: Api, start: str, email: str, proof: str | None = None) -> Any:
    headers = {"Idempotency-Key": uuid.uuid4().hex, **({"Email-Proof": proof} if proof else {})}
    return api.post("/v1/appointments", hold_body(start, patient=patient(email=email)), headers=headers)


def test_a_request_with_an_e_mail_proof_joins_at_once_with_no_code(api: Api, seed: Any, outbox: Any) -> None:
    one_slot_a_week(seed)
    anna = book(api, outbox, TUESDAY, email="anna@example.org")
    token = anna["email_proof"]["token"]  # her booking's code proved the address a moment ago
    sent = len(outbox())
    joined = api.post("/v1/waitlist", request("Anna+rdv@Example.org", "2027-03-10"), headers={"Email-Proof": token})
    assert joined.status == 201, joined.body
    assert (joined.body["status"], joined.body["before"], joined.body["email_proof"]) == ("waiting", "2027-03-10", None)
    assert len(outbox()) == sent  # no code e-mail
    # a proof covers its own mailbox only: another address from the same browser is sent a code
    other = api.post("/v1/waitlist", request("chloe@example.org"), headers={"Email-Proof": token})
    assert other.status == 202 and other.body["status"] == "code_sent"
    assert [str(m["To"]) for m in outbox()[sent:]] == ["chloe@example.org"]


def test_a_waiting_list_code_earns_a_proof_for_the_next_booking(api: Api, seed: Any, outbox: Any) -> None:
    one_slot_a_week(seed)
    joined = join(api, outbox, "bruno@example.org")
    token = joined["email_proof"]["token"]
    assert joined["email_proof"]["expires_at"] == "2027-03-01T06:30:00Z"  # 30 minutes, as a booking's
    sent = len(outbox())
    held = hold(api, local(9, 8), "bruno@example.org", proof=token)
    assert (held.status, held.body["proven"]) == (201, True)
    booked = api.post(f"/v1/appointments/{held.body['id']}/confirm", {}, headers={"Email-Proof": token})
    assert (booked.status, booked.body["status"]) == (200, "confirmed")
    assert [str(m["Subject"]).startswith("Votre code") for m in outbox()[sent:]] == [False]  # the confirmation only


@pytest.mark.parametrize("email", ["bruno,@example.org", "bruno;x@example.org", "é@example.org", "bruno@example"])
def test_an_address_the_mailer_cannot_use_is_a_422_naming_the_field(
    api: Api, seed: Any, outbox: Any, email: str
) -> None:
    one_slot_a_week(seed)
    refused = api.post("/v1/waitlist", request(email))
    assert refused.status == 422, refused.body
    assert (refused.body["error"]["code"], refused.body["error"]["field"]) == ("invalid_input", "patient.email")
    assert outbox() == []


def test_an_offer_is_held_for_a_patient_whose_holds_await_their_codes(
    api: Api, seed: Any, clock: Clock, outbox: Any
) -> None:
    one_slot_a_week(seed)
    anna = book(api, outbox, TUESDAY, email="anna@example.org")
    join(api, outbox, "bruno@example.org", clock=clock)  # his code proved the address
    # Bruno then holds two more Tuesdays without confirming them: the unproven share of his address is used up
    for day in (9, 16):
        assert hold(api, local(day, 8), "bruno@example.org").body["proven"] is False
    third = hold(api, local(23, 8), "bruno@example.org")
    assert (third.status, third.body["error"]["code"]) == (429, "proof_required")
    assert api.post(f"/v1/appointments/{anna['id']}/cancel", {}, headers=bearer(anna["manage_token"])).status == 200
    [(offer_id, token)] = offers_to(outbox, "bruno@example.org")  # the share of unproven holds does not stop it
    assert api.get("/v1/practitioners/pr-test/slots?reason=consultation&from=2027-03-02&days=1").body["slots"] == []
    accepted = api.post(f"/v1/offers/{offer_id}/accept", {}, headers=bearer(token))
    assert (accepted.status, accepted.body["status"]) == (200, "confirmed"), accepted.body
    # the offer took nothing from his unproven share, and gave nothing to it either
    again = hold(api, local(23, 8), "bruno@example.org")
    assert (again.status, again.body["error"]["code"]) == (429, "proof_required")
