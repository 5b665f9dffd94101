"""A professional's private calendar feed: an ICS URL their calendar program subscribes to, which they can revoke.

The URL carries a secret token of 256 random bits (calendar programs can only subscribe to a URL); only its SHA-256
is stored, so the table alone does not give the feed away, and making a new feed or revoking it ends the old URL
at once. A calendar program copies what it reads into its own servers, often another company's: so the feed
holds no patient's name, e-mail or phone, only the time, the visit reason, whether the patient is new, and a link
to the appointment in the back-office, where the details are shown to a signed-in account and audited.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from icalendar import Calendar, Event
from icalendar.enums import STATUS

from ..core import ids
from ..core.appointment import BLOCKED, CONFIRMED, Appointment
from ..core.concurrency import StaleRead
from ..core.errors import NotFound
from ..core.keys import digest
from ..core.profiles import Profile, text_in
from .schemas import FeedStatus

if TYPE_CHECKING:
    from ..core.store import Store
    from .auth import Principal

TOKEN_BYTES = 32  # the token's length is the feed name's in ids.FEED_NAME
PAST_DAYS = 30
FUTURE_DAYS = 400  # beyond the longest booking horizon (365 days)
PRODID = "-//health-portal//agenda feed//EN"
TEXT = {
    "fr": {"calendar": "Agenda – {name}", "blocked": "Créneau bloqué", "new": "nouveau patient", "missed": "absent"},
    "en": {"calendar": "Agenda – {name}", "blocked": "Blocked time", "new": "new patient", "missed": "missed"},
    "it": {"calendar": "Agenda – {name}", "blocked": "Orario bloccato", "new": "nuovo paziente", "missed": "assente"},
    "es": {"calendar": "Agenda – {name}", "blocked": "Franja bloqueada", "new": "paciente nuevo", "missed": "ausente"},
    "ru": {"calendar": "Расписание – {name}", "blocked": "Заблокировано", "new": "новый пациент", "missed": "неявка"},
}
NO_PROFESSIONAL = "No such professional."
DETAILS = {
    "fr": "Détails dans l'espace professionnel : {url}",
    "en": "Details in the professional area: {url}",
    "it": "Dettagli nell'area professionisti: {url}",
    "es": "Detalles en el área profesional: {url}",
    "ru": "Подробности в разделе для специалистов: {url}",
}


@dataclass
class Feeds:
    store: Store
    site_url: str
    clock: Callable[[], datetime]

    def status(self, principal: Principal, practitioner_id: str) -> FeedStatus:
        principal.require_settings(practitioner_id, NO_PROFESSIONAL)
        pointer = self.store.feed_pointer(practitioner_id)
        if pointer is None:
            return FeedStatus(active=False, created_at=None)
        return FeedStatus(active=True, created_at=datetime.fromtimestamp(int(pointer["created_at"]), UTC))

    def create(self, principal: Principal, practitioner_id: str, lang: str) -> FeedStatus:
        """A new feed URL for the professional (shown once); the previous URL stops working."""
        principal.require_settings(practitioner_id, NO_PROFESSIONAL)
        token = secrets.token_urlsafe(TOKEN_BYTES)
        created_at = int(self.clock().timestamp())
        feed = {
            "token_hash": digest(token),
            "practitioner_id": practitioner_id,
            "language": lang,
            "created_at": created_at,
            "created_by": principal.subject,
        }
        old = self.store.feed_pointer(practitioner_id)
        try:
            self.store.replace_feed(practitioner_id, feed, old["token_hash"] if old else None)
        except StaleRead:  # made or revoked at the same moment elsewhere: read again and replace that one
            old = self.store.feed_pointer(practitioner_id)
            self.store.replace_feed(practitioner_id, feed, old["token_hash"] if old else None)
        url = f"{self.site_url.rstrip('/')}/api/v1/pro/feed/{token}.ics"
        return FeedStatus(active=True, created_at=datetime.fromtimestamp(created_at, UTC), url=url)

    def revoke(self, principal: Principal, practitioner_id: str) -> FeedStatus:
        principal.require_settings(practitioner_id, NO_PROFESSIONAL)
        old = self.store.feed_pointer(practitioner_id)
        if old is not None:
            try:
                self.store.revoke_feed(practitioner_id, str(old["token_hash"]))
            except StaleRead:  # replaced meanwhile: revoke what is there now
                current = self.store.feed_pointer(practitioner_id)
                if current is not None:
                    self.store.revoke_feed(practitioner_id, str(current["token_hash"]))
        return FeedStatus(active=False, created_at=None)

    def calendar(self, name: str) -> bytes:
        """The ICS text of the feed named ``<token>.ics``; the same 404 for a malformed, unknown or revoked one."""
        token = ids.feed_token(name)
        feed = self.store.feed(digest(token)) if token else None
        if feed is None:
            raise NotFound("No such calendar.")
        practitioner_id = str(feed["practitioner_id"])
        lang = str(feed.get("language") or "fr")
        now = self.clock()
        appointments = self.store.agenda(
            practitioner_id, now - timedelta(days=PAST_DAYS), now + timedelta(days=FUTURE_DAYS)
        )
        item = self.store.profile(practitioner_id)
        profile = Profile.from_item(item) if item else None
        owner = profile.display_name(lang) if profile else practitioner_id
        labels = {
            str(r["id"]): text_in(r.get("label"), lang) or str(r["id"])
            for r in (profile.record.get("visit_reasons", []) if profile else [])
        }
        return render(appointments, lang, owner, self.site_url, now, labels)


def render(  # noqa: PLR0917
    appointments: list[Appointment],
    lang: str,
    calendar_name: str,
    site_url: str,
    now: datetime,
    labels: dict[str, str] | None = None,
) -> bytes:
    """The feed's iCalendar text: one VEVENT per confirmed appointment or block, in UTC. ``labels`` names the
    visit reasons in the feed's language (an appointment stores its label in the patient's)."""
    labels = labels or {}
    text = TEXT.get(lang, TEXT["fr"])
    host = urlparse(site_url).hostname or "localhost"
    events = []
    for appointment in appointments:
        status = appointment.status
        if status not in (CONFIRMED, BLOCKED):
            continue
        if status == BLOCKED:
            summary = text["blocked"]
        else:
            summary = labels.get(str(appointment.reason_id), "") or str(appointment.reason_label or "")
            if appointment.patient and appointment.patient.kind == "new":
                summary += f" ({text['new']})"
            if appointment.no_show:
                summary += f" – {text['missed']}"
        link = f"{site_url.rstrip('/')}/{lang}/pro/appointment/#id={appointment.id}"
        events.append(
            Event.new(
                uid=f"{appointment.id}-agenda@{host}",
                stamp=now,
                start=datetime.fromtimestamp(appointment.start_epoch, UTC),
                end=datetime.fromtimestamp(appointment.end_epoch, UTC),
                summary=summary,
                location=appointment.site_name or None,
                description=DETAILS.get(lang, DETAILS["fr"]).format(url=link) if status == CONFIRMED else None,
                status=STATUS.CONFIRMED,
            )
        )
    calendar = Calendar.new(prodid=PRODID, subcomponents=events)
    calendar.pop("UID", None)
    calendar.add("X-WR-CALNAME", text["calendar"].format(name=calendar_name))
    ical: bytes = calendar.to_ical()
    return ical
