"""The local outbox: the e-mails and texts (SMS) the API sent through the local AWS endpoint, for whoever runs the
portal.

In the local portal SES is moto in server mode, which keeps every accepted message in memory and shows its models
(``RawMessage`` for SendRawEmail, ``Message`` for SendEmail); the local endpoint lists SES's models alone at
``/_local/moto-data/ses.json`` (local/motofixes.py), read only when SES's own cheap counter (GetSendQuota) says
something was sent. Texts are SNS ``Publish`` calls to a phone number, which moto keeps as ``SMS`` models
(``/_local/moto-data/sns.json``, a short listing read each time). Production has no outbox: Amazon SES delivers
the mail, Amazon SNS the texts.

- ``/_local/outbox/``: an HTML list, newest first; ``/_local/outbox/<id>.eml``: one message as sent.
- ``/_local/outbox.json``: the same list as JSON (channel ``email`` or ``sms``, recipient, subject, text body, sent
  time) for browser tests; a text's subject is "SMS" and its recipient the phone number.
- ``watch()``: prints each new message to the portal's console.
"""

from __future__ import annotations

import email
import json
import sys
import threading
import time
import urllib.request
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import default
from email.utils import getaddresses, parsedate_to_datetime
from html import escape
from pathlib import Path
from typing import Any, TextIO

import boto3
from werkzeug.wrappers import Request, Response

FUNCTIONS_DIR = Path(__file__).resolve().parent.parent / "functions"
PREFIX = "/_local/outbox"


def configured_sender() -> str:
    """The address the API sends from (``MAIL_FROM``, read by the app's own settings)."""
    if str(FUNCTIONS_DIR) not in sys.path:
        sys.path.insert(0, str(FUNCTIONS_DIR))
    from chalicelib.core.config import settings

    return settings.__wrapped__().mail_from  # uncached: the portal process must not freeze the app's settings


def verify_sender(ses_client: Any, sender: str | None = None) -> str:
    """Verify the API's sender identity on the local endpoint (SES refuses to send from an unverified one)."""
    address = sender or configured_sender()
    ses_client.verify_email_identity(EmailAddress=address)
    return address


@dataclass(frozen=True)
class OutboxMessage:
    id: str
    sent_at: str  # ISO 8601, UTC
    sender: str
    to: str
    recipients: list[str]
    subject: str
    text: str
    html: str | None
    attachments: list[str]
    raw: str | None  # the MIME message as sent (SendRawEmail only)
    channel: str = "email"  # or "sms"


def _body(message: EmailMessage, subtype: str) -> str | None:
    part = message.get_body((subtype,))
    return None if part is None else str(part.get_content()).replace("\r\n", "\n")


def parse_raw(message_id: str, raw: str, destinations: list[str], seen: datetime) -> OutboxMessage:
    """An SES raw message as the outbox shows it; the sent time is the message's own Date header."""
    # moto hands the message back as text; parse its bytes so 8-bit parts decode with their own charset.
    message = email.message_from_bytes(raw.encode("utf-8", "surrogateescape"), policy=default)
    assert isinstance(message, EmailMessage)
    try:
        sent = parsedate_to_datetime(str(message["Date"])).astimezone(UTC)
    except (TypeError, ValueError):
        sent = seen
    to = str(message["To"] or ", ".join(destinations))
    return OutboxMessage(
        id=message_id,
        sent_at=sent.isoformat(timespec="seconds"),
        sender=str(message["From"] or ""),
        to=to,
        recipients=[address for _, address in getaddresses([to]) if address],
        subject=str(message["Subject"] or ""),
        text=_body(message, "plain") or "",
        html=_body(message, "html"),
        attachments=[part.get_filename() or part.get_content_type() for part in message.iter_attachments()],
        raw=raw,
    )


