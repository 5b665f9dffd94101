"""A professional's booking settings in the back-office: visit reasons, weekly opening hours per site, absences
(closures) and booking rules; a preview of the slots they give before saving; and what happens to appointments a
change would leave outside the openings ("orphans").

The settings live in the stored profile (profiles.py): the directory record's ``visit_reasons``, ``sites[].hours``
and ``booking_rules``, and the profile's ``closures``. Sites themselves (address, time zone) and the extra openings
are not edited here. A save names the version it was read at, so two people editing at once cannot overwrite each
other (409), and it is refused while it would orphan booked appointments unless the professional chose to keep
them or to cancel them (their patients are e-mailed). Once saved, the orphans are read again: an online booking
confirmed meanwhile on a time the change closes is cancelled with the others, or reported as left outside.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from ..core.appointment import CONFIRMED, Appointment
from ..core.availability import within_openings
from ..core.concurrency import StaleRead
from ..core.errors import Conflict, InvalidInput, NotFound, OrphanedAppointments, PortalError
from ..core.profiles import Profile, profile_item
from ..core.schedule import ScheduleError
from ..core.schemas import LANGUAGES, SlotOut
from ..core.units import busy_intervals
from . import checks
from .agenda import Agenda, site_infos
from .schemas import (
    REQUIRED_LANGUAGES,
    ClosureSettings,
    PracticeSettings,
    PreviewRequest,
    PreviewResponse,
    SaveSettingsRequest,
    SettingsResponse,
    SettingsSaved,
)

if TYPE_CHECKING:
    from ..core.store import Store
    from ..followup import FollowUp
    from .auth import Principal

ORPHAN_LOOKAHEAD = timedelta(days=3 * 366)  # appointments are booked at most a year ahead; phone ones, any time


@dataclass
class Practice:
    store: Store
    agenda: Agenda
    clock: Callable[[], datetime]
    followup: Callable[[], FollowUp | None] = lambda: None  # new openings go to the waiting list (followup.py)

    def read(self, principal: Principal, practitioner_id: str) -> SettingsResponse:
        item, profile = self._load(principal, practitioner_id)
        now = self.clock()
        settings = settings_of(profile, now)
        return SettingsResponse(
            practitioner=practitioner_id,
            version=int(item.get("version") or 0),
            sites=site_infos(profile),
            accepting_new_patients=accepting_new_patients(profile),
            settings=settings,
            warnings=checks.warnings(profile.record, settings),
        )

    def preview(self, principal: Principal, practitioner_id: str, request: PreviewRequest) -> PreviewResponse:
        """The free slots the proposed settings give over the next days (today's bookings and holds counted), and
        the appointments they would orphan. Nothing is saved."""
        item, current = self._load(principal, practitioner_id)
        proposed = apply(item, current, request.settings)
        reason = request.reason or next((r.id for r in request.settings.visit_reasons if r.online), None)
        if reason is None:
            raise InvalidInput("Make at least one visit reason bookable online to preview its slots.", field="reason")
        now = self.clock()
        first_day = request.from_ or now.astimezone(proposed.home_zone).date()
        window = proposed.units_window(first_day, request.days)
        busy = busy_intervals(self.store.units(practitioner_id, *window), int(now.timestamp()))
        slots = [
            SlotOut(start=slot.start, end=slot.end, site=site)
            for site, slot in proposed.free_slots(reason, busy, first_day, request.days, now)
        ]
        return PreviewResponse.model_validate(
            {
                "reason": reason,
                "from": first_day,
                "days": request.days,
                "slots": slots,
                "orphans": [o.orphan() for o in self.orphans(current, proposed, now)],
                "warnings": checks.warnings(proposed.record, request.settings),
            }
        )

    def save(self, principal: Principal, practitioner_id: str, request: SaveSettingsRequest) -> SettingsSaved:
        item, current = self._load(principal, practitioner_id)
        version = int(item.get("version") or 0)
        if request.version != version:
            raise Conflict("These settings were changed meanwhile; reload them before saving.", field="version")
        proposed = apply(item, current, request.settings)
        now = self.clock()
        orphans = self.orphans(current, proposed, now)
        if orphans and request.orphans == "refuse":
            count = len(orphans)
            raise OrphanedAppointments(
                f"This change leaves {count} booked appointment{'s' if count > 1 else ''} outside the opening "
                "hours: choose to keep or to cancel them.",
                field="orphans",
            )
        attributes = {**profile_item(proposed.record, _stored_closures(proposed)), "extra_openings": _extras(item)}
        try:
            self.store.save_profile(practitioner_id, attributes, version)
        except StaleRead as err:
            raise Conflict(
                "These settings were changed meanwhile; reload them before saving.", field="version"
            ) from err
        # An online booking confirmed between the first read and the save may sit on a time the change closes:
        # read again, now that the new openings are stored, and treat what the first read missed the same way.
        seen = {o.id for o in orphans}
        orphans += [o for o in self.orphans(current, proposed, now) if o.id not in seen]
        cancelled: list[str] = []
        if request.orphans == "cancel":
            for orphan in orphans:
                try:
                    self.agenda.cancel(principal, orphan.id)
                except PortalError:  # the patient cancelled or moved it meanwhile: nothing left to do
                    continue
                cancelled.append(orphan.id)
        outside = [] if request.orphans == "cancel" else orphans
        if (after := self.followup()) is not None:
            after.freed(practitioner_id)
        saved = settings_of(proposed, now)
        return SettingsSaved(
            practitioner=practitioner_id,
            version=version + 1,
            sites=site_infos(proposed),
            accepting_new_patients=accepting_new_patients(proposed),
            settings=saved,
            warnings=checks.warnings(proposed.record, saved),
            cancelled=cancelled,
            kept=[o.id for o in outside],
            orphans=[o.orphan() for o in outside],
        )

    def orphans(self, current: Profile, proposed: Profile, now: datetime) -> list[Appointment]:
        """Confirmed appointments not yet started that fit the current openings and would not fit the proposed ones
        (appointments the practice placed outside the openings on purpose are not counted)."""
        now_s = int(now.timestamp())
        found = []
        for appointment in self.store.agenda(current.id, now, now + ORPHAN_LOOKAHEAD):
            if appointment.status != CONFIRMED or appointment.start_epoch <= now_s or not appointment.reason_id:
                continue
            if _fits(current, appointment) and not _fits(proposed, appointment):
                found.append(appointment)
        return found

    def _load(self, principal: Principal, practitioner_id: str) -> tuple[dict[str, Any], Profile]:
        principal.require_settings(practitioner_id, "No such professional.")  # a desk grant: the same 404
        item = self.store.profile_for_edit(practitioner_id)
        if item is None:
            raise NotFound("No such professional.")
        return item, Profile.from_item(item)


def apply(item: Mapping[str, Any], current: Profile, settings: PracticeSettings) -> Profile:
    """The profile with ``settings`` in place of the current ones; InvalidInput naming the field if they do not
    make a valid schedule (``settings.sites.0.hours.1.reasons``)."""
    site_ids = [site.id for site in settings.sites]
    if sorted(site_ids) != sorted(current.site_ids):
        raise InvalidInput(f"The practice sites are {', '.join(current.site_ids)}; each once.", field="settings.sites")
    record = copy.deepcopy(dict(current.record))
    before = {str(reason["id"]): reason for reason in current.record.get("visit_reasons", [])}
    record["visit_reasons"] = [
        _unpublished_kept(reason.model_dump(exclude_none=True), before.get(reason.id))
        for reason in settings.visit_reasons
    ]
    hours = {site.id: [h.model_dump() for h in site.hours] for site in settings.sites}
    for site in record["sites"]:
        site["hours"] = hours[site["id"]]
    record["booking_rules"] = settings.booking_rules.model_dump()
    zone = current.home_zone
    closures = [_closure(c, zone) for c in settings.closures]
    try:
        proposed = Profile.from_item(
            {**profile_item(record, closures), "extra_openings": item.get("extra_openings") or "[]"}
        )
        for site_id in proposed.site_ids:
            proposed.schedule(site_id)
    except ScheduleError as err:
        raise InvalidInput(err.message, field="settings." + re.sub(r"\[(\d+)\]", r".\1", err.field)) from None
    return proposed


def accepting_new_patients(profile: Profile) -> bool:
    return bool(profile.record.get("accepting_new_patients", True))


def settings_of(profile: Profile, now: datetime) -> PracticeSettings:
    """The editable settings of a profile (absences that are over are left out)."""
    record = profile.record

    def texts(value: Mapping[str, str] | None) -> dict[str, str] | None:
        """French (else the text's first language), English (else the French), and every other language of the site
        the text has: a save keeps them; one it lacks stays missing, and patients read the French there."""
        if not value:
            return None
        first = next(iter(value.values()))
        french = value.get("fr") or first
        optional = [lang for lang in LANGUAGES if lang not in REQUIRED_LANGUAGES]
        others = {lang: value[lang] for lang in optional if value.get(lang, "").strip()}
        return {"fr": french, "en": value.get("en") or french} | others

    reasons = [
        {**{k: v for k, v in reason.items() if k != "instructions"}, "label": texts(reason.get("label"))}
        | ({"instructions": texts(reason["instructions"])} if reason.get("instructions") else {})
        for reason in record.get("visit_reasons", [])
    ]
    return PracticeSettings.model_validate(
        {
            "visit_reasons": reasons,
            "sites": [{"id": site["id"], "hours": site.get("hours", [])} for site in record.get("sites", [])],
            "closures": [{"start": c.start, "end": c.end} for c in profile.closures if c.end > now],
            "booking_rules": record["booking_rules"],
        }
    )


def _unpublished_kept(reason: dict[str, Any], before: Mapping[str, Any] | None) -> dict[str, Any]:
    """A saved reason with the texts it had in languages the site does not publish (a data file may hold them): the
    settings carry only the site's languages, and a save must not drop the others."""
    for key in ("label", "instructions"):
        unpublished = {lang: text for lang, text in ((before or {}).get(key) or {}).items() if lang not in LANGUAGES}
        if unpublished and key in reason:
            reason[key] = {**reason[key], **unpublished}
    return reason


def _closure(closure: ClosureSettings, zone: ZoneInfo) -> dict[str, str]:
    """A closure as stored: ISO instants with their offset (a time without one is the practice's local time)."""
    start, end = (t if t.tzinfo else t.replace(tzinfo=zone) for t in (closure.start, closure.end))
    return {"start": start.isoformat(), "end": end.isoformat()}


def _stored_closures(profile: Profile) -> list[dict[str, str]]:
    return [{"start": c.start.isoformat(), "end": c.end.isoformat()} for c in profile.closures]


def _extras(item: Mapping[str, Any]) -> str:
    return str(item.get("extra_openings") or json.dumps([]))


def _fits(profile: Profile, appointment: Appointment) -> bool:
    if appointment.site_id not in profile.site_ids:
        return False
    start = datetime.fromtimestamp(appointment.start_epoch, UTC)
    end = datetime.fromtimestamp(appointment.end_epoch, UTC)
    return within_openings(profile.schedule(appointment.site_id), str(appointment.reason_id), start, end)
