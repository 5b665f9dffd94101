"""A slot finder's patient follows a free slot of the SMART Scheduling Links feed into the professional's page: the
widget opens on that time, the patient books it, and the next pass of the feed shows it busy, naming no one."""

from __future__ import annotations

import json
import urllib.request
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from tests.e2e.journey import (
    assert_accessible,
    email,
    fill_details,
    practitioner,
    send_details,
    shoot,
    type_code,
    unexpected,
)
from tests.e2e.portal import Portal

SITE_URL = "http://127.0.0.1:8000"  # the API's configured SITE_URL: the feed's links use it
DEEP_LINK = "http://fhir-registry.smarthealthit.org/StructureDefinition/booking-deep-link"


def here(portal: Portal, url: str) -> str:
    """A URL of the feed on this portal (it listens on a free port, the links name the configured origin)."""
    assert url.startswith(SITE_URL + "/"), url
    return portal.url + url[len(SITE_URL) :]


def read(url: str, method: str = "GET") -> bytes:
    with urllib.request.urlopen(urllib.request.Request(url, method=method), timeout=120) as response:
        body: bytes = response.read()
        return body


def publish(portal: Portal) -> dict[str, Any]:
    """A pass of the feed now (the local portal's trigger), then its manifest as a client reads it."""
    read(portal.url + "/_local/slot-feed", method="POST")
    manifest: dict[str, Any] = json.loads(read(portal.url + "/fhir/$bulk-publish"))
    return manifest


def slots_of(portal: Portal, manifest: dict[str, Any], schedule: str) -> list[dict[str, Any]]:
    """Every Slot of one schedule, in time order, from the day files the manifest lists."""
    found = []
    for output in manifest["output"]:
        if output["type"] == "Slot":
            for line in read(here(portal, output["url"])).decode("utf-8").splitlines():
                slot = json.loads(line)
                if slot["schedule"]["reference"] == f"Schedule/{schedule}":
                    found.append(slot)
    return sorted(found, key=lambda s: datetime.fromisoformat(s["start"]))


def link_of(slot: dict[str, Any]) -> str:
    [link] = [e["valueUrl"] for e in slot["extension"] if e["url"] == DEEP_LINK]
    return str(link)


def test_a_patient_follows_a_free_slot_of_the_feed_and_books_that_time(
    portal: Portal, browser_page: tuple[Any, Any]
) -> None:
    page, console = browser_page
    p = practitioner(32)  # their published reason is open to new and existing patients: the widget asks which
    schedule = f"{p['id']}.{p['sites'][0]['id']}"
    free = [s for s in slots_of(portal, publish(portal), schedule) if s["status"] == "free"]
    chosen = free[5]  # not the first free time: the one the patient picked in the other app
    link = link_of(chosen)
    assert link.startswith(f"{SITE_URL}/fr/professionals/{p['id']}/?")
    query = parse_qs(urlsplit(link).query)
    assert query["site"] == [p["sites"][0]["id"]] and datetime.fromisoformat(query["start"][0].replace("Z", "+00:00"))
    # a slot finder adds its own parameters (the specification's source and booking-referral)
    page.goto(here(portal, link) + "&source=finder-abc&booking-referral=34d1a803")
    notice = page.locator("[data-linked]")
    notice.wait_for()
    when = datetime.fromisoformat(chosen["start"])
    assert f"à {when:%H:%M}" in notice.inner_text() and "(heure de Monaco, UTC+0" in notice.inner_text()
    assert notice.evaluate("element => element === document.activeElement")  # read first by a screen reader
    assert_accessible(page, "a linked time")
    shoot(page, "feed-01-linked-time")
    page.locator("#bw-kind-new").check()

    details = page.locator("[data-step=details] h3")
    details.wait_for()
    assert details.evaluate("element => element === document.activeElement")
    assert f"à {when:%H:%M}" in page.locator("[data-chosen]").inner_text()
    assert page.locator("input[name=bw-reason]:checked").get_attribute("value") == query["reason"][0]
    shoot(page, "feed-02-details")
    address = email("feed")
    fill_details(page, address, given="Lucie", family="Marchetti")
    held = send_details(page)  # the API checks the time again as it holds it
    assert held["status"] == "held" and held["start"] == chosen["start"] and held["end"] == chosen["end"]
    type_code(page, portal.code(address, "fr"))
    page.locator("[data-step=done] h3").wait_for()
    assert unexpected(console.errors) == []

    after = slots_of(portal, publish(portal), schedule)
    [now] = [s for s in after if s["id"] == chosen["id"]]
    assert now["status"] == "busy" and "extension" not in now  # the same slot, taken
    text = json.dumps(after)
    for private in (address, "Lucie", "Marchetti", held["id"]):
        assert private not in text


def test_a_link_for_new_patients_only_opens_on_the_details_at_once(
    portal: Portal, browser_page: tuple[Any, Any]
) -> None:
    page, _ = browser_page
    p = practitioner(39)  # their published reason is a first visit: no question to ask
    schedule = f"{p['id']}.{p['sites'][0]['id']}"
    chosen = next(s for s in slots_of(portal, publish(portal), schedule) if s["status"] == "free")
    page.goto(here(portal, link_of(chosen)))
    page.locator("[data-step=details] h3").wait_for()
    assert page.locator("#bw-kind-new").is_checked()
    assert f"à {datetime.fromisoformat(chosen['start']):%H:%M}" in page.locator("[data-chosen]").inner_text()


def test_a_link_to_a_time_no_longer_free_shows_that_day_s_free_times(
    portal: Portal, browser_page: tuple[Any, Any]
) -> None:
    page, _ = browser_page
    p = practitioner(35)
    schedule = f"{p['id']}.{p['sites'][0]['id']}"
    chosen = next(s for s in slots_of(portal, publish(portal), schedule) if s["status"] == "free")
    parts = urlsplit(link_of(chosen))
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    query["start"] = query["start"][:11] + "03:00:00Z"  # 03:00 UTC that day: never a time of this practice
    page.goto(here(portal, parts._replace(query=urlencode(query)).geturl()))
    page.locator("#bw-kind-existing").check()
    alert = page.locator("[data-slot-alert]")
    alert.wait_for()
    assert (
        alert.inner_text()
        == "L'horaire choisi n'est plus libre en ligne. Voici les créneaux libres à partir de ce jour."
    )
    assert page.locator("[data-step=details]").is_hidden()
    assert page.locator("[data-days] .slot").count() > 0
    shoot(page, "feed-03-time-gone")
