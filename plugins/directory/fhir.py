"""The directory as FHIR R4 resources (no Pelican here): plain dicts, ready for NDJSON.

Per professional: one Practitioner, and for each of their sites one Location, one PractitionerRole and one
HealthcareService, all four with the id ``<professional id>.<site id>`` (a dot never occurs in the data files' ids,
so the id cannot be read two ways). Per establishment: one Organization, one Location and one HealthcareService
with the establishment's id, and an Organization ``<establishment id>.<department id>`` per department (partOf
the establishment). Only what the site's pages show is published: no e-mail address of a professional, no fee or
booking rule. Texts are in the site's default language. See docs/open-data.md.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from plugins.directory.i18n import localized, person_name
from plugins.directory.records import Directory, Record
from plugins.directory.views import route

Resource = dict[str, Any]
FHIR_VERSION = "4.0.1"
LANGUAGE = "urn:ietf:bcp:47"
ORGANIZATION_TYPE = "http://terminology.hl7.org/CodeSystem/organization-type"
PARTICIPATION_MODE = "http://terminology.hl7.org/CodeSystem/v3-ParticipationMode"
MAX_ID = 64  # FHIR ids: [A-Za-z0-9\-\.]{1,64}


def fhir_id(*parts: str) -> str:
    """``pr-000001.main``; a digest of it when the parts are too long for a FHIR id."""
    joined = ".".join(parts)
    if len(joined) <= MAX_ID:
        return joined
    return f"{parts[0][:40]}.{hashlib.blake2b(joined.encode(), digest_size=8).hexdigest()}"


def reference(kind: str, rid: str, display: str = "") -> dict[str, str]:
    return {"reference": f"{kind}/{rid}", **({"display": display} if display else {})}


def times(clock: str) -> str:
    """``"08:00"`` -> ``"08:00:00"`` (FHIR time); the data files' ``23:59`` closes a day that is open all night."""
    return clock + ":00"