def parse_simple(model: dict[str, Any], seen: datetime) -> OutboxMessage:
    """A SendEmail message: moto keeps no time for it, so the outbox shows when it first saw it."""
    destinations = model.get("destinations") or {}
    recipients = [address for field in ("ToAddresses", "CcAddresses") for address in destinations.get(field, [])]
    body = str(model.get("body") or "")
    is_html = body.lstrip().startswith("<")
    return OutboxMessage(
        id=str(model["id"]),
        sent_at=seen.isoformat(timespec="seconds"),
        sender=str(model.get("source") or ""),
        to=", ".join(recipients),
        recipients=recipients,
        subject=str(model.get("subject") or ""),
        text="" if is_html else body,
        html=body if is_html else None,
        attachments=[],
        raw=None,
    )


def parse_sms(model: dict[str, Any], seen: datetime) -> OutboxMessage:
    """A text sent with SNS Publish to a phone number: moto keeps no time for it either."""
    number = str(model.get("phone_number") or "")
    return OutboxMessage(
        id=str(model.get("message_id") or ""),
        sent_at=seen.isoformat(timespec="seconds"),
        sender="SMS",
        to=number,
        recipients=[number],
        subject="SMS",
        text=str(model.get("message") or ""),
        html=None,
        attachments=[],
        raw=None,
        channel="sms",
    )


class Outbox:
    """The messages SES accepted on the local endpoint at ``endpoint_url``, newest first."""

    path = PREFIX

    def __init__(self, endpoint_url: str, region: str | None = None) -> None:
        self.endpoint_url = endpoint_url.rstrip("/")
        self.ses = boto3.client("ses", endpoint_url=self.endpoint_url, region_name=region)
        self.lock = threading.Lock()
        self.first_seen: dict[str, datetime] = {}
        self.cached: list[OutboxMessage] = []
        self.cached_count = 0.0
        self.listing_seconds = 0.0  # how long the last listing of SES messages took

    def sent_count(self) -> float:
        """SES's own counter of sent recipients: one cheap call that tells whether anything new was sent."""
        return float(self.ses.get_send_quota()["SentLast24Hours"])

    def messages(self) -> list[OutboxMessage]:
        """Every e-mail and text sent so far, newest first (e-mails read from moto only when the counter moved)."""
        with self.lock:
            count = self.sent_count()
            if count != self.cached_count or (count and not self.cached):
                self.cached = self._read()
                self.cached_count = count
            found = self.cached + self._texts()
            found.sort(key=lambda m: m.sent_at, reverse=True)
            return found

    def _texts(self) -> list[OutboxMessage]:
        listing = self.endpoint_url + "/_local/moto-data/sns.json"  # a few models: cheap enough to read each time
        with urllib.request.urlopen(listing, timeout=30) as response:  # noqa: S310
            models = json.load(response)
        now = datetime.now(UTC)
        return [
            parse_sms(model, self.first_seen.setdefault(str(model.get("message_id")), now))
            for model in models.get("SMS", [])
        ]

    def _read(self) -> list[OutboxMessage]:
        started = time.perf_counter()
        listing = self.endpoint_url + "/_local/moto-data/ses.json"  # our own local endpoint (local/awsserver.py)
        with urllib.request.urlopen(listing, timeout=30) as response:  # noqa: S310
            models = json.load(response)
        self.listing_seconds = time.perf_counter() - started
        now = datetime.now(UTC)
        found: list[tuple[int, OutboxMessage]] = []
        for order, model in enumerate(models.get("RawMessage", [])):
            seen = self.first_seen.setdefault(model["id"], now)
            found.append((order, parse_raw(model["id"], model["raw_data"], model.get("destinations", []), seen)))
        for order, model in enumerate(models.get("Message", [])):
            seen = self.first_seen.setdefault(model["id"], now)
            found.append((order, parse_simple(model, seen)))
        found.sort(key=lambda item: (item[1].sent_at, item[0]), reverse=True)
        return [message for _, message in found]

    def watch(self, out: TextIO | None = None, interval: float = 1.0) -> threading.Thread:
        """Print each new message to ``out`` (the console) from a background thread."""
        thread = threading.Thread(target=self._watch, args=(out or sys.stdout, interval), daemon=True, name="outbox")
        thread.start()
        return thread

    def _watch(self, out: TextIO, interval: float) -> None:
        printed: set[str] = set()
        while True:
            try:
                new = [m for m in reversed(self.messages()) if m.id not in printed]
            except Exception as err:  # the endpoint stops before the portal does; keep the console readable
                print(f"[outbox] cannot read the local endpoint: {type(err).__name__}", file=out, flush=True)
                return
            for message in new:
                printed.add(message.id)
                print(console_text(message), file=out, flush=True)
            # Listing every moto model holds the endpoint's lock: keep that under a tenth of the time.
            time.sleep(max(interval, 10 * self.listing_seconds))

    def respond(self, request: Request) -> Response | None:
        """The outbox pages, or None for a path that is not one of them."""
        path = request.path
        if path == PREFIX:
            return Response(status=308, headers={"Location": PREFIX + "/"})
        if path == PREFIX + ".json":
            body = json.dumps({"messages": [public(m) for m in self.messages()]}, ensure_ascii=False, indent=1)
            return no_store(Response(body, mimetype="application/json"))
        if path == PREFIX + "/":
            return no_store(Response(outbox_page(self.messages()), mimetype="text/html"))
        if path.startswith(PREFIX + "/") and path.endswith(".eml"):
            wanted = path[len(PREFIX) + 1 : -len(".eml")]
            for message in self.messages():
                if message.id == wanted and message.raw is not None:
                    return no_store(Response(message.raw, mimetype="message/rfc822"))
            return no_store(Response("No such message in the outbox.", status=404, mimetype="text/plain"))
        return None


