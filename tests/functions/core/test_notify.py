"""Patient e-mails through SES (moto in-process): language, local time with its zone, calendar file, failures."""

from __future__ import annotations

import email
import logging
import socket
import string
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.policy import default
from typing import Any
from zoneinfo import ZoneInfo

import boto3
import pytest
from botocore.config import Config
from icalendar import Calendar
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from chalicelib.core.appointment import AppointmentNotice
from chalicelib.core.notify import LOCALES, Mailer, Words, local_time, messages, render

MONACO = ZoneInfo("Europe/Monaco")
SENDER = "rendez-vous@sante.example.mc"
PATIENT = "camille.martin@example.org"
REGION = "eu-west-3"
WINTER = datetime(2026, 1, 12, 9, 0, tzinfo=MONACO)
SUMMER = datetime(2026, 7, 6, 9, 0, tzinfo=MONACO)


def notice(**overrides: Any) -> AppointmentNotice:
    start = overrides.pop("start", WINTER)
    values: dict[str, Any] = {
        "appointment_id": "apt-7f3a",
        "practitioner_name": "Dr Hélène Rossi",
        "reason_label": "Première consultation",
        "start": start,
        "end": start + timedelta(minutes=30),
        "timezone": "Europe/Monaco",
        "site_name": "Cabinet du Port",
        "address": "3 quai Antoine-Ier, 98000 Monaco",
        "instructions": "Apportez vos derniers résultats <b>d'analyse</b>.",
        "manage_url": "https://sante.example.mc/fr/rendez-vous/apt-7f3a#t=secret&x=1",
        "lang": "fr",
        "phone": "+377 93 00 00 00",
    }
    values.update(overrides)
    return AppointmentNotice(**values)


@pytest.fixture
def ses() -> Iterator[Any]:
    with mock_aws():
        client = boto3.client("ses", region_name=REGION)
        client.verify_email_identity(EmailAddress=SENDER)  # SES sends only from a verified identity
        yield client


@pytest.fixture
def mailer(ses: Any) -> Mailer:
    return Mailer(ses, SENDER, portal_name="MonacoSanté")


@pytest.fixture
def sent(ses: Any) -> Callable[[], list[EmailMessage]]:
    """The messages SES accepted so far, parsed back from the raw MIME that moto stored."""

    def read() -> list[EmailMessage]:
        backend = ses_backends[DEFAULT_ACCOUNT_ID][REGION]
        return [email.message_from_string(m.raw_data, policy=default) for m in backend.sent_messages]

    return read


def text_of(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content()).replace("\r\n", "\n")  # CRLF on the wire


def html_of(message: EmailMessage) -> str:
    part = message.get_body(("html",))
    assert part is not None
    return str(part.get_content())


def calendar_of(message: EmailMessage) -> Calendar:
    attachments = [a for a in message.iter_attachments() if a.get_content_type() == "text/calendar"]
    assert len(attachments) == 1
    assert attachments[0].get_filename() in ("rendez-vous.ics", "appointment.ics")
    return Calendar.from_ical(attachments[0].get_content())


def only(messages: list[EmailMessage]) -> EmailMessage:
    assert len(messages) == 1
    return messages[0]


def test_code_email_in_french_shows_the_code_its_validity_and_the_local_winter_time(mailer: Mailer, sent: Any) -> None:
    assert mailer.send_code(PATIENT, "048213", notice()) is True
    message = only(sent())
    assert message["To"] == PATIENT
    assert message["From"].addresses[0].addr_spec == SENDER
    assert message["Subject"] == "Votre code pour confirmer le rendez-vous du lundi 12 janvier 2026"
    text = text_of(message)
    assert "048213" in text
    assert "valable 10 minutes" in text
    assert "lundi 12 janvier 2026 à 09:00 (heure de Monaco, UTC+01:00)" in text
    assert "Dr Hélène Rossi" in text and "Première consultation" in text
    html = html_of(message)
    assert '<html lang="fr">' in html and "048213" in html and "10 minutes" in html
    assert list(message.iter_attachments()) == []


