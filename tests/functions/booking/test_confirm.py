"""Confirming a hold with its e-mailed code; the limits against hoarding, fake bookings and guessing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from icalendar import Calendar

from chalicelib.core.ratelimit import Limit, Limits
from tests.functions.conftest import Api, Clock, code_in, hold_body, local, patient, text_of, viewer
from tests.functions.factories import practitioner_record, reason

Outbox = Callable[[], list[Any]]


def hold(
    api: Api, hour: int, minute: int = 0, key: str = "confirm-key-1", network: str | None = None, **overrides: Any
) -> Any:
    headers = {"Idempotency-Key": key, **viewer(network)}
    return api.post("/v1/appointments", hold_body(local(2, hour, minute), **overrides), headers=headers)


def last_code(outbox: Outbox) -> str:
    return code_in(outbox()[-1])


def test_the_code_confirms_once_and_the_confirmation_mail_carries_the_manage_link(
    api: Api, seed: Callable[..., Any], outbox: Outbox
) -> None:
    seed()
    held = hold(api, 9)
    code = last_code(outbox)
    confirmed = api.post(f"/v1/appointments/{held.body['id']}/confirm", {"code": code})
    assert confirmed.status == 200
    assert confirmed.body["status"] == "confirmed"
    text = text_of(outbox()[-1])
    assert f"#id={held.body['id']}&token={confirmed.body['manage_token']}" in text
    again = api.post(f"/v1/appointments/{held.body['id']}/confirm", {"code": code})
    assert (again.status, again.body["error"]["code"]) == (409, "already_confirmed")


def test_five_attempts_then_429_even_for_the_right_code(api: Api, seed: Callable[..., Any], outbox: Outbox) -> None:
    seed()
    held = hold(api, 9)
    code = last_code(outbox)
    wrong = "000000" if code != "000000" else "111111"
    path = f"/v1/appointments/{held.body['id']}/confirm"
    for left in (4, 3, 2, 1):
        answer = api.post(path, {"code": wrong})
        assert (answer.status, answer.body["error"]["code"], answer.body["error"]["field"]) == (
            422,
            "wrong_code",
            "code",
        )
        assert answer.body["error"]["attempts_left"] == left  # for clients: no need to read the message
        assert f"{left} attempt" in answer.body["error"]["message"]
    for last in (wrong, code):
        refused = api.post(path, {"code": last})
        assert (refused.status, refused.body["error"]["code"]) == (429, "too_many_attempts")
        assert set(refused.body["error"]) == {"code", "message", "field"}


def test_a_locked_hold_sends_no_more_codes(api: Api, seed: Callable[..., Any], outbox: Outbox) -> None:
    """After five wrong codes the hold can no longer be confirmed: a new code would only be refused, so none is sent
    (and none is counted against the patient)."""
    seed()
    held = hold(api, 9)
    code = last_code(outbox)
    path = f"/v1/appointments/{held.body['id']}"
    for attempt in range(5):
        wrong = f"{(int(code) + 1 + attempt) % 1_000_000:06d}"
        assert api.post(path + "/confirm", {"code": wrong}).status in (422, 429)
    resend = api.post(path + "/code")
    assert (resend.status, resend.body["error"]["code"]) == (429, "too_many_attempts")
    assert "wrong codes" in resend.body["error"]["message"]
    assert len(outbox()) == 1  # the first code only
    assert hold(api, 10, key="confirm-key-2").status == 201  # the patient's budget is intact: a new hold, a new code
    assert len(outbox()) == 2


def test_only_a_wrong_code_carries_the_attempts_left(api: Api, seed: Callable[..., Any], outbox: Outbox) -> None:
    seed()
    held = hold(api, 9)
    path = f"/v1/appointments/{held.body['id']}/confirm"
    malformed = api.post(path, {"code": "12345"})
    unknown = api.post("/v1/appointments/0123456789abcdef0123/confirm", {"code": "123456"})
    taken = hold(api, 9, key="confirm-key-2", patient={"email": "other@example.org"})
    for answer, status, code in (
        (malformed, 422, "invalid_input"),
        (unknown, 404, "not_found"),
        (taken, 409, "slot_taken"),
    ):
        assert (answer.status, answer.body["error"]["code"]) == (status, code)
        assert set(answer.body["error"]) == {"code", "message", "field"}
    wrong = "000000" if last_code(outbox) != "000000" else "111111"
    assert set(api.post(path, {"code": wrong}).body["error"]) == {"code", "message", "field", "attempts_left"}


def test_malformed_codes_and_unknown_ids(api: Api, seed: Callable[..., Any]) -> None:
    seed()
    held = hold(api, 9)
    bad = api.post(f"/v1/appointments/{held.body['id']}/confirm", {"code": "12345"})
    assert (bad.status, bad.body["error"]["field"]) == (422, "code")
    assert api.post("/v1/appointments/0123456789abcdef0123/confirm", {"code": "123456"}).status == 404
    assert api.post("/v1/appointments/not-an-id/confirm", {"code": "123456"}).status == 404


def test_an_expired_hold_is_410_and_its_slot_goes_to_someone_else(
    api: Api, seed: Callable[..., Any], clock: Clock, outbox: Outbox
) -> None:
    seed()
    first = hold(api, 9)
    code = last_code(outbox)
    clock.advance(minutes=11)
    second = hold(api, 9, key="confirm-key-2", patient={"email": "other@example.org"})
    assert second.status == 201, second.body
    late = api.post(f"/v1/appointments/{first.body['id']}/confirm", {"code": code})
    assert (late.status, late.body["error"]["code"]) == (410, "hold_expired")
    ok = api.post(f"/v1/appointments/{second.body['id']}/confirm", {"code": last_code(outbox)})
    assert ok.status == 200


def test_a_new_code_replaces_the_old_one_three_times_at_most(
    api: Api, seed: Callable[..., Any], outbox: Outbox
) -> None:
    seed()
    held = hold(api, 9)
    old = last_code(outbox)
    path = f"/v1/appointments/{held.body['id']}"
    assert api.post(path + "/code").status == 202
    new = last_code(outbox)
    assert api.post(path + "/code", {}).status == 202
    assert api.post(path + "/code").status == 429  # three codes sent in all
    newest = last_code(outbox)
    for stale in {old, new} - {newest}:
        assert api.post(path + "/confirm", {"code": stale}).status == 422
    assert api.post(path + "/confirm", {"code": newest}).status == 200
    assert api.post(path + "/code").status == 409  # confirmed: no more codes


def test_an_email_holds_two_times_at_once_until_one_is_confirmed(
    api: Api, seed: Callable[..., Any], outbox: Outbox
) -> None:
    seed()
    ids = [hold(api, 9 + i, key=f"hoard-key-{i}", network=f"198.51.100.{i + 1}").body["id"] for i in range(2)]
    third = hold(api, 14, key="hoard-key-2", network="198.51.100.3")
    assert (third.status, third.body["error"]["code"], third.body["error"]["field"]) == (
        429,
        "proof_required",
        "patient.email",
    )
    codes = [code_in(m) for m in outbox()]
    assert len(codes) == 2  # the refused hold sent nothing
    assert api.post(f"/v1/appointments/{ids[0]}/confirm", {"code": codes[0]}).status == 200
    assert hold(api, 14, key="hoard-key-3", network="198.51.100.3").status == 201  # a confirmed hold no longer counts


def test_the_cap_counts_confirmed_appointments_in_the_confirming_transaction(
    api: Api, seed: Callable[..., Any], outbox: Outbox, clock: Clock
) -> None:
    seed(max_future_per_patient=1)
    first, second = hold(api, 9, key="cap-key-1"), hold(api, 10, key="cap-key-2")
    codes = [code_in(m) for m in outbox()]
    assert api.post(f"/v1/appointments/{first.body['id']}/confirm", {"code": codes[0]}).status == 200
    capped = api.post(f"/v1/appointments/{second.body['id']}/confirm", {"code": codes[1]})
    assert (capped.status, capped.body["error"]["code"]) == (409, "too_many_appointments")
    third = hold(api, 11, key="cap-key-3")
    assert (third.status, third.body["error"]["code"]) == (409, "too_many_appointments")
    # Once the appointment is over it no longer counts.
    clock.advance(days=1, hours=3)
    assert api.post("/v1/appointments", hold_body(local(3, 9)), headers={"Idempotency-Key": "cap-key-4"}).status == 201


def test_code_emails_per_email_and_network_and_per_network_are_limited(
    api: Api, seed: Callable[..., Any], services: Any, clock: Clock
) -> None:
    seed()
    services.use(
        limits=Limits(
            code_per_email_network=Limit("code-email-network", 2, 3600, "patient.email"),
            code_per_network=Limit("code-network", 4, 600),
            unproven_holds_per_email=9,
            unproven_holds_per_network=9,
            holds_per_network=9,
        )
    )
    assert hold(api, 9, key="limit-key-1").status == 201
    assert hold(api, 10, key="limit-key-2").status == 201
    per_email = hold(api, 11, key="limit-key-3", patient=patient(email="louise+3@example.org"))  # one mailbox
    assert (per_email.status, per_email.body["error"]["code"], per_email.body["error"]["field"]) == (
        429,
        "too_many_requests",
        "patient.email",
    )
    assert hold(api, 11, key="limit-key-4", patient=patient(email="b@example.org")).status == 201
    # The refused request above counted for nothing: this is the network's 4th code, within its limit of 4.
    assert hold(api, 14, key="limit-key-5", patient=patient(email="c@example.org")).status == 201
    per_network = hold(api, 15, key="limit-key-6", patient=patient(email="d@example.org"))  # the network's 5th
    assert (per_network.status, per_network.body["error"]["code"], per_network.body["error"]["field"]) == (
        429,
        "too_many_requests",
        None,
    )
    clock.advance(minutes=10)  # the network's window has passed
    assert hold(api, 15, key="limit-key-7", patient=patient(email="d@example.org")).status == 201


def test_code_attempts_per_network_are_limited(api: Api, seed: Callable[..., Any], services: Any) -> None:
    seed()
    services.use(limits=Limits(attempt_per_network=Limit("attempt-network", 2, 600)))
    held = hold(api, 9)
    path = f"/v1/appointments/{held.body['id']}/confirm"
    assert api.post(path, {"code": "000001"}).status == 422
    assert api.post(path, {"code": "000002"}).status == 422
    assert api.post(path, {"code": "000003"}).status == 429


def test_a_failing_email_never_undoes_the_booking(
    api: Api, seed: Callable[..., Any], ses: Any, outbox: Outbox, store: Any
) -> None:
    seed()
    held = hold(api, 9)
    code = last_code(outbox)
    for identity in ses.list_identities()["Identities"]:
        ses.delete_identity(Identity=identity)  # SES now refuses every message
    confirmed = api.post(f"/v1/appointments/{held.body['id']}/confirm", {"code": code})
    assert confirmed.status == 200
    assert len(outbox()) == 1  # the confirmation was not sent ...
    assert store.appointment(held.body["id"]).status == "confirmed"  # ... and the booking stands


def test_the_confirmation_names_the_reason_in_the_patients_language_else_in_french(
    api: Api, seed: Callable[..., Any], outbox: Outbox
) -> None:
    """An Italian booking's e-mail and calendar file name the visit reason and give its instructions in Italian; a
    Russian booking of a reason the practice did not name in Russian reads the French, not a code or the English."""
    record = practitioner_record()
    record["visit_reasons"][0] = reason(
        "consultation",
        20,
        label={"fr": "Consultation de contrôle", "en": "Follow-up visit", "it": "Visita di controllo"},
        instructions={"fr": "Venez à jeun.", "en": "Come fasting.", "it": "Venite a digiuno."},
    )
    seed(record=record)
    mails = {}
    for hour, language, email in ((9, "it", "giulia@example.org"), (10, "ru", "olga@example.org")):
        held = hold(api, hour, key=f"language-{language}", language=language, patient=patient(email=email))
        assert held.status == 201, held.body
        confirmed = api.post(f"/v1/appointments/{held.body['id']}/confirm", {"code": last_code(outbox)})
        assert confirmed.status == 200, confirmed.body
        mails[language] = outbox()[-1]

    italian = text_of(mails["it"])
    assert "Visita di controllo" in italian and "Venite a digiuno." in italian
    assert "Consultation de contrôle" not in italian and "Follow-up visit" not in italian
    html = mails["it"].get_body(preferencelist=("html",))
    assert html is not None and "Visita di controllo" in html.get_content()  # type: ignore[attr-defined]
    calendar = next(p for p in mails["it"].iter_attachments() if p.get_content_type() == "text/calendar")
    [event] = Calendar.from_ical(calendar.get_content()).walk("VEVENT")  # type: ignore[attr-defined]
    assert str(event["SUMMARY"]).startswith("Appuntamento: Visita di controllo – ")
    assert "Venite a digiuno." in str(event["DESCRIPTION"])

    russian = text_of(mails["ru"])
    assert "Consultation de contrôle" in russian and "Venez à jeun." in russian
    assert "Follow-up visit" not in russian
