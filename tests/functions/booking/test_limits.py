"""The limits against hoarding and lock-outs (docs/api.md, "Limits"; docs/security.md, "Holds and proofs").

A client that has proven nothing holds at most 2 times at once per network and per mailbox; a proven one books as
before; a refused request counts for nothing; a stranger who knows a patient's e-mail can neither stop them booking
nor send them more than a few codes a day. Networks are told apart as CloudFront tells the API the viewer's address
(``CloudFront-Viewer-Address``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.functions.conftest import Api, Clock, code_in, hold_body, local, patient, viewer

Outbox = Callable[[], list[Any]]
NETWORK = "198.51.100.7"


def hold(
    api: Api,
    start: str,
    email: str,
    key: str,
    *,
    network: str | None = NETWORK,
    proof: str | None = None,
    **overrides: Any,
) -> Any:
    headers = {"Idempotency-Key": f"limits-{key}", **viewer(network), **({"Email-Proof": proof} if proof else {})}
    return api.post("/v1/appointments", hold_body(start, patient=patient(email=email), **overrides), headers=headers)


def error(answer: Any) -> tuple[int, str, str | None]:
    return answer.status, answer.body["error"]["code"], answer.body["error"]["field"]


def day_slots(api: Api) -> list[str]:
    answer = api.get("/v1/practitioners/pr-test/slots?from=2027-03-02&days=1&reason=consultation")
    return [slot["start"] for slot in answer.body["slots"]]


def codes_to(outbox: Outbox, address: str) -> list[str]:
    return [code_in(m) for m in outbox() if m["To"] == address]


def prove(api: Api, outbox: Outbox, email: str, network: str | None = NETWORK) -> str:
    """An e-mail proof's token, earned with the code of POST /v1/email-proofs (what the widget does)."""
    sent = api.post("/v1/email-proofs", {"email": email, "language": "en"}, headers=viewer(network))
    assert sent.status == 202, sent.body
    message = outbox()[-1]
    assert message["To"] == email and "confirm your e-mail address" in message["Subject"]
    proof = api.post(f"/v1/email-proofs/{sent.body['id']}/confirm", {"code": code_in(message)}, headers=viewer(network))
    assert proof.status == 200, proof.body
    return str(proof.body["token"])


# -- item 1: slot hoarding --------------------------------------------------------------------------------------------


def test_one_network_without_proof_cannot_hold_a_professionals_day(
    api: Api, seed: Callable[..., Any], outbox: Outbox
) -> None:
    """The attack as it was made: every offered time of a day, each with a throw-away address, from one network."""
    seed()
    day = day_slots(api)
    assert len(day) == 24
    answers = [hold(api, start, f"throwaway-{i}@example.org", f"hoard-day-{i}") for i, start in enumerate(day)]
    assert [a.status for a in answers[:2]] == [201, 201]
    assert {error(a) for a in answers[2:]} == {(429, "proof_required", None)}
    assert len(day_slots(api)) == 22  # the refused holds took nothing
    assert len(outbox()) == 2  # and sent nothing
    # Another network is not affected (a neighbour, or the same practice's other patients).
    assert hold(api, day[5], "neighbour@example.org", "neighbour-1", network="203.0.113.5").status == 201


def test_an_ipv6_network_is_its_64(api: Api, seed: Callable[..., Any]) -> None:
    seed()
    day = day_slots(api)
    answers = [
        hold(api, day[i], f"v6-{i}@example.org", f"v6-key-{i}", network=f"2001:db8:7:7::{i + 1}") for i in range(3)
    ]
    assert [a.status for a in answers[:2]] == [201, 201]
    assert error(answers[2]) == (429, "proof_required", None)  # a third address of the same /64
    assert hold(api, day[3], "v6-3@example.org", "v6-key-3", network="2001:db8:7:8::1").status == 201