def test_code_email_in_english_shows_the_local_summer_time(mailer: Mailer, sent: Any) -> None:
    assert mailer.send_code(PATIENT, "990017", notice(lang="en", start=SUMMER)) is True
    message = only(sent())
    assert message["Subject"] == "Your code to confirm the appointment on Monday 6 July 2026"
    text = text_of(message)
    assert "990017" in text and "valid for 10 minutes" in text
    assert "Monday 6 July 2026 at 09:00 (Monaco time, UTC+02:00)" in text
    assert '<html lang="en">' in html_of(message)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("fr", "mardi 1er décembre 2026 à 08:00"), ("en", "Tuesday 1 December 2026 at 08:00")],
)
def test_the_first_of_a_month_is_written_as_each_language_writes_it(
    mailer: Mailer, sent: Any, lang: str, expected: str
) -> None:
    """French writes "1er décembre" (the e-mails said "1 décembre"); English one style, the site's, with no comma."""
    first = datetime(2026, 12, 1, 8, 0, tzinfo=MONACO)
    assert mailer.send_code(PATIENT, "048213", notice(lang=lang, start=first)) is True
    assert expected in text_of(only(sent()))
    second = datetime(2026, 12, 2, 8, 0, tzinfo=MONACO)
    assert local_time(second, "Europe/Monaco", "fr").date == "mercredi 2 décembre 2026"


@pytest.mark.parametrize("code", ["12345", "1234567", "12a456", "١٢٣٤٥٦"])
def test_a_code_is_six_ascii_digits(mailer: Mailer, sent: Any, code: str) -> None:
    with pytest.raises(ValueError, match="6 digits"):
        mailer.send_code(PATIENT, code, notice())
    assert sent() == []


@pytest.mark.parametrize(("start", "offset"), [(WINTER, "+01:00"), (SUMMER, "+02:00")], ids=["winter", "summer"])
def test_confirmation_carries_the_details_the_manage_link_and_a_calendar_file(
    mailer: Mailer, sent: Any, start: datetime, offset: str
) -> None:
    assert mailer.send_confirmation(PATIENT, notice(start=start)) is True
    message = only(sent())
    assert message["Subject"].startswith("Rendez-vous confirmé : ")
    text = text_of(message)
    assert f"à 09:00 (heure de Monaco, UTC{offset})" in text
    assert "https://sante.example.mc/fr/rendez-vous/apt-7f3a#t=secret&x=1" in text
    assert "Apportez vos derniers résultats <b>d'analyse</b>." in text
    assert "+377 93 00 00 00" in text
    html = html_of(message)
    assert 'href="https://sante.example.mc/fr/rendez-vous/apt-7f3a#t=secret&amp;x=1"' in html
    assert "&lt;b&gt;d&#39;analyse&lt;/b&gt;" in html and "<b>d'analyse" not in html  # data is escaped, never markup
    event = next(iter(calendar_of(message).walk("VEVENT")))
    assert event["DTSTART"].params["TZID"] == "Europe/Monaco"
    assert event["DTSTART"].dt == start
    assert event["UID"].startswith("apt-7f3a@")


def test_html_has_no_images_remote_content_or_tracking(mailer: Mailer, sent: Any) -> None:
    mailer.send_confirmation(PATIENT, notice())
    html = html_of(only(sent())).lower()
    for forbidden in ("<img", "src=", "<link", "<script", "url(", "@import"):
        assert forbidden not in html
    links = [chunk.split('"', 1)[0] for chunk in html.split('href="')[1:]]
    # the manage link and the practice's number as a tap-to-call link (E.164), nothing else
    assert links == ["https://sante.example.mc/fr/rendez-vous/apt-7f3a#t=secret&amp;x=1", "tel:+37793000000"]


def test_messages_travel_as_7_bit_text_whatever_the_language(ses: Any) -> None:
    # Short lines: the case where Python's e-mail package would otherwise pick raw 8-bit.
    mailer = Mailer(ses, SENDER)
    short = {"practitioner_name": "Dr Rossi", "reason_label": "Bilan", "site_name": "Cabinet", "address": "1 rue X"}
    march = datetime(2026, 3, 2, 10, 15, tzinfo=MONACO)
    mailer.send_confirmation(PATIENT, notice(start=march, manage_url=None, instructions=None, phone=None, **short))
    mailer.send_cancellation(PATIENT, notice(start=march, lang="en", phone=None, **short), "patient")
    raws = [m.raw_data for m in ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages]
    assert len(raws) == 2 and all(raw.isascii() for raw in raws)  # French text is encoded, never raw 8-bit


