"""A pass over the demo site's professionals, as `./portal run` seeds them: every resource the manifest lists
validates as FHIR R4(B), carries what the SMART Scheduling Links specification requires of it, and refers only to
resources of the feed; the schedules are exactly the sites that take new patients online."""

from __future__ import annotations

import importlib
import json
import re
from collections import Counter
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

from chalicelib.core.store import Store
from chalicelib.slotfeed.publisher import SlotFeed
from local.seed import PRACTITIONERS, seed_profiles
from tests.functions.slotfeed.conftest import ORIGIN, Published

# specification.md, "Timestamps": to the second at least, with an offset (Z for UTC)
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:\d\d|Z)$")
DEEP_LINK = "http://fhir-registry.smarthealthit.org/StructureDefinition/booking-deep-link"
BOOKING_PHONE = "http://fhir-registry.smarthealthit.org/StructureDefinition/booking-phone"
KINDS = ("Location", "PractitionerRole", "Schedule", "Slot")


def models() -> dict[str, Any]:
    return {kind: getattr(importlib.import_module(f"fhir.resources.R4B.{kind.lower()}"), kind) for kind in KINDS}


def expected_schedules() -> set[str]:
    """Each site of a demo professional who books online and takes new patients, where a reason is booked online."""
    found = set()
    for path in sorted(PRACTITIONERS.glob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        if not record["online_booking"] or record.get("accepting_new_patients") is False:
            continue
        online = {r["id"] for r in record["visit_reasons"] if r["online"]}
        for site in record["sites"]:
            if online & {reason for period in site["hours"] for reason in period["reasons"]}:
                found.add(f"{record['id']}.{site['id']}")
    return found


def test_every_resource_of_the_demo_site_validates_and_meets_the_specification(
    feed: SlotFeed, store: Store, published: Published
) -> None:
    seed_profiles(store.table)
    report = feed.publish()
    assert report.skipped == []
    manifest = published.manifest()
    assert set(manifest) == {"transactionTime", "request", "requiresAccessToken", "output", "error"}
    assert TIMESTAMP.match(manifest["transactionTime"]) and manifest["error"] == []
    model = models()
    resources: dict[str, dict[str, dict[str, Any]]] = {kind: {} for kind in KINDS}
    for output in manifest["output"]:
        assert set(output) == {"type", "url", "count", "extension"} and output["type"] in KINDS
        lines = published.lines(output["url"])
        assert len(lines) == output["count"]
        for resource in lines:
            model[output["type"]].model_validate(resource)  # raises on any departure from the R4(B) model
            assert resource["id"] not in resources[output["type"]], resource["id"]
            resources[output["type"]][resource["id"]] = resource
    ids = expected_schedules()
    assert len(ids) > 100
    assert set(resources["Schedule"]) == set(resources["Location"]) == set(resources["PractitionerRole"]) == ids

    for where in resources["Location"].values():  # the fields specification.md marks required
        assert where["name"] and any(t["system"] == "phone" and t["value"] for t in where["telecom"])
        assert where["address"]["line"] and all(where["address"][f] for f in ("city", "state", "postalCode"))
    for schedule in resources["Schedule"].values():
        assert schedule["serviceType"] and schedule["actor"]
        for actor in schedule["actor"]:
            kind, rid = actor["reference"].split("/")
            assert rid in resources[kind] and actor["display"]
    statuses: Counter[str] = Counter()
    for slot in resources["Slot"].values():
        statuses[slot["status"]] += 1
        schedule_id = slot["schedule"]["reference"].removeprefix("Schedule/")
        assert schedule_id in resources["Schedule"]
        assert TIMESTAMP.match(slot["start"]) and TIMESTAMP.match(slot["end"]) and slot["start"] < slot["end"]
        links = {e["url"]: e.get("valueUrl") or e.get("valueString") for e in slot["extension"]}
        link = urlsplit(links[DEEP_LINK])
        practitioner = schedule_id.split(".")[0]
        assert f"{link.scheme}://{link.netloc}{link.path}" == f"{ORIGIN}/fr/professionals/{practitioner}/"
        chosen = datetime.fromisoformat(parse_qs(link.query)["start"][0])
        assert chosen == datetime.fromisoformat(slot["start"]).astimezone(UTC)
        assert links[BOOKING_PHONE]
    assert statuses == Counter(free=report.free) and report.busy == 0  # nobody has booked the demo's times yet
    assert len(resources["Slot"]) > 10_000
