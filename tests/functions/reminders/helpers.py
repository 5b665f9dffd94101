"""What the reminder and waiting-list tests share: a booking through the patient API, and what was sent."""

from __future__ import annotations

import re
import uuid
from email.message import EmailMessage
from typing import Any

import boto3
from moto.core import DEFAULT_ACCOUNT_ID
from moto.sns.models import sns_backends

from tests.functions.conftest import REGION, Api, code_in, hold_body, patient, text_of

MANAGE = re.compile(r"/appointment/#id=([0-9a-f]{20})&token=([A-Za-z0-9_-]+)")
MOBILE = "+377 6 12 34 56 78"


def book(api: Api, outbox: Any, start: str, **who: Any) -> dict[str, Any]:
    """A patient's online booking (hold, e-mailed code, confirm): the confirm answer, with the manage token."""
    held = api.post(
        "/v1/appointments", hold_body(start, patient=patient(**who)), headers={"Idempotency-Key": uuid.uuid4().hex}
    )
    assert held.status == 201, held.body
    confirmed = api.post(f"/v1/appointments/{held.body['id']}/confirm", {"code": code_in(outbox()[-1])})
    assert confirmed.status == 200, confirmed.body
    return dict(confirmed.body)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def reminders_to(outbox: Any, to: str) -> list[EmailMessage]:
    return [m for m in outbox() if str(m["To"]) == to and str(m["Subject"]).startswith(("Rappel", "Reminder"))]


def texts() -> list[tuple[str, str]]:
    """Every text sent through moto's SNS so far: (number, message)."""
    return list(sns_backends[DEFAULT_ACCOUNT_ID][REGION].sms_messages.values())


def sns_texter() -> Any:
    from chalicelib.core.sms import Texter

    return Texter(boto3.client("sns", region_name=REGION), "MonacoSante")


def manage_of(message: EmailMessage) -> tuple[str, str]:
    found = MANAGE.search(text_of(message))
    assert found, text_of(message)
    return found.group(1), found.group(2)


def prove_mobile(api: Api, booked: dict[str, Any]) -> None:
    """Prove the booking's mobile number with the code texted to it (the manage page's steps; texts must be on:
    ``services.use(texter=sns_texter())``)."""
    path, auth = f"/v1/appointments/{booked['id']}/reminders", bearer(booked["manage_token"])
    assert api.post(path + "/sms-code", {}, headers=auth).status == 202
    _, message = texts()[-1]
    code = next(word for word in message.replace(".", " ").split() if word.isdigit() and len(word) == 6)
    proven = api.post(path + "/sms-proof", {"code": code}, headers=auth)
    assert proven.status == 200 and proven.body["phone_proven"], proven.body