def test_confirmation_without_manage_link_or_phone_still_reads_well(mailer: Mailer, sent: Any) -> None:
    assert mailer.send_confirmation(PATIENT, notice(lang="en", manage_url=None, phone=None, instructions=None))
    text = text_of(only(sent()))
    assert text.startswith("MonacoSanté\n===========\n\nHello,\n\nYour appointment is confirmed.")
    assert "personal link" not in text and "phone" not in text and "None" not in text


@pytest.mark.parametrize(
    ("by", "lang", "wording"),
    [
        ("patient", "fr", "Votre rendez-vous est annulé, comme vous l'avez demandé."),
        ("practitioner", "fr", "Dr Hélène Rossi a dû annuler votre rendez-vous."),
        ("patient", "en", "Your appointment is cancelled, as you asked."),
        ("practitioner", "en", "Dr Hélène Rossi had to cancel your appointment."),
    ],
)
def test_cancellation_says_who_cancelled_and_cancels_the_calendar_event(
    mailer: Mailer, sent: Any, by: str, lang: str, wording: str
) -> None:
    mailer.send_confirmation(PATIENT, notice(lang=lang))
    assert mailer.send_cancellation(PATIENT, notice(lang=lang), by) is True
    confirmation, cancellation = sent()
    assert cancellation["Subject"].startswith("Rendez-vous annulé" if lang == "fr" else "Appointment cancelled")
    assert wording in text_of(cancellation)
    booked = next(iter(calendar_of(confirmation).walk("VEVENT")))
    calendar = calendar_of(cancellation)
    cancelled = next(iter(calendar.walk("VEVENT")))
    assert calendar["METHOD"] == "CANCEL" and cancelled["STATUS"] == "CANCELLED"
    assert cancelled["UID"] == booked["UID"]
    assert int(cancelled["SEQUENCE"]) > int(booked["SEQUENCE"])


def test_move_shows_old_and_new_times_and_updates_the_same_calendar_event(mailer: Mailer, sent: Any) -> None:
    old, new = notice(start=WINTER), notice(start=SUMMER)
    mailer.send_confirmation(PATIENT, old)
    assert mailer.send_moved(PATIENT, old, new) is True
    confirmation, moved = sent()
    assert moved["Subject"] == "Rendez-vous déplacé au lundi 6 juillet 2026 à 09:00"
    text = text_of(moved)
    assert "Ancien horaire : lundi 12 janvier 2026 à 09:00 (heure de Monaco, UTC+01:00)" in text
    assert "lundi 6 juillet 2026 à 09:00 (heure de Monaco, UTC+02:00)" in text
    calendar = calendar_of(moved)
    event = next(iter(calendar.walk("VEVENT")))
    assert calendar["METHOD"] == "REQUEST"
    assert event["DTSTART"].dt == SUMMER
    assert event["UID"] == next(iter(calendar_of(confirmation).walk("VEVENT")))["UID"]
    assert int(event["SEQUENCE"]) > 0


def test_a_move_keeps_the_appointment(mailer: Mailer, sent: Any) -> None:
    with pytest.raises(ValueError, match="appointment id"):
        mailer.send_moved(PATIENT, notice(), notice(appointment_id="apt-other"))
    assert sent() == []


def assert_no_personal_data(caplog: pytest.LogCaptureFixture) -> None:
    logged = caplog.text
    for secret in (PATIENT, "camille", "048213", "Hélène", "Rossi", "secret", "+377"):
        assert secret not in logged


def test_unverified_sender_returns_false_and_logs_no_personal_data(
    ses: Any, sent: Any, caplog: pytest.LogCaptureFixture
) -> None:
    mailer = Mailer(ses, "nobody@unverified.example.org")
    caplog.set_level(logging.INFO, logger="chalicelib.core.notify")
    assert mailer.send_code(PATIENT, "048213", notice()) is False
    assert mailer.send_confirmation(PATIENT, notice()) is False
    assert mailer.send_cancellation(PATIENT, notice(), "practitioner") is False
    assert mailer.send_moved(PATIENT, notice(), notice(start=SUMMER)) is False
    assert sent() == []
    failures = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert [r.args[0] for r in failures] == ["code", "confirmation", "cancellation", "moved"]
    assert all("apt-7f3a" in r.getMessage() and "MessageRejected" in r.getMessage() for r in failures)
    assert_no_personal_data(caplog)