def test_a_code_confirmed_hold_earns_a_proof_and_the_next_booking_needs_no_code(
    api: Api, seed: Callable[..., Any], outbox: Outbox
) -> None:
    seed()
    day = day_slots(api)
    held = hold(api, day[0], "louise@example.org", "fluid-1")
    assert held.body.get("proven") is False, held.body
    code = codes_to(outbox, "louise@example.org")[0]
    confirmed = api.post(f"/v1/appointments/{held.body['id']}/confirm", {"code": code})
    assert confirmed.status == 200
    token = confirmed.body["email_proof"]["token"]
    # The same mailbox, spelt another way (canonical form), from the same browser: held without a code ...
    again = hold(api, day[3], "Louise+rdv@Example.org", "fluid-2", proof=token, reason="consultation")
    assert (again.status, again.body["proven"]) == (201, True)
    assert len(outbox()) == 2  # the first code and the confirmation; no second code
    # ... and confirmed with the proof instead of a code (no new proof: it would make proofs last for ever).
    booked = api.post(f"/v1/appointments/{again.body['id']}/confirm", {}, headers={"Email-Proof": token})
    assert (booked.status, booked.body["status"], booked.body["email_proof"]) == (200, "confirmed", None)
    assert booked.body["patient"]["email"] == "Louise+rdv@Example.org"  # shown and mailed as typed
    assert outbox()[-1]["To"] == "Louise+rdv@Example.org"


def test_a_proven_client_holds_past_the_networks_unproven_share(
    api: Api, seed: Callable[..., Any], outbox: Outbox
) -> None:
    """A hospital's shared address: two patients' holds await their code; the third patient proves the address
    first (no time held meanwhile), then books."""
    seed()
    day = day_slots(api)
    assert hold(api, day[0], "a@example.org", "shared-1").status == 201
    assert hold(api, day[1], "b@example.org", "shared-2").status == 201
    assert error(hold(api, day[2], "c@example.org", "shared-3")) == (429, "proof_required", None)
    token = prove(api, outbox, "c@example.org")
    held = hold(api, day[2], "c@example.org", "shared-3", proof=token)  # the same key: the refusal wrote nothing
    assert (held.status, held.body["proven"]) == (201, True)
    assert api.post(f"/v1/appointments/{held.body['id']}/confirm", {}, headers={"Email-Proof": token}).status == 200
    # A proof is for its own mailbox only: another address from the same browser is an unproven hold.
    other = hold(api, day[4], "d@example.org", "shared-4", proof=token)
    assert error(other) == (429, "proof_required", None)


def test_a_network_holds_five_times_at_once_proven_or_not(api: Api, seed: Callable[..., Any], outbox: Outbox) -> None:
    """Proofs of many mailboxes cannot empty a day either: a network's holds awaiting confirmation are at most 5."""
    seed()
    day = day_slots(api)
    tokens = [prove(api, outbox, f"box-{n}@example.org") for n in range(2)]
    held = [hold(api, day[i], "box-0@example.org", f"net-{i}", proof=tokens[0]) for i in range(3)]
    assert [h.body["proven"] for h in held] == [True, True, True]
    proven_again = hold(api, day[3], "box-0@example.org", "net-3", proof=tokens[0])
    assert error(proven_again) == (429, "too_many_holds", "patient.email")  # a mailbox's 3 proven holds
    held += [hold(api, day[3 + i], f"plain-{i}@example.org", f"net-plain-{i}") for i in range(2)]
    assert [h.status for h in held] == [201] * 5
    sixth = hold(api, day[6], "box-1@example.org", "net-6", proof=tokens[1])
    assert error(sixth) == (429, "too_many_holds", None)
    assert len(day_slots(api)) == 24 - 5


def test_a_proof_lapses_after_30_minutes(api: Api, seed: Callable[..., Any], outbox: Outbox, clock: Clock) -> None:
    seed()
    day = day_slots(api)
    token = prove(api, outbox, "late@example.org")
    clock.advance(minutes=30)
    held = hold(api, day[0], "late@example.org", "late-1", proof=token)
    assert (held.status, held.body["proven"]) == (201, False)  # a code was sent, as without a proof
    refused = api.post(f"/v1/appointments/{held.body['id']}/confirm", {}, headers={"Email-Proof": token})
    assert error(refused) == (422, "invalid_input", "code")


def test_a_proof_confirms_only_its_own_mailbox(api: Api, seed: Callable[..., Any], outbox: Outbox) -> None:
    seed()
    day = day_slots(api)
    token = prove(api, outbox, "mine@example.org")
    theirs = hold(api, day[0], "theirs@example.org", "theirs-1")
    answer = api.post(f"/v1/appointments/{theirs.body['id']}/confirm", {}, headers={"Email-Proof": token})
    assert error(answer) == (422, "invalid_input", "code")
    forged = api.post(f"/v1/appointments/{theirs.body['id']}/confirm", {}, headers={"Email-Proof": "x" * 43})
    assert error(forged) == (422, "invalid_input", "code")


# -- item 2: locking a patient out ------------------------------------------------------------------------------------


