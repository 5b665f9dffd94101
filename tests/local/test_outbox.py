"""The local outbox: what the API sends through local SES is readable on the console, as a page and as JSON."""

from __future__ import annotations

import email
import json
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.policy import default
from zoneinfo import ZoneInfo

import boto3
import pytest

from chalicelib.core.appointment import AppointmentNotice
from chalicelib.core.config import settings
from chalicelib.core.notify import Mailer
from local.launch import start_portal
from local.outbox import parse_raw

from .test_portal import fetch

MONACO = ZoneInfo("Europe/Monaco")


@dataclass
class Portal:
    url: str
    endpoint: str
    console: list[str]

    def mailer(self) -> Mailer:
        client = boto3.client("ses", endpoint_url=self.endpoint)
        return Mailer(client, settings().mail_from)  # the API's sender; the portal verified it at start-up

    def outbox(self) -> list[dict[str, object]]:
        status, _, body = fetch(self.url + "/_local/outbox.json")
        assert status == 200
        messages: list[dict[str, object]] = json.loads(body)["messages"]
        return messages


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Portal]:
    site = tmp_path_factory.mktemp("site")
    (site / "fr").mkdir()
    (site / "fr" / "index.html").write_text("<main>Accueil</main>", encoding="utf-8")
    running = start_portal(site, workers=1)
    yield Portal(running.url, running.endpoint, running.console)
    running.stop()


def notice(**overrides: object) -> AppointmentNotice:
    start = datetime(2026, 3, 2, 10, 15, tzinfo=MONACO)
    values: dict[str, object] = {
        "appointment_id": "apt-local-1",
        "practitioner_name": "Dr Hélène Rossi",
        "reason_label": "Consultation",
        "start": start,
        "end": start + timedelta(minutes=20),
        "timezone": "Europe/Monaco",
        "site_name": "Cabinet du Port",
        "address": "3 quai Antoine-Ier, 98000 Monaco",
        "manage_url": "http://127.0.0.1:8000/fr/rendez-vous/apt-local-1#t",
    }
    values.update(overrides)
    return AppointmentNotice(**values)  # type: ignore[arg-type]


def test_the_api_sender_is_verified_and_sent_mail_is_listed_newest_first(portal: Portal) -> None:
    mailer = portal.mailer()
    before = datetime.now(UTC).replace(microsecond=0)
    assert mailer.send_code("first@example.org", "314159", notice()) is True
    assert mailer.send_confirmation("second@example.org", notice(lang="en")) is True
    messages = portal.outbox()
    newest, previous = messages[0], messages[1]
    assert newest["to"] == "second@example.org" and newest["recipients"] == ["second@example.org"]
    assert newest["subject"] == "Appointment confirmed: Monday 2 March 2026 at 10:15"
    assert "10:15 (Monaco time, UTC+01:00)" in str(newest["text"])
    assert newest["attachments"] == ["appointment.ics"]
    assert previous["to"] == "first@example.org"
    assert "314159" in str(previous["text"])
    assert "valable 10 minutes" in str(previous["text"])  # French text decoded intact
    sent_at = datetime.fromisoformat(str(newest["sent_at"]))
    assert before <= sent_at <= datetime.now(UTC) + timedelta(seconds=1)


def test_the_outbox_page_lists_messages_escaped_and_links_each_as_sent(portal: Portal) -> None:
    portal.mailer().send_cancellation("third@example.org", notice(reason_label="Bilan <b>urgent</b>"), "practitioner")
    status, headers, body = fetch(portal.url + "/_local/outbox/")
    page = body.decode("utf-8")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert headers["Cache-Control"] == "no-store"
    assert "Bilan &lt;b&gt;urgent&lt;/b&gt;" in page and "<b>urgent" not in page
    assert "third@example.org" in page
    assert page.index("third@example.org") < page.index("first@example.org")  # newest first
    newest = portal.outbox()[0]
    status, headers, raw = fetch(f"{portal.url}/_local/outbox/{newest['id']}.eml")
    assert status == 200 and headers["Content-Type"].startswith("message/rfc822")
    message = email.message_from_bytes(raw, policy=default)
    assert message["To"] == "third@example.org" and message["Subject"].startswith("Rendez-vous annulé")
    assert fetch(portal.url + "/_local/outbox/nothing.eml")[0] == 404
    assert fetch(portal.url + "/fr/")[2] == b"<main>Accueil</main>"  # the site is still served around it


def test_each_message_is_printed_on_the_console(portal: Portal) -> None:
    portal.mailer().send_code("fourth@example.org", "271828", notice(appointment_id="apt-local-4"))
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        console = "".join(portal.console)
        if "fourth@example.org" in console:
            break
        time.sleep(0.2)
    else:
        pytest.fail("the console never showed the message")
    printed = console[console.index("e-mail to fourth@example.org") :]
    assert "Subject: Votre code pour confirmer le rendez-vous du lundi 2 mars 2026" in printed
    assert "271828" in printed


def test_an_8_bit_message_read_back_from_moto_keeps_its_accents() -> None:
    raw = (
        "From: rdv@example.org\r\nTo: p@example.org\r\nSubject: =?utf-8?q?Annul=C3=A9?=\r\n"
        "Date: Mon, 02 Mar 2026 09:15:00 +0000\r\nMIME-Version: 1.0\r\n"
        'Content-Type: text/plain; charset="utf-8"\r\nContent-Transfer-Encoding: 8bit\r\n\r\n'
        "Votre rendez-vous est annulé à 10:15.\r\n"
    )
    message = parse_raw("m-1", raw, ["p@example.org"], seen=datetime.now(UTC))
    assert message.subject == "Annulé"
    assert message.text == "Votre rendez-vous est annulé à 10:15.\n"
    assert message.sent_at == "2026-03-02T09:15:00+00:00"


def test_a_text_is_listed_beside_the_e_mails_and_printed(portal: Portal) -> None:
    from chalicelib.core.sms import Texter

    texter = Texter(boto3.client("sns", endpoint_url=portal.endpoint), "MonacoSante")
    assert texter.send("+377612345678", "MonacoSanté : rappel, Dr Rossi demain à 10:15.", "reminder", "apt-local-2")
    deadline = time.monotonic() + 10
    while True:
        texts = [m for m in portal.outbox() if m["channel"] == "sms"]
        if texts or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    [text] = texts
    assert text["recipients"] == ["+377612345678"] and text["subject"] == "SMS"
    assert text["text"] == "MonacoSanté : rappel, Dr Rossi demain à 10:15."
    status, _, page = fetch(portal.url + "/_local/outbox/")
    assert status == 200 and "Text to <strong>+377612345678</strong>" in page.decode()
    deadline = time.monotonic() + 10
    while not any("SMS to +377612345678" in line for line in portal.console) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert any("SMS to +377612345678" in line for line in portal.console)


def test_the_scheduled_pass_runs_at_once_on_request(portal: Portal) -> None:
    request = urllib.request.Request(
        portal.url + "/_local/scheduled-pass", data=b'{"now": "2027-03-02T18:00:00+01:00"}', method="POST"
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        report = json.load(response)
    assert report["at"] == "2027-03-02T18:00:00+01:00"
    assert report["reminders"]["due"] == 0 and report["waitlist"]["offered"] == 0
    status, _, _ = fetch(portal.url + "/_local/scheduled-pass")
    assert status == 405
