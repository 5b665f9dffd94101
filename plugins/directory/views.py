"""What each directory page shows, computed from the loaded data (plain values for the templates; no Pelican)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from plugins.directory.nearest import Nearest, nearest_accepting
from plugins.directory.records import Directory, Practitioner, Record

WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

# Which URL each kind of page has, after the language prefix. Kept the same in every language, so that the
# language switcher only swaps the prefix, and a professional's URL (with the id) never changes.
ROUTES = {
    "home": "",
    "practitioner": "professionals/{key}/",
    "establishments": "establishments/",
    "establishment": "establishments/{key}/",
    "specialties": "specialties/",
    "specialty": "specialties/{key}/",
    "profession": "professions/{key}/",
    "places": "places/",
    "place": "places/{key}/",
    "articles": "articles/",
    "category": "articles/categories/{key}/",
    "search": "search/",
    "dictionary": "open-data/dictionary/",  # the open data's dictionary (the open-data page is a Markdown page)
    "appointment": "appointment/",  # the patient's "manage my appointment" page (the e-mailed link)
    "me": "me/",  # the patient space: sign-in, my appointments, my passkeys. Not indexed.
    # The professionals' area (back-office): sign-in, agenda, one appointment, settings. Not indexed.
    "pro": "pro/",
    "pro-agenda": "pro/agenda/",
    "pro-appointment": "pro/appointment/",
    "pro-settings": "pro/settings/",
    "page": "{key}/",
}


def route(kind: str, lang: str, key: str = "", number: int = 1) -> str:
    """The path of a page without the leading slash, e.g. ``fr/professionals/pr-000001/``."""
    path = f"{lang}/" + ROUTES[kind].format(key=key)
    return path + (f"{number}/" if number > 1 else "")


def page_values(
    languages: Sequence[str], lang: str, kind: str, key: str = "", number: int = 1, **values: Any
) -> dict[str, Any]:
    """What every page's template gets: its language, path, kind and key, page number, the same page in every
    language (``alternates``), and ``values``."""
    path = route(kind, lang, key, number)
    alternates = [{"lang": other, "path": route(kind, other, key, number), "exists": True} for other in languages]
    return {
        "lang": lang,
        "page_path": path,
        "page_kind": kind,
        "page_key": key,
        "number": number,
        "alternates": alternates,
        **values,
    }


def sort_name(p: Practitioner) -> tuple[str, str, str]:
    return (p.summary.family_name.casefold(), p.summary.given_name.casefold(), p.summary.id)


GROUPS = ("by_specialty", "by_profession", "by_place", "by_establishment")  # the professionals' indexes
LANGUAGES = "by_language"  # positions only (the search page lists the languages spoken)
Positions = dict[str, dict[str, list[int]]]  # group -> code -> positions in ``Directory.practitioners``


@dataclass
class Indexes:
    """The directory grouped the ways people browse it; ``positions`` holds the same professionals' groups as
    positions in ``Directory.practitioners`` (plain values: the build caches them while no summary changes)."""

    by_specialty: dict[str, list[Practitioner]] = field(default_factory=lambda: defaultdict(list))
    by_profession: dict[str, list[Practitioner]] = field(default_factory=lambda: defaultdict(list))
    by_place: dict[str, list[Practitioner]] = field(default_factory=lambda: defaultdict(list))
    by_establishment: dict[str, list[Practitioner]] = field(default_factory=lambda: defaultdict(list))
    establishments_by_place: dict[str, list[Record]] = field(default_factory=lambda: defaultdict(list))
    positions: Positions = field(default_factory=dict)
    nearest: Nearest = field(default_factory=dict)  # who nearby accepts new patients, for those who do not

    @property
    def spoken_languages(self) -> list[str]:
        """The codes of the languages at least one professional speaks."""
        return sorted(self.positions[LANGUAGES])


def index_positions(d: Directory) -> Positions:
    """Each group's professionals sorted by name, as positions in ``d.practitioners`` (summaries only)."""
    everyone = d.practitioners
    groups: dict[str, dict[str, list[int]]] = {name: defaultdict(list) for name in (*GROUPS, LANGUAGES)}
    by_specialty, by_profession, by_place, by_establishment, by_language = groups.values()
    for i in sorted(range(len(everyone)), key=lambda i: sort_name(everyone[i])):
        summary = everyone[i].summary
        by_profession[summary.profession].append(i)
        for code in summary.specialties:
            by_specialty[code].append(i)
        for place in summary.places:
            by_place[place].append(i)
        for est in summary.establishments:
            by_establishment[est].append(i)
        for code in summary.languages:
            by_language[code].append(i)
    return {name: dict(group) for name, group in groups.items()}


