"""The feed's FHIR resources as plain dicts (SMART Scheduling Links, specification.md): one Location, one
PractitionerRole and one Schedule per professional and practice site, and the Slots of that schedule. Pure: no I/O.

Ids are the FHIR directory's (plugins/directory/fhir.py): a site's Location and the professional's role there are
``<professional>.<site>`` in both, so a client that reads both finds the same place and the same person, and the
role's Practitioner is the directory's. The Schedule takes the same id; a Slot adds its UTC start
(``<professional>.<site>.20270302T0800Z``).
Nothing about patients is published: a busy slot is a time, never who took it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from typing import Any
from urllib.parse import urlencode

from ..core.profiles import Profile, text_in
from ..core.schedule import Slot

Resource = dict[str, Any]
REGISTRY = "http://fhir-registry.smarthealthit.org/StructureDefinition/"
DEEP_LINK = REGISTRY + "booking-deep-link"
BOOKING_PHONE = REGISTRY + "booking-phone"
MAX_ID = 64  # FHIR ids: [A-Za-z0-9\-\.]{1,64}
FREE, BUSY = "free", "busy"


def fhir_id(*parts: str) -> str:
    """``pr-000001.main``; a digest of it when the parts are too long for a FHIR id (as the FHIR directory does)."""
    joined = ".".join(parts)
    if len(joined) <= MAX_ID:
        return joined
    return f"{parts[0][:40]}.{hashlib.blake2b(joined.encode(), digest_size=8).hexdigest()}"


def utc_stamp(moment: datetime) -> str:
    """``2027-03-02T08:00:00Z``: how a time travels in a link (no ``+`` to be mistaken for a space)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Publication:
    """What every resource shares: the site's origin (pages, code systems), the language of texts and links, and
    the territory (ISO 3166 code: the address's state and country, the manifest's jurisdiction)."""

    origin: str
    lang: str
    territory: str

    def page(self, practitioner_id: str) -> str:
        """The professional's page, where the booking widget is (plugins/directory/views.py's route)."""
        return f"{self.origin.rstrip('/')}/{self.lang}/professionals/{practitioner_id}/"

    def system(self, name: str) -> str:
        return f"{self.origin.rstrip('/')}/fhir/CodeSystem/{name}"


@dataclass(frozen=True)
class FeedSchedule:
    """One professional at one site, and the visit reason whose times the feed publishes."""

    profile: Profile
    site_id: str
    reason_id: str

    @cached_property
    def id(self) -> str:
        return fhir_id(self.profile.id, self.site_id)

    @property
    def site(self) -> Mapping[str, Any]:
        return self.profile.site(self.site_id) or {}

    @cached_property
    def phone(self) -> str:
        return str(self.site.get("phone") or self.profile.record.get("phone") or "")


def feed_reason(profile: Profile, site_id: str) -> str | None:
    """The visit reason a site's slots are published for: the first of the data file's reasons that is booked
    online, open to new patients (a patient arriving from another app is usually one) and taken at that site;
    failing that, the first booked online there. None when the site takes none online, or when the professional
    takes no new patients: a slot finder would send them patients they turn away (their own patients book on
    their page)."""
    if profile.record.get("accepting_new_patients") is False:
        return None
    taken = {reason for period in (profile.site(site_id) or {}).get("hours") or [] for reason in period["reasons"]}
    taken |= {reason for site, extra in profile.extra_openings if site == site_id for reason in extra.reasons}
    online = [r for r in profile.record.get("visit_reasons", []) if r.get("online") and r.get("id") in taken]
    first = next((r for r in online if r.get("new_patients")), online[0] if online else None)
    return str(first["id"]) if first else None


def location_name(schedule: FeedSchedule, publication: Publication) -> str:
    """``Dr Bruno Fioilleau – Cabinet``: the professional, then the place (a client reading only Locations, as the
    specification's first version had them, still shows whom the patient will see)."""
    place = schedule.site.get("name") or schedule.site.get("address") or ""
    return " – ".join(p for p in (schedule.profile.display_name(publication.lang), place) if p)


def location(schedule: FeedSchedule, publication: Publication) -> Resource:
    """The practice site, named for a person choosing where to book."""
    profile, site = schedule.profile, schedule.site
    telecom = [{"system": "phone", "value": schedule.phone, "use": "work"}] if schedule.phone else []
    address: Resource = {"use": "work", "type": "physical"}
    address |= {"line": [site["address"]]} if site.get("address") else {}
    address |= {"city": site["city"]} if site.get("city") else {}
    address["state"] = publication.territory  # the specification asks for one; a territory may have no states
    address |= {"postalCode": site["postal_code"]} if site.get("postal_code") else {}
    address["country"] = publication.territory
    resource: Resource = {
        "resourceType": "Location",
        "id": schedule.id,
        "identifier": [{"system": publication.origin.rstrip("/") + "/fhir/Location", "value": schedule.id}],
        "status": "active",
        "mode": "instance",
        "name": location_name(schedule, publication),
        "telecom": [*telecom, {"system": "url", "value": publication.page(profile.id)}],
        "address": address,
    }
    if site.get("latitude") is not None and site.get("longitude") is not None:
        resource["position"] = {"longitude": site["longitude"], "latitude": site["latitude"]}
    return resource


