"""What the patient-journey tests share: which professionals they book (a different one per test, so that tests never
take each other's times), the steps of the widget, screenshots at two widths, axe-core and the keyboard."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from axe_playwright_python.sync_playwright import Axe

from plugins.directory.model import load_directory
from tests.site.sitebuild import ROOT

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
DESKTOP, PHONE = 1280, 375
AXE = Axe()

# Professionals who book online, with a reason open to existing patients at their single site.
BOOKABLE = [
    p
    for p in load_directory(ROOT / "content" / "directory").practitioners
    if p["online_booking"] and any(r["online"] and r["existing_patients"] for r in p["visit_reasons"])
]


def practitioner(number: int) -> dict[str, Any]:
    """The ``number``-th bookable professional (each test uses its own numbers)."""
    return BOOKABLE[number]


def reason_of(p: dict[str, Any]) -> dict[str, Any]:
    """The reason the widget selects first for an existing patient."""
    return next(r for r in p["visit_reasons"] if r["online"] and r["existing_patients"])


def email(label: str) -> str:
    return f"{label}-{uuid.uuid4().hex[:8]}@example.org"


def shoot(page: Any, name: str) -> None:
    """Full-page screenshots of the current step at 1280 and 375 pixels wide (the README points at the folder);
    at 375 pixels nothing may be wider than the screen."""
    SCREENSHOTS.mkdir(exist_ok=True)
    size = page.viewport_size
    page.set_viewport_size({"width": DESKTOP, "height": size["height"]})
    page.screenshot(path=SCREENSHOTS / f"{name}-{DESKTOP}.png", full_page=True)
    page.set_viewport_size({"width": PHONE, "height": 812})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE, f"{name}: the page is {width}px wide on a {PHONE}px screen"
    page.screenshot(path=SCREENSHOTS / f"{name}-{PHONE}.png", full_page=True)
    page.set_viewport_size(size)


def assert_accessible(page: Any, step: str) -> None:
    """axe-core finds no violation on the page as it is now."""
    violations = AXE.run(page).response["violations"]
    summary = [{"id": v["id"], "nodes": [n["target"] for n in v["nodes"]][:5]} for v in violations]
    assert violations == [], f"{step}: {json.dumps(summary, indent=1)}"


def unexpected(errors: list[str]) -> list[str]:
    """Console errors other than the browser's own line for an HTTP error answer the page expected and handled
    (a 409 "slot taken", a 422 "wrong code"...): no script error, no Content-Security-Policy violation."""
    return [e for e in errors if not e.startswith("Failed to load resource: the server responded with a status of 4")]


def focused(page: Any, selector: str) -> bool:
    return bool(page.locator(selector).first.evaluate("element => element === document.activeElement"))


def tab_to(page: Any, selector: str, limit: int = 200) -> None:
    """Press Tab until ``selector`` has the focus (keyboard only: no click, no focus() from the test)."""
    for _ in range(limit):
        if focused(page, selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} cannot be reached with the Tab key")


def open_widget(page: Any, portal_url: str, p: dict[str, Any], lang: str) -> None:
    """A professional's page, with the first free time shown (the widget works)."""
    page.goto(f"{portal_url}/{lang}/professionals/{p['id']}/")
    page.locator("[data-first]").wait_for()


def settled(page: Any) -> None:
    """Wait until no week of free times is loading (the picker is aria-busy while it loads)."""
    page.locator("[data-slot-picker][aria-busy]").first.wait_for(state="detached")


def choose_existing_patient(page: Any) -> None:
    page.locator("#bw-kind-existing").check()
    page.locator("[data-days] .slot").first.wait_for()
    settled(page)


def fill_details(page: Any, address: str, given: str = "Louise", family: str = "Rossi", phone: str = "") -> None:
    page.fill("#bw-given-name", given)
    page.fill("#bw-family-name", family)
    page.fill("#bw-email", address)
    page.fill("#bw-phone", phone)


def send_details(page: Any) -> dict[str, Any]:
    """Submit the details; the API's answer to the hold (201 with the hold, or the error body)."""
    with page.expect_response(lambda r: r.url.endswith("/api/v1/appointments") and r.request.method == "POST") as info:
        page.locator("form[data-details] button[type=submit]").click()
    answer: dict[str, Any] = info.value.json()
    return answer


def type_code(page: Any, code: str) -> None:
    page.fill("#bw-code", code)
    page.locator("form[data-code] button[type=submit]").click()