def test_unreachable_ses_returns_false_quickly_and_logs_no_personal_data(caplog: pytest.LogCaptureFixture) -> None:
    with socket.socket() as probe:  # a port nothing listens on once closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = boto3.client(
        "ses",
        region_name=REGION,
        endpoint_url=f"http://127.0.0.1:{port}",
        config=Config(connect_timeout=1, read_timeout=1, retries={"max_attempts": 1}),
    )
    caplog.set_level(logging.INFO, logger="chalicelib.core.notify")
    assert Mailer(client, SENDER).send_confirmation(PATIENT, notice()) is False
    assert "EndpointConnectionError" in caplog.text
    assert_no_personal_data(caplog)


def test_success_is_logged_without_personal_data(mailer: Mailer, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="chalicelib.core.notify")
    assert mailer.send_code(PATIENT, "048213", notice())
    assert "e-mail sent: code for appointment apt-7f3a" in caplog.text
    assert_no_personal_data(caplog)


def test_a_notice_needs_aware_times_a_known_zone_and_a_supported_language() -> None:
    with pytest.raises(ValueError, match="aware"):
        notice(start=datetime(2026, 1, 12, 9, 0))
    with pytest.raises(ValueError, match="language"):
        notice(lang="de")
    with pytest.raises(Exception, match="Europe/Nowhere"):
        notice(timezone="Europe/Nowhere")


GREETINGS = {"fr": "Bonjour,", "en": "Hello,", "it": "Buongiorno,", "es": "Buenos días:", "ru": "Здравствуйте!"}


@pytest.mark.parametrize("lang", sorted(LOCALES))
@pytest.mark.parametrize("kind", ["code", "confirmation", "cancellation", "moved", "reminder", "offer"])
def test_every_e_mail_exists_in_every_language(kind: str, lang: str) -> None:
    n = notice(lang=lang)
    context = {
        "code": "048213",
        "by": "practitioner",
        "old": n,
        "old_when": local_time(SUMMER, n.timezone, lang),
        "cancel_url": "https://sante.example.mc/x#cancel",
        "reminders_url": "https://sante.example.mc/x#reminders",
        "accept_url": "https://sante.example.mc/x#offer",
        "until": local_time(SUMMER, n.timezone, lang),
    }
    subject, text, html = render(
        kind,
        lang,
        n=n,
        when=local_time(n.start, n.timezone, lang),
        minutes=30,
        code_minutes=10,
        portal_name=None,
        **context,
    )
    assert subject and "\n" not in subject
    assert text.startswith("MonacoSanté\n")  # the brand, on top of every e-mail
    assert GREETINGS[lang] in text.splitlines()[:4]
    assert "None" not in text and "None" not in html
    assert f'<html lang="{lang}">' in html and f"<title>{subject}</title>" in html.replace("&#39;", "'")


def shape(words: dict[str, Any], prefix: str = "") -> dict[str, tuple[list[str], int]]:
    """Every message's key with the values it takes and its bold markers."""
    found: dict[str, tuple[list[str], int]] = {}
    for key, value in words.items():
        if isinstance(value, dict):
            found |= shape(value, f"{prefix}{key}.")
        else:
            fields = sorted(name for _, name, _, _ in string.Formatter().parse(value) if name)
            found[prefix + key] = (fields, value.count("**"))
    return found


@pytest.mark.parametrize("lang", sorted(set(LOCALES) - {"fr"}))
def test_every_language_has_every_message_with_the_same_values(lang: str) -> None:
    assert shape(messages(lang)) == shape(messages("fr"))


def test_words_escape_values_and_make_bold_only_in_html() -> None:
    words = {"valid": "**{n} minutes** for {who}, {when.date}", "label": "{label} :", "reason": "Motif"}
    values: dict[str, Any] = {"n": 10, "who": "<Dr & Co>", "when": local_time(WINTER, "Europe/Monaco", "fr")}
    html, text = Words(words, html=True), Words(words, html=False)
    assert html("valid", **values) == "<strong>10 minutes</strong> for &lt;Dr &amp; Co&gt;, lundi 12 janvier 2026"
    assert text("valid", **values) == "10 minutes for <Dr & Co>, lundi 12 janvier 2026"
    assert html.label("reason") == text.label("reason") == "Motif :"
