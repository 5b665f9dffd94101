"""Calendar files (RFC 5545) for appointment e-mails, built with icalendar.

Every notice about one appointment carries the same UID, so a calendar updates the event it already holds (a move
is a REQUEST with a higher SEQUENCE) or removes it (a CANCEL). Times stay in the site's zone with its VTIMEZONE,
so the event shows at the right local time whatever zone the reader's calendar is in.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Literal
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress
from icalendar.enums import STATUS

if TYPE_CHECKING:
    from .appointment import AppointmentNotice

PRODID = "-//health-portal//appointments//EN"
UID_DOMAIN = "appointments.health-portal"

SUMMARY = {
    "fr": "Rendez-vous : {reason} – {practitioner}",
    "en": "Appointment: {reason} – {practitioner}",
    "it": "Appuntamento: {reason} – {practitioner}",
    "es": "Cita: {reason} – {practitioner}",
    "ru": "Запись: {reason} – {practitioner}",
}
MANAGE = {
    "fr": "Gérer ce rendez-vous : {url}",
    "en": "Manage this appointment: {url}",
    "it": "Gestisci questo appuntamento: {url}",
    "es": "Gestionar esta cita: {url}",
    "ru": "Управление записью: {url}",
}
PHONE = {
    "fr": "Téléphone du cabinet : {phone}",
    "en": "Practice phone: {phone}",
    "it": "Telefono dello studio: {phone}",
    "es": "Teléfono de la consulta: {phone}",
    "ru": "Телефон кабинета: {phone}",
}
AT_HOME = {
    "fr": "À votre domicile",
    "en": "At your home",
    "it": "Presso il tuo domicilio",
    "es": "En su domicilio",
    "ru": "На дому",
}


def event_uid(appointment_id: str) -> str:
    """The UID every calendar file about this appointment shares."""
    return f"{appointment_id}@{UID_DOMAIN}"


def calendar_time(moment: datetime, zone: ZoneInfo) -> datetime:
    """``moment`` on the site's clock, or in UTC when that clock shows the same time twice (the hour repeated when
    summer time ends): a calendar reads an ambiguous local time as its first occurrence (RFC 5545, 3.3.5)."""
    local = moment.astimezone(zone)
    if local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset():
        return moment.astimezone(UTC)
    return local


def make_ics(
    notice: AppointmentNotice,
    sequence: int = 0,
    method: Literal["REQUEST", "CANCEL"] = "REQUEST",
    *,
    organizer: str | None = None,
    attendee: str | None = None,
    stamp: datetime | None = None,
) -> bytes:
    """One VEVENT for ``notice`` as an iCalendar file; ``method="CANCEL"`` cancels the event with the same UID.

    ``sequence`` must grow with each revision sent for the same appointment (a move, then a cancellation).
    ``organizer`` and ``attendee`` are e-mail addresses (the sender and the patient); iTIP wants both for REQUEST
    and CANCEL, and calendars cope without them.
    """
    if method not in ("REQUEST", "CANCEL"):
        raise ValueError(f"unsupported calendar method {method!r}")
    zone = ZoneInfo(notice.timezone)
    lang = notice.lang
    description = [notice.instructions or "", PHONE[lang].format(phone=notice.phone) if notice.phone else ""]
    if notice.manage_url and method == "REQUEST":
        description.append(MANAGE[lang].format(url=notice.manage_url))
    event = Event.new(
        uid=event_uid(notice.appointment_id),
        stamp=stamp or datetime.now(UTC),
        start=calendar_time(notice.start, zone),
        end=calendar_time(notice.end, zone),
        summary=SUMMARY[lang].format(reason=notice.reason_label, practitioner=notice.practitioner_name),
        location=AT_HOME[lang] if notice.at_home else f"{notice.site_name}, {notice.address}",
        description="\n\n".join(part for part in description if part) or None,
        sequence=sequence,
        status=STATUS.CANCELLED if method == "CANCEL" else STATUS.CONFIRMED,
        url=notice.manage_url if method == "REQUEST" else None,
    )
    if organizer:
        event.add("organizer", vCalAddress(f"mailto:{organizer}"))
    if attendee:
        address = vCalAddress(f"mailto:{attendee}")
        address.params["ROLE"] = "REQ-PARTICIPANT"
        address.params["PARTSTAT"] = "ACCEPTED" if method == "REQUEST" else "DECLINED"
        address.params["RSVP"] = "FALSE"
        event.add("attendee", address)
    calendar = Calendar.new(prodid=PRODID, method=method, subcomponents=[event])
    calendar.pop("UID", None)  # the event carries the UID that matters; some calendars trip over a second one
    # The zone's rules around the appointment only: the whole 1970-2038 history quadruples the file and its cost.
    calendar.add_missing_timezones(date(notice.start.year - 1, 1, 1), date(notice.end.year + 2, 1, 1))
    ical: bytes = calendar.to_ical()
    return ical
