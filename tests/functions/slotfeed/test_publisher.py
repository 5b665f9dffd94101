"""A pass of the slot feed, as a client of the SMART Scheduling Links feed reads it: a manifest whose files parse and
validate as FHIR R4, the free times the booking API offers and the busy ones, files rewritten only when they change,
and nothing about patients."""

from __future__ import annotations

import importlib
import re
import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from chalicelib.core.store import Store
from chalicelib.slotfeed.files import MANIFEST
from chalicelib.slotfeed.publisher import SlotFeed
from tests.functions.conftest import Api, Clock, code_in, hold_body, local
from tests.functions.slotfeed.conftest import ORIGIN, Published

INSTANT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:\d\d|Z)$")
FHIR_ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")
DEEP_LINK = "http://fhir-registry.smarthealthit.org/StructureDefinition/booking-deep-link"
BOOKING_PHONE = "http://fhir-registry.smarthealthit.org/StructureDefinition/booking-phone"


def slot_outputs(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    return [output for output in manifest["output"] if output["type"] == "Slot"]


def key() -> dict[str, str]:
    return {"Idempotency-Key": uuid.uuid4().hex}


def model(kind: str) -> Any:
    return getattr(importlib.import_module(f"fhir.resources.R4B.{kind.lower()}"), kind)


def book(api: Api, outbox: Callable[[], list[Any]], start: str, reason: str = "consultation", email: str = "") -> str:
    """Hold and confirm ``start`` through the API, as a patient does; the appointment's id."""
    patient = {"email": email or "louise@example.org"}
    held = api.post("/v1/appointments", hold_body(start, reason=reason, patient=patient), headers=key())
    assert held.status == 201, held.body
    confirmed = api.post(f"/v1/appointments/{held.body['id']}/confirm", {"code": code_in(outbox()[-1])})
    assert confirmed.status == 200, confirmed.body
    return str(held.body["id"])


def test_the_manifest_lists_files_that_parse_and_validate_as_fhir(
    feed: SlotFeed, seed: Callable[..., Any], published: Published
) -> None:
    seed()
    seed(id="pr-phone", online_booking=False)
    feed.publish()
    manifest = published.manifest()
    assert manifest["transactionTime"] == "2027-03-01T06:00:00.000Z" and INSTANT.match(manifest["transactionTime"])
    assert manifest["request"] == f"{ORIGIN}/fhir/$bulk-publish"
    assert manifest["requiresAccessToken"] is False  # open files, as the specification's access control asks
    assert manifest["error"] == []
    kinds = [o["type"] for o in manifest["output"]]
    assert kinds[:3] == ["Location", "PractitionerRole", "Schedule"] and set(kinds[3:]) == {"Slot"}
    days = [o["url"].rsplit("/", 1)[1] for o in slot_outputs(manifest)]
    assert days == [f"Slot.2027-03-{day:02d}.ndjson" for day in range(1, 15)]  # 14 local dates, today included
    stored = published.object(MANIFEST)
    assert stored["ContentType"] == "application/json; charset=utf-8"
    known: set[str] = set()
    for output in manifest["output"]:
        assert output["extension"] == {"state": ["MC"]}
        head = published.object(published.key(output["url"]))
        assert head["ContentType"] == "application/fhir+ndjson"
        assert head["CacheControl"] == "public, max-age=300, s-maxage=60"
        lines = published.lines(output["url"])
        assert output["count"] == len(lines) > 0
        for resource in lines:
            assert resource["resourceType"] == output["type"] and FHIR_ID.match(resource["id"])
            model(output["type"]).model_validate(resource)  # raises on any departure from the R4(B) model
            known.add(f"{resource['resourceType']}/{resource['id']}")
    for kind in ("Schedule", "Slot"):
        for resource in published.resources(kind):
            references = [a["reference"] for a in resource.get("actor", [])] or [resource["schedule"]["reference"]]
            assert set(references) <= known, resource
    assert not any("pr-phone" in ref for ref in known)  # only professionals who book online


def test_a_site_is_its_fhir_directory_location_and_role_and_a_schedule_of_one_reason(
    feed: SlotFeed, seed: Callable[..., Any], published: Published
) -> None:
    seed(profession="physician", specialties=["general-practice"])
    feed.publish()
    [where] = published.resources("Location")
    assert where["id"] == "pr-test.main"  # the FHIR directory's id of the professional's site
    assert where["name"] == "Dr Camille Testa – Cabinet du port"
    assert where["telecom"] == [
        {"system": "phone", "value": "+377 93 00 00 00", "use": "work"},
        {"system": "url", "value": f"{ORIGIN}/fr/professionals/pr-test/"},
    ]
    assert where["address"] == {
        "use": "work",
        "type": "physical",
        "line": ["1 quai Antoine Ier"],
        "city": "Monaco",
        "state": "MC",
        "postalCode": "98000",
        "country": "MC",
    }
    assert where["identifier"] == [{"system": f"{ORIGIN}/fhir/Location", "value": "pr-test.main"}]
    [role] = published.resources("PractitionerRole")
    assert role["id"] == "pr-test.main"  # the FHIR directory's role of the professional at that site
    assert role["practitioner"] == {"reference": "Practitioner/pr-test", "display": "Dr Camille Testa"}
    codes = f"{ORIGIN}/fhir/CodeSystem/"
    assert role["code"] == [{"coding": [{"system": codes + "profession", "code": "physician"}]}]
    assert role["specialty"] == [{"coding": [{"system": codes + "specialty", "code": "general-practice"}]}]
    assert role["location"] == [{"reference": "Location/pr-test.main", "display": where["name"]}]
    assert role["telecom"] == where["telecom"]
    [schedule] = published.resources("Schedule")
    assert schedule["id"] == "pr-test.main"
    assert schedule["actor"] == [
        {"reference": "Location/pr-test.main", "display": "Dr Camille Testa – Cabinet du port"},
        {"reference": "PractitionerRole/pr-test.main", "display": "Dr Camille Testa"},
    ]
    assert schedule["serviceCategory"] == role["code"] and schedule["specialty"] == role["specialty"]
    assert schedule["serviceType"] == [{"text": "Motif consultation"}]  # the first online reason new patients book
    assert schedule["planningHorizon"] == {"start": "2027-03-01T00:00:00+01:00", "end": "2027-03-15T00:00:00+01:00"}


def test_free_slots_are_the_api_s_and_busy_ones_say_nothing_of_who(
    feed: SlotFeed, api: Api, seed: Callable[..., Any], outbox: Callable[[], list[Any]], published: Published
) -> None:
    seed()
    booked = book(api, outbox, local(2, 9))
    held = api.post("/v1/appointments", hold_body(local(2, 10), reason="long"), headers=key())  # 30 minutes
    assert held.status == 201
    feed.publish()
    slots = published.resources("Slot")
    for slot in slots:
        assert TIMESTAMP.match(slot["start"]) and TIMESTAMP.match(slot["end"])
    free = [s["start"] for s in slots if s["status"] == "free"]
    answer = api.get("/v1/practitioners/pr-test/slots?from=2027-03-01&days=14&reason=consultation")
    assert free == [s["start"] for s in answer.body["slots"]]
    busy = [s for s in slots if s["status"] == "busy"]
    assert [s["start"] for s in busy] == [local(2, 9), local(2, 10), local(2, 10, 20)]  # the hold covers two
    assert all("extension" not in s for s in busy)
    text = str(published.lines(f"{ORIGIN}/fhir/scheduling/Slot.2027-03-02.ndjson"))
    for private in ("Louise", "Rossi", "louise@example.org", booked, held.body["id"]):
        assert private not in text
    assert busy[0]["id"] == "pr-test.main.20270302T0800Z"  # the same id as when it was free


def test_a_free_slot_links_to_the_professional_s_page_on_its_time(
    feed: SlotFeed, seed: Callable[..., Any], published: Published
) -> None:
    seed()
    feed.publish()
    first = published.resources("Slot")[0]
    assert first["start"] == local(1, 8) and first["end"] == local(1, 8, 20)  # 60 minutes' notice from 07:00
    assert first["status"] == "free" and first["schedule"] == {"reference": "Schedule/pr-test.main"}
    assert first["extension"] == [
        {"url": DEEP_LINK, "valueUrl": f"{ORIGIN}/fr/professionals/pr-test/?reason=consultation&site=main"
                                       "&start=2027-03-01T07:00:00Z"},
        {"url": BOOKING_PHONE, "valueString": "+377 93 00 00 00"},
    ]  # fmt: skip


def test_a_pass_rewrites_only_the_files_that_changed(
    feed: SlotFeed, api: Api, seed: Callable[..., Any], outbox: Callable[[], list[Any]], published: Published
) -> None:
    seed()
    first = feed.publish()
    assert len(first.written) == 3 + 14 + 1  # Location, PractitionerRole, Schedule, 14 days, the manifest
    before = {key: published.object(key)["ETag"] for key in published.keys()}
    again = feed.publish()
    assert again.written == [MANIFEST] and again.unchanged == 17
    book(api, outbox, local(5, 15))
    third = feed.publish()
    assert third.written == ["fhir/scheduling/Slot.2027-03-05.ndjson", MANIFEST]
    after = {key: published.object(key)["ETag"] for key in published.keys()}
    # the manifest is put on every pass; here the clock stood still, so its bytes, and its ETag, are the same
    assert {k for k in before if before[k] != after[k]} == {"fhir/scheduling/Slot.2027-03-05.ndjson"}


def test_past_days_are_removed_the_day_after_and_new_days_added(
    feed: SlotFeed, seed: Callable[..., Any], clock: Clock, published: Published
) -> None:
    seed()
    feed.publish()
    clock.advance(days=2)
    report = feed.publish()
    assert report.deleted == ["fhir/scheduling/Slot.2027-03-01.ndjson"]
    keys = published.keys()
    assert "fhir/scheduling/Slot.2027-03-02.ndjson" in keys  # yesterday's stays a day for older manifests
    listed = [o["url"].rsplit("/", 1)[1] for o in slot_outputs(published.manifest())]
    assert listed == [f"Slot.2027-03-{day:02d}.ndjson" for day in range(3, 17)]


def test_many_professionals_split_each_day_by_group(
    feed: SlotFeed, seed: Callable[..., Any], published: Published
) -> None:
    for number in range(5):
        seed(id=f"pr-{number:06d}")
    feed.per_file = 2
    report = feed.publish()
    assert report.professionals == 5
    names = [o["url"].rsplit("/", 1)[1] for o in slot_outputs(published.manifest())]
    assert {re.sub(r"^Slot\.[0-9-]+\.", "", n) for n in names} <= {f"{g}-of-4.ndjson" for g in range(1, 5)}
    assert {n[5:15] for n in names} == {date(2027, 3, d).isoformat() for d in range(1, 15)}
    groups: dict[str, set[str]] = {}
    for output in slot_outputs(published.manifest()):
        for slot in published.lines(output["url"]):
            groups.setdefault(slot["schedule"]["reference"], set()).add(output["url"].rsplit(".", 2)[1])
    assert len(groups) == 5 and all(len(g) == 1 for g in groups.values())  # one professional, one group
    feed.per_file = 256
    back = feed.publish()
    assert len(back.deleted) == len(names)  # the files of four groups go when the layout changes
    assert all(".ndjson" in key and "-of-" not in key for key in published.keys() if "Slot." in key)


def test_one_query_per_professional_and_a_bad_profile_skipped(
    feed: SlotFeed, seed: Callable[..., Any], store: Store, published: Published
) -> None:
    for number in range(3):
        seed(id=f"pr-{number:06d}")
    broken = {"practitioner_id": "pr-broken", "online_booking": True, "record": '{"id": "pr-broken"}'}
    store.put_profile("pr-broken", broken)
    report = feed.publish()
    assert report.skipped == ["pr-broken"] and report.professionals == 3
    assert report.dynamodb_requests == 1 + 3  # the bookable profiles' Query, then one Query per professional
    assert {s["id"] for s in published.resources("Schedule")} == {f"pr-{n:06d}.main" for n in range(3)}


@pytest.mark.parametrize(("horizon", "last"), [(1, "2027-03-02"), (30, "2027-03-14")])
def test_the_horizon_is_the_feed_s_or_the_professional_s_own(
    feed: SlotFeed, seed: Callable[..., Any], published: Published, horizon: int, last: str
) -> None:
    seed(horizon_days=horizon)
    feed.publish()
    assert max(s["start"][:10] for s in published.resources("Slot")) == last
