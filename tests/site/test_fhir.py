"""The FHIR R4 directory built with the demo site: the manifest and its files parse, every resource validates
against the FHIR models, references resolve, and a resource says what the data file says and nothing private."""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from plugins.directory.fhir import Publisher
from plugins.directory.model import load_directory
from tests.site.sitebuild import ROOT

TYPES = ["Organization", "Location", "Practitioner", "PractitionerRole", "HealthcareService"]
INSTANT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")
# Codes whose value sets are required bindings in R4, by where they are (the models check types and patterns only).
BINDINGS = {
    r"\.telecom\[\d+\]\.system$": {"phone", "fax", "email", "pager", "url", "sms", "other"},
    r"\.telecom\[\d+\]\.use$": {"home", "work", "temp", "old", "mobile"},
    r"\.name\[\d+\]\.use$": {"usual", "official", "temp", "nickname", "anonymous", "old", "maiden"},
    r"\.identifier\[\d+\]\.use$": {"usual", "official", "temp", "secondary", "old"},
    r"\.address(\[\d+\])?\.use$": {"home", "work", "temp", "old", "billing"},
    r"\.address(\[\d+\])?\.type$": {"postal", "physical", "both"},
    r"^\.status$": {"active", "suspended", "inactive"},
    r"^\.mode$": {"instance", "kind"},
    r"\.daysOfWeek\[\d+\]$": {"mon", "tue", "wed", "thu", "fri", "sat", "sun"},
}


def model(kind: str) -> Any:
    return getattr(importlib.import_module(f"fhir.resources.R4B.{kind.lower()}"), kind)


@pytest.fixture(scope="module")
def resources(site: Path) -> dict[str, list[dict[str, Any]]]:
    """Every resource of every file the manifest lists, by type."""
    manifest = json.loads((site / "fhir" / "directory.json").read_text(encoding="utf-8"))
    found: dict[str, list[dict[str, Any]]] = {kind: [] for kind in TYPES}
    for output in manifest["output"]:
        path = site / "fhir" / output["url"].rsplit("/", 1)[1]
        found[output["type"]] += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return found


def walk(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    yield path, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from walk(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from walk(item, f"{path}[{i}]")


def test_the_manifest_lists_every_file_with_its_count(site: Path) -> None:
    manifest = json.loads((site / "fhir" / "directory.json").read_text(encoding="utf-8"))
    assert INSTANT.match(manifest["transactionTime"])
    assert manifest["request"] == "http://127.0.0.1:8000/fhir/directory.json"
    assert manifest["requiresAccessToken"] is False and manifest["error"] == []
    assert [o["type"] for o in manifest["output"]] == TYPES
    for output in manifest["output"]:
        assert output["url"] == f"http://127.0.0.1:8000/fhir/{output['type']}.ndjson"
        lines = (site / "fhir" / f"{output['type']}.ndjson").read_text(encoding="utf-8").splitlines()
        assert output["count"] == len(lines) > 0


def test_every_resource_of_the_demo_site_validates(resources: dict[str, list[dict[str, Any]]]) -> None:
    directory = load_directory(ROOT / "content" / "directory")
    assert len(resources["Practitioner"]) == len(directory.practitioners) == 400
    sites = sum(len(p["sites"]) for p in directory.practitioners)
    assert len(resources["PractitionerRole"]) == sites
    assert len(resources["Location"]) == sites + len(directory.establishments)
    for kind, items in resources.items():
        validator = model(kind)
        ids = [r["id"] for r in items]
        assert len(set(ids)) == len(ids), f"{kind}: ids are unique"
        for resource in items:
            assert resource["resourceType"] == kind
            validator.model_validate(resource)  # raises on any departure from the R4(B) model
            for path, value in walk(resource):
                assert value not in (None, "", [], {}), f"{kind}/{resource['id']}{path}: empty values are not FHIR"
                for where, codes in BINDINGS.items():
                    if re.search(where, path):
                        assert value in codes, f"{kind}/{resource['id']}{path}: {value!r}"


def test_every_reference_resolves(resources: dict[str, list[dict[str, Any]]]) -> None:
    known = {f"{kind}/{r['id']}" for kind, items in resources.items() for r in items}
    for kind, items in resources.items():
        for resource in items:
            for path, value in walk(resource):
                if path.endswith(".reference"):
                    assert value in known, f"{kind}/{resource['id']}{path}: {value} is not in the files"


def test_a_professional_reads_as_their_data_file_says(resources: dict[str, list[dict[str, Any]]]) -> None:
    by_id = {kind: {r["id"]: r for r in items} for kind, items in resources.items()}
    practitioner = by_id["Practitioner"]["pr-000001"]
    assert practitioner["name"] == [
        {"use": "official", "text": "Dr Bruno Fioilleau", "family": "Fioilleau", "given": ["Bruno"], "prefix": ["Dr"]}
    ]
    assert [c["coding"][0]["code"] for c in practitioner["communication"]] == ["fr", "it"]
    role = by_id["PractitionerRole"]["pr-000001.main"]
    assert role["code"][0]["coding"][:2] == [
        {"system": "http://127.0.0.1:8000/fhir/CodeSystem/profession", "code": "physician", "display": "Médecin"},
        {"system": "https://mos.esante.gouv.fr/NOS/TRE_G15-ProfessionSante/FHIR/TRE-G15-ProfessionSante", "code": "10"},
    ]
    assert {"system": "url", "value": "http://127.0.0.1:8000/fr/professionals/pr-000001/"} in role["telecom"]
    assert role["availableTime"][0] == {
        "daysOfWeek": ["mon", "tue", "wed", "thu", "fri"],
        "availableStartTime": "08:00:00",
        "availableEndTime": "12:00:00",
    }
    location = by_id["Location"]["pr-000001.main"]
    assert location["address"]["line"] == ["4 boulevard Rainier III"] and location["address"]["country"] == "MC"
    assert location["position"] == {"longitude": 7.41153, "latitude": 43.73567}
    service = by_id["HealthcareService"]["pr-000001.main"]
    assert [t["text"] for t in service["type"]] == ["Consultation", "Première consultation", "Vaccination",
                                                     "Certificat de sport"]  # fmt: skip
    hospital = by_id["Organization"]["hopital-de-la-principaute"]
    assert hospital["name"] == "Hôpital de la Principauté"
    assert by_id["Organization"]["hopital-de-la-principaute.emergency"]["partOf"]["reference"] == (
        "Organization/hopital-de-la-principaute"
    )


def test_nothing_the_pages_do_not_show_is_published() -> None:
    directory = load_directory(ROOT / "content" / "directory")
    record = {
        **directory.practitioners[0].data,
        "email": "private@example.org",
        "website": "https://private.example.org",
        "fees": {"convention": "not-agreed", "consultation_eur": 99},
    }
    publisher = Publisher(directory, "https://sante.example.mc", "fr", "MC")
    practitioner, sites = publisher.practitioner_resources(record)
    values = [value for _, value in walk([practitioner, sites])]
    assert not [v for v in values if isinstance(v, str) and "private" in v], "no e-mail address, no website"
    assert 99 not in values and "not-agreed" not in values, "no fee"
