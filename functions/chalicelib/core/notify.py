"""E-mails to patients: the one-time codes (a hold's, an e-mail proof's, the waiting list's), the confirmation
(with a calendar file), cancellations and moves, reminders, and the waiting list's offers; also the words of the
texts (SMS) that go with them.

Every e-mail comes from the operator's name (``MAIL_FROM_NAME``, MonacoSanté by default) and carries its brand,
the same practical block (instructions, manage link, the practice's number as a ``tel:`` link in E.164) and,
where it applies, the links to cancel, to turn reminders off or to book again. Messages are rendered from the
templates in ``templates/email/`` (plain text and simple HTML, no images, no remote content, no tracking), one
layout for every language, with the words of ``templates/email/<lang>.toml``, and sent with SES
``SendRawEmail``. A failed e-mail never raises: the booking it reports on is already stored, so the send returns
False and logs what failed, never the address, name or code.
"""

from __future__ import annotations

import logging
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, formataddr, make_msgid
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_time, get_timezone_location
from botocore.config import Config
from botocore.exceptions import ClientError
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from .appointment import AppointmentNotice
from .emailaddress import for_sending
from .ics import make_ics
from .schemas import Language
from .sms import e164

logger = logging.getLogger(__name__)

CODE_VALIDITY_MINUTES = 10
TEMPLATES = Path(__file__).resolve().parent / "templates" / "email"
# Each language also has its words in templates/email/<lang>.toml.
LOCALES = {"fr": "fr_FR", "en": "en_GB", "it": "it_IT", "es": "es_ES", "ru": "ru_RU"}
BOLD = re.compile(r"\*\*(.+?)\*\*")
# A calendar keeps the revision with the highest SEQUENCE; counting seconds from a fixed epoch makes each later
# notice win without the store keeping a counter (and stays within a signed 32-bit integer until 2088).
SEQUENCE_EPOCH = datetime(2020, 1, 1, tzinfo=UTC)
# SES is called inside an API request (Lambda timeout 10 s, API Gateway 29 s): fail fast rather than hold it.
# CRLF line ends and 7-bit transfer encodings (quoted-printable, base64): safe through every mail relay.
MIME_POLICY = SMTP.clone(cte_type="7bit")
SES_CONFIG = Config(connect_timeout=2, read_timeout=4, retries={"max_attempts": 2, "mode": "standard"})
DEFAULT_BRAND = "MonacoSanté"


@dataclass(frozen=True)
class BookAgain:
    """Where to book again after a cancellation: the professional's page with the reason chosen, and the next
    free times of that reason and site (aware datetimes, perhaps none)."""

    url: str
    times: tuple[datetime, ...] = ()


@dataclass(frozen=True)
class WaitNotice:
    """What a waiting-list e-mail says of the request: who, for what, where, and until which local date."""

    entry_id: str
    practitioner_name: str
    reason_label: str
    site_name: str
    before: str  # the last local date the patient can come, as the patient's language writes it
    lang: Language = "fr"


@dataclass(frozen=True)
class LocalTime:
    """An instant as a reader in the site's zone sees it, in the notice's language."""

    date: str  # "lundi 12 janvier 2026"
    time: str  # "09:00"
    city: str  # "Monaco": the zone's exemplar city
    offset: str  # "UTC+01:00" (winter) or "UTC+02:00" (summer)


# the day of a date pattern ("d", not "dd" nor a quoted letter): French writes the first of a month "1er"
FRENCH_DAY = re.compile(r"(?<![d'])d(?![d'])")


def full_date(moment: datetime, locale: str) -> str:
    """The weekday and date as the site writes them (plugins/directory/i18n.py's date_text, booking-core.js):
    "mardi 1er décembre 2026", "Tuesday 1 December 2026" (no comma after the weekday, en_GB's has one)."""
    pattern = Locale.parse(locale).date_formats["full"].pattern.replace("EEEE, ", "EEEE ")
    if locale.startswith("fr") and moment.day == 1:
        pattern = FRENCH_DAY.sub("d'er'", pattern)
    return str(format_date(moment, pattern, locale=locale))