def build_indexes(d: Directory, positions: Positions | None = None, nearest: Nearest | None = None) -> Indexes:
    """The indexes of ``d``; from ``positions`` and ``nearest`` when given (what ``index_positions(d)`` and
    ``nearest_accepting`` returned for the same summaries), without computing them again."""
    positions = index_positions(d) if positions is None else positions
    everyone = d.practitioners
    if nearest is None:
        nearest = nearest_accepting([p.summary for p in everyone])
    ix = Indexes(positions=positions, nearest=nearest)
    for name in GROUPS:
        group = getattr(ix, name)
        for code, members in positions[name].items():
            group[code] = [everyone[i] for i in members]
    for e in sorted(d.establishments, key=lambda e: e["name"].casefold()):
        ix.establishments_by_place[e["place"]].append(e)
    return ix


def chunks(items: list[Practitioner], size: int) -> list[list[Practitioner]]:
    """Pages of a list; an empty list still has one (empty) page."""
    return [items[i : i + size] for i in range(0, len(items), size)] or [[]]


def hours_by_day(periods: list[Record]) -> list[tuple[str, list[str]]]:
    """Opening periods as ``[("mon", ["08:00–12:00", "14:00–18:00"]), ...]`` in weekday order, open days only."""
    days: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for period in periods:
        for day in period["days"]:
            days[day].append((period["start"], period["end"]))
    return [(day, [f"{a}–{b}" for a, b in sorted(set(days[day]))]) for day in WEEKDAYS if day in days]


# The taxonomy's medical specialties as schema.org MedicalSpecialty values (a physician's JSON-LD); a specialty
# schema.org has no value for (ophthalmology, allergology, sports medicine) is left out there.
SCHEMA_SPECIALTIES = {
    "general-practice": ["PrimaryCare"],
    "paediatrics": ["Pediatric"],
    "gynaecology-obstetrics": ["Gynecologic", "Obstetric"],
    "cardiology": ["Cardiovascular"],
    "dermatology": ["Dermatology"],
    "ent": ["Otolaryngologic"],
    "psychiatry": ["Psychiatric"],
    "rheumatology": ["Rheumatologic"],
    "gastroenterology": ["Gastroenterologic"],
    "endocrinology": ["Endocrine"],
    "pulmonology": ["Pulmonary"],
    "neurology": ["Neurologic"],
    "radiology": ["Radiography"],
    "orthopaedic-surgery": ["Surgical", "Musculoskeletal"],
    "urology": ["Urologic"],
    "geriatrics": ["Geriatric"],
    "anaesthesiology": ["Anesthesia"],
    "emergency-medicine": ["Emergency"],
}
# schema.org types of establishments (their page's JSON-LD, and where a physician practises)
ESTABLISHMENT_TYPES = {
    "hospital": "Hospital",
    "clinic": "MedicalClinic",
    "laboratory": "DiagnosticLab",
    "radiology": "MedicalClinic",
    "pharmacy": "Pharmacy",
    "health-centre": "MedicalClinic",
    "nursing-home": "MedicalOrganization",
}


def place_jsonld(record: Record, name: str, country: str) -> dict[str, Any]:
    """schema.org Place of a site or establishment: postal address and coordinates."""
    return {
        "@type": "Place",
        "name": name,
        "address": {
            "@type": "PostalAddress",
            "streetAddress": record["address"],
            "postalCode": record["postal_code"],
            "addressLocality": record["city"],
            "addressCountry": country,
        },
        "geo": {"@type": "GeoCoordinates", "latitude": record["latitude"], "longitude": record["longitude"]},
    }


def practitioner_view(p: Practitioner, d: Directory, country: str = "MC") -> dict[str, Any]:
    """Everything a professional's page shows, with codes resolved to the records they name."""
    establishments = d.establishment_by_id
    sites = []
    for site in p["sites"]:
        est = establishments.get(site.get("establishment", ""))
        department = None
        if est and "department" in site:
            department = next((x for x in est.get("departments", []) if x["id"] == site["department"]), None)
        sites.append(
            {
                **site,
                "establishment_record": est,
                "department_record": department,
                "place_record": d.places[site["place"]],
                "days": hours_by_day(site["hours"]),
                "jsonld": place_jsonld(site, site.get("name") or site["address"], country),
            }
        )
    online_reasons = [r for r in p["visit_reasons"] if r["online"]]
    schema_specialties = [f"https://schema.org/{v}" for c in p["specialties"] for v in SCHEMA_SPECIALTIES.get(c, [])]
    return {
        "p": p.data,  # the plain record: templates read many fields
        "profession": d.professions[p["profession"]],
        "specialties": [d.specialties[c] for c in p["specialties"]],
        "sites": sites,
        "online_reasons": online_reasons,
        "bookable": p["online_booking"] and bool(online_reasons),
        "schema_specialties": list(dict.fromkeys(schema_specialties)),
    }