def public(message: OutboxMessage) -> dict[str, Any]:
    fields = asdict(message)
    fields.pop("raw")
    return fields


def no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


def console_text(message: OutboxMessage) -> str:
    if message.channel == "sms":
        return f"\n─── SMS to {message.to} · {message.sent_at} ───\n{message.text}\n─── (also at {PREFIX}/) ───"
    attachments = f"\n[attachments: {', '.join(message.attachments)}]" if message.attachments else ""
    return (
        f"\n─── e-mail to {message.to} · {message.sent_at} ───\n"
        f"Subject: {message.subject}\n\n{message.text.rstrip()}{attachments}\n"
        f"─── (also at {PREFIX}/) ───"
    )


def outbox_page(messages: list[OutboxMessage]) -> str:
    """A plain page (the portal's Content-Security-Policy allows no inline style or script)."""
    items = []
    for m in messages:
        attachments = f"<p>Attachments: {escape(', '.join(m.attachments))}</p>" if m.attachments else ""
        raw = f' · <a href="{PREFIX}/{escape(m.id)}.eml">message as sent (.eml)</a>' if m.raw is not None else ""
        items.append(
            f'<li><article aria-labelledby="m-{escape(m.id)}">'
            f'<h2 id="m-{escape(m.id)}">{escape(m.subject)}</h2>'
            f"<p>{'Text' if m.channel == 'sms' else 'E-mail'} to "
            f'<strong>{escape(m.to)}</strong> · sent <time datetime="{escape(m.sent_at)}">'
            f"{escape(m.sent_at)}</time>{raw}</p>{attachments}<pre>{escape(m.text)}</pre></article></li>"
        )
    listing = f"<ol reversed>{''.join(items)}</ol>" if items else "<p>Nothing has been sent yet.</p>"
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="robots" content="noindex"><title>Local outbox</title></head>'
        "<body><main><h1>Local outbox</h1>"
        f"<p>E-mails and texts the API sent through the local AWS endpoint, newest first ({len(messages)}). "
        f'This page exists only in the local portal. JSON: <a href="{PREFIX}.json">{PREFIX}.json</a></p>'
        f"{listing}</main></body></html>"
    )