def local_time(moment: datetime, timezone: str, lang: str) -> LocalTime:
    """``moment`` in ``timezone``, formatted for ``lang`` with Babel (names of days, months and the zone)."""
    zone = ZoneInfo(timezone)
    local = moment.astimezone(zone)
    locale = LOCALES[lang]
    offset = local.strftime("%z")
    return LocalTime(
        date=full_date(local, locale),
        time=format_time(local, "HH:mm", locale=locale),
        city=get_timezone_location(zone, locale=locale, return_city=True),
        offset=f"UTC{offset[:3]}:{offset[3:]}",
    )


def make_ses_client() -> Any:
    """An SES client with short timeouts, at the endpoint the environment names (AWS unless overridden)."""
    import boto3

    return boto3.client("ses", config=SES_CONFIG)


@lru_cache(maxsize=1)
def _templates() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


@lru_cache(maxsize=len(LOCALES))
def messages(lang: str) -> dict[str, Any]:
    """The words of the e-mails in ``lang``, from ``templates/email/<lang>.toml``."""
    with (TEMPLATES / f"{lang}.toml").open("rb") as handle:
        return tomllib.load(handle)


@dataclass(frozen=True)
class Words:
    """The templates' ``t``: ``t("code.valid_for", minutes=10)`` is that message of the language, values filled in.

    In the HTML part the values are escaped and ``**text**`` is bold; in the text part ``**`` is dropped. The
    messages themselves are ours, like the templates, and go out as written.
    """

    messages: dict[str, Any]
    html: bool

    def __call__(self, key: str, **values: Any) -> str:
        message: Any = self.messages
        for name in key.split("."):
            message = message[name]
        if self.html:
            markup = Markup(BOLD.sub(r"<strong>\1</strong>", message))  # noqa: S704 (our own words, not input)
            return markup.format(**values)  # Markup.format escapes the values
        return str(BOLD.sub(r"\1", message).format(**values))

    def label(self, key: str) -> str:
        """The message ``key`` as a label before its value: "Motif :" in French, "Reason:" in English."""
        return self("label", label=self(key))


def render(kind: str, lang: str, **context: Any) -> tuple[str, str, str]:
    """Subject, plain text and HTML of the ``kind`` e-mail in ``lang``."""
    env = _templates()
    optional = {"brand": DEFAULT_BRAND, "tel": None, "cancel_url": None, "reminders_url": None, "book_again": None}
    context = {**optional, "next_times": [], **context, "kind": kind}
    text_context = {**context, "lang": lang, "t": Words(messages(lang), html=False)}
    text_template = env.get_template(f"{kind}.txt")
    subject = "".join(text_template.blocks["subject"](text_template.new_context(text_context))).strip()
    text = text_template.render(text_context, subject=subject)
    html_context = {**context, "lang": lang, "t": Words(messages(lang), html=True)}
    html = env.get_template(f"{kind}.html").render(html_context, subject=subject)
    return subject, text, html


def revision(now: datetime | None = None) -> int:
    """A calendar SEQUENCE that grows with time."""
    return int(((now or datetime.now(UTC)) - SEQUENCE_EPOCH).total_seconds())


def sms_text(kind: str, lang: str, **values: Any) -> str:
    """The words of a text (SMS) in ``lang``, from the ``[sms]`` table of ``templates/email/<lang>.toml``."""
    return str(messages(lang)["sms"][kind]).format(**values)