@dataclass(frozen=True)
class Publisher:
    """What every resource depends on besides its own record: the code lists, the establishments, the site's
    address and language."""

    directory: Directory
    origin: str  # e.g. https://sante.example.mc: the base of the pages' URLs and of the code systems
    lang: str
    country: str
    concepts: dict[tuple[str, str], Resource] = field(default_factory=dict, compare=False, repr=False)

    def system(self, name: str) -> str:
        """The URI of one of the directory's code lists (taxonomy.json's codes), e.g. .../fhir/CodeSystem/profession."""
        return f"{self.origin}/fhir/CodeSystem/{name}"

    def concept(self, kind: str, record: Record) -> Resource:
        """A profession or specialty: the directory's code, then the national codings taxonomy.json gives (made
        once per code: the same object serves every professional)."""
        made = self.concepts.get((kind, record["code"]))
        if made is None:
            made = self.concepts[(kind, record["code"])] = self.make_concept(kind, record)
        return made

    def make_concept(self, kind: str, record: Record) -> Resource:
        label = localized(record["label"], self.lang, self.lang)
        codings = [{"system": self.system(kind), "code": record["code"], "display": label}]
        firsts: dict[str, str] = {}  # the first code of each system (the others are for the register import)
        for c in record.get("codes", []):
            firsts.setdefault(c["system"], c["code"])
        codings += [{"system": system, "code": code} for system, code in firsts.items()]
        return {"coding": codings, "text": label}

    def page(self, pid: str) -> str:
        return f"{self.origin}/{route('practitioner', self.lang, pid)}"

    def address(self, where: Mapping[str, Any]) -> Resource:
        return {
            "use": "work",
            "type": "physical",
            "line": [where["address"]],
            "city": where["city"],
            "postalCode": where["postal_code"],
            "country": self.country,
        }

    # ------------------------------------------------------------------------------------------- professionals

    def practitioner_resources(
        self, p: Mapping[str, Any]
    ) -> tuple[Resource, list[tuple[Resource, Resource, Resource]]]:
        """The Practitioner, and per site its (Location, PractitionerRole, HealthcareService)."""
        d, pid = self.directory, p["id"]
        name = person_name(p, self.lang, self.lang)
        identifiers = [{"use": "official", **i} for i in p.get("identifiers", ())]
        if p.get("national_id") and p["national_id"] not in {i["value"] for i in identifiers}:
            identifiers.append({"use": "official", "type": {"text": "National identifier"}, "value": p["national_id"]})
        human = {"use": "official", "text": name, "family": p["family_name"], "given": [p["given_name"]]}
        if p.get("civility") in ("dr", "pr"):
            human["prefix"] = [name.split(" ", 1)[0]]
        practitioner: Resource = {"resourceType": "Practitioner", "id": pid}
        if identifiers:
            practitioner["identifier"] = identifiers
        practitioner |= {
            "active": True,
            "name": [human],
            "communication": [{"coding": [{"system": LANGUAGE, "code": code}]} for code in p["languages"]],
        }
        profession = self.concept("profession", d.professions[p["profession"]])
        specialties = [self.concept("specialty", d.specialties[c]) for c in p["specialties"]]
        reasons = {r["id"]: localized(r["label"], self.lang, self.lang) for r in p["visit_reasons"]}
        sites = [
            self.site_resources(p, site, name=name, profession=profession, specialties=specialties, reasons=reasons)
            for site in p["sites"]
        ]
        return practitioner, sites

    def site_resources(
        self,
        p: Mapping[str, Any],
        site: Mapping[str, Any],
        *,
        name: str,
        profession: Resource,
        specialties: list[Resource],
        reasons: dict[str, str],
    ) -> tuple[Resource, Resource, Resource]:
        pid = p["id"]
        rid = fhir_id(pid, site["id"])
        est, department = site.get("establishment"), site.get("department")
        organization = fhir_id(est, department) if est and department else est
        phone = site.get("phone") or p["phone"]
        telecom = [{"system": "phone", "value": phone, "use": "work"}, {"system": "url", "value": self.page(pid)}]
        hours = available(site["hours"])
        location: Resource = {"resourceType": "Location", "id": rid, "status": "active", "mode": "instance"}
        location["name"] = site.get("name") or f"{site['address']}, {site['city']}"
        if site.get("phone"):
            location["telecom"] = [{"system": "phone", "value": site["phone"], "use": "work"}]
        location |= {"address": self.address(site), "position": position(site)}
        if est:
            location |= {"managingOrganization": reference("Organization", est), "partOf": reference("Location", est)}
        if site["hours"]:
            location["hoursOfOperation"] = opening(site["hours"])
        role: Resource = {
            "resourceType": "PractitionerRole",
            "id": rid,
            "active": True,
            "practitioner": reference("Practitioner", pid, name),
        }
        if organization:
            role["organization"] = reference("Organization", organization)
        role |= {"code": [profession]} | ({"specialty": specialties} if specialties else {})
        role |= {"location": [reference("Location", rid)], "healthcareService": [reference("HealthcareService", rid)]}
        role["telecom"] = telecom
        if hours:
            role["availableTime"] = hours
        accepted = list(dict.fromkeys(r for period in site["hours"] for r in period["reasons"])) or list(reasons)
        service: Resource = {"resourceType": "HealthcareService", "id": rid, "active": True}
        if est:
            service["providedBy"] = reference("Organization", organization or est)
        service["category"] = [profession]
        if accepted:
            service["type"] = [{"text": reasons[r]} for r in accepted]
        service |= {"specialty": specialties} if specialties else {}
        service |= {"location": [reference("Location", rid)], "name": f"{name} – {profession['text']}"}
        service |= {"telecom": telecom, "appointmentRequired": True}
        if p["teleconsultation"]:
            mode = {"system": PARTICIPATION_MODE, "code": "VIDEOCONF", "display": "videoconferencing"}
            service["characteristic"] = [{"coding": [mode], "text": "Teleconsultation"}]
        if not p["accepting_new_patients"]:
            service["eligibility"] = [{"code": {"text": "Patients already followed"}, "comment": "No new patients"}]
        service["communication"] = [{"coding": [{"system": LANGUAGE, "code": c}]} for c in p["languages"]]
        if hours:
            service["availableTime"] = hours
        return location, role, service

    # -------------------------------------------------------------------------------------------- establishments

    def establishment_resources(self, e: Mapping[str, Any]) -> tuple[list[Resource], Resource, Resource]:
        """The Organizations (the establishment, then its departments), its Location and its HealthcareService."""
        eid = e["id"]
        kind = {"system": self.system("establishment-kind"), "code": e["kind"]}
        telecom = [{"system": "phone", "value": e["phone"], "use": "work"}]
        telecom += [{"system": "email", "value": e["email"]}] if e.get("email") else []
        telecom += [{"system": "url", "value": e["website"]}] if e.get("website") else []
        organization: Resource = {"resourceType": "Organization", "id": eid, "active": True}
        organization |= {"type": [{"coding": [{"system": ORGANIZATION_TYPE, "code": "prov"}, kind]}]}
        organization |= {"name": e["name"], "telecom": telecom, "address": [self.address(e)]}
        organizations = [organization]
        for dep in e.get("departments", []):
            department: Resource = {"resourceType": "Organization", "id": fhir_id(eid, dep["id"]), "active": True}
            department |= {"type": [{"coding": [{"system": ORGANIZATION_TYPE, "code": "dept"}]}]}
            department["name"] = localized(dep["name"], self.lang, self.lang)
            if dep.get("phone"):
                department["telecom"] = [{"system": "phone", "value": dep["phone"], "use": "work"}]
            organizations.append(department | {"partOf": reference("Organization", eid, e["name"])})
        location: Resource = {"resourceType": "Location", "id": eid, "status": "active", "name": e["name"]}
        location |= {"mode": "instance", "telecom": telecom[:1], "address": self.address(e), "position": position(e)}
        location["managingOrganization"] = reference("Organization", eid, e["name"])
        if e.get("hours"):
            location["hoursOfOperation"] = opening(e["hours"])
        service: Resource = {"resourceType": "HealthcareService", "id": eid, "active": True}
        service |= {"providedBy": reference("Organization", eid, e["name"]), "category": [{"coding": [kind]}]}
        service |= {"location": [reference("Location", eid)], "name": e["name"], "telecom": telecom[:1]}
        if e.get("emergency"):
            service["characteristic"] = [{"text": "Emergency department open 24 hours a day"}]
        if e.get("hours"):
            service["availableTime"] = available(e["hours"])
        return organizations, location, service


def position(where: Mapping[str, Any]) -> Resource:
    return {"longitude": where["longitude"], "latitude": where["latitude"]}


def opening(periods: Iterable[Mapping[str, Any]]) -> list[Resource]:
    """Location.hoursOfOperation: one entry per opening period of the data file."""
    return [
        {"daysOfWeek": list(period["days"]), "openingTime": times(period["start"]), "closingTime": times(period["end"])}
        for period in periods
    ]


def available(periods: Iterable[Mapping[str, Any]]) -> list[Resource]:
    """availableTime of a PractitionerRole or HealthcareService: one entry per opening period."""
    return [
        {
            "daysOfWeek": list(period["days"]),
            "availableStartTime": times(period["start"]),
            "availableEndTime": times(period["end"]),
        }
        for period in periods
    ]