def coded(publication: Publication, kind: str, codes: Iterable[str]) -> list[Resource]:
    """Codes of the FHIR directory's code systems (``profession``, ``specialty``), one concept each."""
    return [{"coding": [{"system": publication.system(kind), "code": code}]} for code in codes]


def practitioner_role(schedule: FeedSchedule, publication: Publication) -> Resource:
    """The professional at the site (the directory's PractitionerRole of the same id, reduced to what a slot finder
    shows): who, the profession and specialties, where, how to reach them. The Practitioner it names is the FHIR
    directory's (``/fhir/Practitioner.ndjson``), with their national identifiers."""
    profile, record = schedule.profile, schedule.profile.record
    resource: Resource = {"resourceType": "PractitionerRole", "id": schedule.id, "active": True}
    resource["practitioner"] = {
        "reference": f"Practitioner/{profile.id}",
        "display": profile.display_name(publication.lang),
    }
    if record.get("profession"):
        resource["code"] = coded(publication, "profession", [record["profession"]])
    if record.get("specialties"):
        resource["specialty"] = coded(publication, "specialty", record["specialties"])
    resource["location"] = [{"reference": f"Location/{schedule.id}", "display": location_name(schedule, publication)}]
    phone = [{"system": "phone", "value": schedule.phone, "use": "work"}] if schedule.phone else []
    resource["telecom"] = [*phone, {"system": "url", "value": publication.page(profile.id)}]
    return resource


def schedule_resource(schedule: FeedSchedule, publication: Publication, first: date, last: date) -> Resource:
    """The Schedule: the visit reason its slots are for (``serviceType``), the profession and specialties in the
    FHIR directory's code systems, the site and the professional there (``actor``, each with the ``display`` the
    specification suggests), and the local dates its slots cover (``planningHorizon``)."""
    record = schedule.profile.record
    reason = schedule.profile.reason(schedule.reason_id) or {}
    label = text_in(reason.get("label"), publication.lang) or schedule.reason_id
    resource: Resource = {"resourceType": "Schedule", "id": schedule.id, "active": True}
    if record.get("profession"):
        resource["serviceCategory"] = coded(publication, "profession", [record["profession"]])
    resource["serviceType"] = [{"text": label}]
    if record.get("specialties"):
        resource["specialty"] = coded(publication, "specialty", record["specialties"])
    zone = schedule.profile.schedule(schedule.site_id).zone
    resource["actor"] = [
        {"reference": f"Location/{schedule.id}", "display": location_name(schedule, publication)},
        {"reference": f"PractitionerRole/{schedule.id}", "display": schedule.profile.display_name(publication.lang)},
    ]
    resource["planningHorizon"] = {
        "start": datetime.combine(first, time(), zone).isoformat(),
        "end": datetime.combine(last + timedelta(days=1), time(), zone).isoformat(),
    }
    return resource


def slot_resources(
    schedule: FeedSchedule, publication: Publication, slots: Iterable[tuple[str, Slot]]
) -> Iterator[tuple[Slot, Resource]]:
    """Each Slot on the site's clock (its offset written). A free one links to the professional's page with the
    reason, site and time chosen (the booking widget opens on it, and the API checks it again when it is held) and
    gives the phone number; a busy one says only that the time is taken. What every slot of the schedule shares is
    made once: a pass makes hundreds of thousands of them."""
    reference = {"reference": f"Schedule/{schedule.id}"}
    fixed = urlencode({"reason": schedule.reason_id, "site": schedule.site_id})
    link = f"{publication.page(schedule.profile.id)}?{fixed}&start="
    phone = [{"url": BOOKING_PHONE, "valueString": schedule.phone}] if schedule.phone else []
    for status, slot in slots:
        utc = slot.start.astimezone(UTC)
        resource: Resource = {
            "resourceType": "Slot",
            "id": fhir_id(schedule.id, utc.strftime("%Y%m%dT%H%MZ")),
            "schedule": reference,
            "status": status,
            "start": slot.start.isoformat(),
            "end": slot.end.isoformat(),
        }
        if status == FREE:
            resource["extension"] = [{"url": DEEP_LINK, "valueUrl": link + utc_stamp(utc)}, *phone]
        yield slot, resource


def slot_resource(schedule: FeedSchedule, publication: Publication, status: str, slot: Slot) -> Resource:
    """One Slot (:func:`slot_resources` for a single time)."""
    return next(slot_resources(schedule, publication, [(status, slot)]))[1]