class Mailer:
    """Sends the patient e-mails through the SES client it is given, from ``sender`` (a verified identity), under
    the operator's name ``portal_name``; phone numbers are read in ``phone_region``'s numbering plan."""

    def __init__(
        self, ses_client: Any, sender: str, *, portal_name: str | None = DEFAULT_BRAND, phone_region: str = "MC"
    ) -> None:
        self.ses = ses_client
        self.sender = sender
        self.portal_name = portal_name
        self.phone_region = phone_region

    def send_code(self, to: str, code: str, notice: AppointmentNotice) -> bool:
        """The one-time code (6 digits, valid CODE_VALIDITY_MINUTES minutes) that confirms a held slot."""
        if not (len(code) == 6 and code.isascii() and code.isdigit()):
            raise ValueError("a one-time code is 6 digits")
        return self._deliver(
            "code", to, f"appointment {notice.appointment_id}", lambda to: self._message(to, "code", notice, code=code)
        )

    def send_proof_code(self, to: str, code: str, lang: Language) -> bool:
        """The one-time code that proves the patient reads this mailbox, before any time is held (no appointment)."""
        if not (len(code) == 6 and code.isascii() and code.isdigit()):
            raise ValueError("a one-time code is 6 digits")

        def build(to: str) -> EmailMessage:
            return self._letter(to, "proof", lang, code=code, code_minutes=CODE_VALIDITY_MINUTES)

        return self._deliver("code", to, "an e-mail proof", build)

    def send_confirmation(self, to: str, notice: AppointmentNotice, *, sequence: int = 0) -> bool:
        """The confirmation, with the appointment as a calendar file and the manage link."""

        def build(to: str) -> EmailMessage:
            message = self._message(to, "confirmation", notice)
            return self._attach(message, notice, to, sequence, "REQUEST")

        return self._deliver("confirmation", to, f"appointment {notice.appointment_id}", build)

    def send_cancellation(
        self,
        to: str,
        notice: AppointmentNotice,
        by: Literal["patient", "practitioner"],
        *,
        sequence: int | None = None,
        book_again: BookAgain | None = None,
    ) -> bool:
        """Tells the patient the appointment is cancelled (by them or by the practice), with the way to book again
        and the next free times; the calendar file removes it."""
        if by not in ("patient", "practitioner"):
            raise ValueError(f"unknown canceller {by!r}")
        times = [local_time(t, notice.timezone, notice.lang) for t in (book_again.times if book_again else ())]

        def build(to: str) -> EmailMessage:
            message = self._message(to, "cancellation", notice, by=by, book_again=book_again, next_times=times)
            return self._attach(message, notice, to, revision() if sequence is None else sequence, "CANCEL")

        return self._deliver("cancellation", to, f"appointment {notice.appointment_id}", build)

    def send_moved(
        self, to: str, old: AppointmentNotice, new: AppointmentNotice, *, sequence: int | None = None
    ) -> bool:
        """Tells the patient the appointment moved from ``old`` to ``new``; the calendar file updates the event."""
        if old.appointment_id != new.appointment_id:
            raise ValueError("a move keeps the appointment id")

        def build(to: str) -> EmailMessage:
            message = self._message(to, "moved", new, old=old, old_when=local_time(old.start, old.timezone, new.lang))
            return self._attach(message, new, to, revision() if sequence is None else sequence, "REQUEST")

        return self._deliver("moved", to, f"appointment {new.appointment_id}", build)

    def send_reminder(self, to: str, notice: AppointmentNotice, *, cancel_url: str, reminders_url: str) -> bool:
        """A reminder of a coming appointment: its details, the manage link, "I can't come" (``cancel_url``, which
        asks for a confirmation on the page) and the link that turns reminders off."""
        if not notice.manage_url:
            raise ValueError("a reminder carries the manage link")

        def build(to: str) -> EmailMessage:
            return self._message(to, "reminder", notice, cancel_url=cancel_url, reminders_url=reminders_url)

        return self._deliver("reminder", to, f"appointment {notice.appointment_id}", build)

    def send_offer(self, to: str, notice: AppointmentNotice, *, accept_url: str, until: datetime) -> bool:
        """A time offered to a patient of the waiting list: held for them alone until ``until``; ``accept_url``
        opens the page where they accept it (or let it go to the next patient)."""

        def build(to: str) -> EmailMessage:
            until_local = local_time(until, notice.timezone, notice.lang)
            return self._message(to, "offer", notice, accept_url=accept_url, until=until_local)

        return self._deliver("offer", to, f"appointment {notice.appointment_id}", build)

    def send_waitlist_code(self, to: str, code: str, wait: WaitNotice) -> bool:
        """The one-time code that proves the address before a request joins the waiting list."""
        if not (len(code) == 6 and code.isascii() and code.isdigit()):
            raise ValueError("a one-time code is 6 digits")

        def build(to: str) -> EmailMessage:
            return self._letter(to, "waitlist_code", wait.lang, w=wait, code=code, code_minutes=CODE_VALIDITY_MINUTES)

        return self._deliver("waitlist_code", to, f"waiting-list request {wait.entry_id}", build)

    def _message(self, to: str, kind: str, notice: AppointmentNotice, **context: Any) -> EmailMessage:
        return self._letter(
            to,
            kind,
            notice.lang,
            n=notice,
            when=local_time(notice.start, notice.timezone, notice.lang),
            minutes=round((notice.end - notice.start).total_seconds() / 60),
            code_minutes=CODE_VALIDITY_MINUTES,
            tel=e164(notice.phone, self.phone_region),
            **context,
        )

    def _letter(self, to: str, kind: str, lang: str, **context: Any) -> EmailMessage:
        """One e-mail of ``kind`` in ``lang``: the brand, the words, both parts; links absent unless given."""
        subject, text, html = render(
            kind, lang, portal_name=self.portal_name, brand=self.portal_name or DEFAULT_BRAND, **context
        )
        return self._envelope(to, subject, text, html, lang)

    def _envelope(self, to: str, subject: str, text: str, html: str, lang: str) -> EmailMessage:
        message = EmailMessage(policy=MIME_POLICY)
        message["From"] = formataddr((self.portal_name, self.sender)) if self.portal_name else self.sender
        message["To"] = to
        message["Subject"] = subject
        message["Date"] = format_datetime(datetime.now(UTC))
        message["Message-ID"] = make_msgid(domain=self.sender.rpartition("@")[2] or None)
        message["Auto-Submitted"] = "auto-generated"
        message["Content-Language"] = lang
        message.set_content(text)
        message.add_alternative(html, subtype="html")
        return message

    def _attach(
        self,
        message: EmailMessage,
        notice: AppointmentNotice,
        to: str,
        sequence: int,
        method: Literal["REQUEST", "CANCEL"],
    ) -> EmailMessage:
        calendar = make_ics(notice, sequence, method, organizer=self.sender, attendee=to)
        message.add_attachment(
            calendar,
            maintype="text",
            subtype="calendar",
            filename=messages(notice.lang)["calendar_file"],
            params={"method": method, "charset": "utf-8"},
        )
        return message

    def _deliver(self, kind: str, to: str, ref: str, build: Callable[[str], EmailMessage]) -> bool:
        """Build for ``to`` as SES takes it (emailaddress.for_sending) and send; on any failure log the kind, what
        it is about (``ref``: the appointment or request id) and the error class only."""
        try:
            address = for_sending(to)
            message = build(address)
            self.ses.send_raw_email(Source=self.sender, Destinations=[address], RawMessage={"Data": message.as_bytes()})
        except ClientError as err:
            reason = str(err.response.get("Error", {}).get("Code", "ClientError"))
        except Exception as err:  # a failed e-mail must never undo the booking that is already stored
            reason = type(err).__name__
        else:
            logger.info("e-mail sent: %s for %s", kind, ref)
            return True
        logger.error("e-mail not sent: %s for %s (%s)", kind, ref, reason)
        return False