def test_a_stranger_cannot_stop_a_patient_from_booking(
    api: Api, seed: Callable[..., Any], outbox: Outbox, services: Any
) -> None:
    """Someone who knows the patient's e-mail holds times for it, then sends many requests that are refused: none
    of them counts, and the patient, at home, still books (proving the address once, with one code)."""
    seed()
    seed(id="pr-other")
    day = day_slots(api)
    victim = "victim@example.org"
    assert [hold(api, day[i], victim, f"stranger-{i}").status for i in range(2)] == [201, 201]
    refused = [hold(api, day[2 + i], victim, f"stranger-refused-{i}") for i in range(10)]  # unproven share used up
    refused += [hold(api, day[0], f"x{i}@example.org", f"stranger-taken-{i}", network=f"192.0.2.{i}") for i in range(5)]
    assert {r.status for r in refused} == {409, 429}
    assert len(codes_to(outbox, victim)) == 2  # the stranger's two holds: the only codes the patient got
    home = "203.0.113.80"
    own = hold(api, local(2, 9), victim, "victim-1", network=home, practitioner="pr-other")
    assert error(own) == (429, "proof_required", "patient.email")  # the stranger's holds wait for their code
    token = prove(api, outbox, victim, network=home)
    own = hold(api, local(2, 9), victim, "victim-1", network=home, practitioner="pr-other", proof=token)
    assert own.status == 201, own.body
    booked = api.post(f"/v1/appointments/{own.body['id']}/confirm", {}, headers={"Email-Proof": token})
    assert booked.status == 200
    # Nothing the stranger's refused requests did is counted against the patient: each window of the code limits
    # holds exactly the codes that were sent.
    store = services.get_store()
    counted = store._get({"PK": _rate("code-email-day", "victim@example.org"), "SK": _window(store, 86400)})
    assert counted["hits"] == 3  # 2 for the stranger's holds, 1 for the patient's proof


def test_a_patient_gets_at_most_ten_codes_a_day_whoever_asks(
    api: Api, seed: Callable[..., Any], outbox: Outbox, clock: Clock
) -> None:
    """Holds and new codes asked for from three networks every hour for half a day: 5 codes per network a day at
    most, 10 in all."""
    seed()
    victim = "flooded@example.org"
    asked = 0
    for hour in range(12):
        for n, network in enumerate(("192.0.2.1", "198.51.100.1", "203.0.113.1")):
            held = hold(api, local(3, 8 + n), victim, f"flood-{hour}-{n}", network=network)
            asked += 1
            if held.status == 201:
                for _ in range(2):
                    api.post(f"/v1/appointments/{held.body['id']}/code", headers=viewer(network))
                    asked += 1
        clock.advance(hours=1)
    assert asked > 40
    assert len(codes_to(outbox, victim)) == 10


# -- item 11: one mailbox, however it is written ----------------------------------------------------------------------


def test_caps_count_the_mailbox_not_its_spelling(api: Api, seed: Callable[..., Any], outbox: Outbox) -> None:
    seed(max_future_per_patient=1)
    held = hold(api, local(2, 9), "louise.rossi@gmail.com", "spelling-1")
    assert api.post(f"/v1/appointments/{held.body['id']}/confirm", {"code": code_in(outbox()[-1])}).status == 200
    spellings = ("Louise.Rossi+1@gmail.com", "LOUISEROSSI@GMAIL.COM", "louise.rossi+x@googlemail.com")
    for n, spelling in enumerate(spellings):
        again = hold(api, local(2, 14 + n), spelling, f"spelling-{n + 2}", network=f"192.0.2.{n + 1}")
        assert error(again) == (409, "too_many_appointments", "patient.email"), spelling


def test_unproven_holds_count_the_mailbox_not_its_spelling(api: Api, seed: Callable[..., Any]) -> None:
    seed()
    first = hold(api, local(2, 9), "sam+a@example.org", "mailbox-1", network="192.0.2.1")
    second = hold(api, local(2, 10), "Sam+b@Example.org", "mailbox-2", network="192.0.2.2")
    assert (first.status, second.status) == (201, 201)
    third = hold(api, local(2, 11), "SAM@example.org", "mailbox-3", network="192.0.2.3")
    assert error(third) == (429, "proof_required", "patient.email")


def _rate(scope: str, subject: str) -> str:
    from chalicelib.core.keys import digest

    return f"RATE#{scope}#{digest(subject)}"


def _window(store: Any, seconds: int) -> str:
    from tests.functions.conftest import TODAY

    now = int(TODAY.timestamp())
    return f"WINDOW#{now - now % seconds}"
