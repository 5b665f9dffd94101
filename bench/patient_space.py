"""Passkey sign-in to "my appointments", in Debian's headless Chromium against the local portal (the demo site built
once, API worker processes, the serialised moto endpoint), with the DevTools protocol's virtual authenticator.

    .venv/bin/python bench/patient_space.py [--runs 15] [--professionals 12]

1. The patient signs up with an e-mailed code, adds a passkey, and books one appointment with each of
   ``--professionals`` professionals from the space (the session proves the address: no code).
2. Each run: sign out, then "Sign in with a passkey" clicked until every appointment of "my appointments" is
   shown (options, the WebAuthn ceremony, the sign-in, then the space's four reads in parallel). A second series
   opens the page first (page and modules loaded, GET /me answers 401) and counts from the navigation.
3. The list's one Query whatever the number of professionals: GET /me/appointments timed for an account with one
   appointment and for this one (``--professionals``), alternately, in the same run.

Results go to bench/out/patient_space.json and are printed for docs/performance.md. Times are the local portal's:
moto serialises every DynamoDB call, so API answers are slower than on AWS.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
import urllib.request
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "functions")]
os.environ.update({"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": "eu-west-3"})
os.environ.pop("AWS_ENDPOINT_URL", None)
os.environ["RATE_LIMIT_FACTOR"] = "1000"  # every request comes from one address

from tests.browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.e2e.journey import BOOKABLE  # noqa: E402
from tests.e2e.portal import Portal, running_portal  # noqa: E402
from tests.site.sitebuild import build  # noqa: E402

OUT = ROOT / "bench" / "out"


def summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "median": round(statistics.median(ordered), 1),
        "p90": round(ordered[max(0, int(len(ordered) * 0.9) - 1)], 1),
        "max": round(ordered[-1], 1),
    }


def book_from_space(portal: Portal, session: dict[str, str], email: str, professionals: int) -> int:
    """One appointment with each of the first bookable professionals that have a free time, booked signed in."""
    booked = 0
    for p in BOOKABLE[40:]:
        if booked == professionals:
            break
        slot = portal.api("GET", f"/next-available?ids={p['id']}")["results"][0]["slot"]
        reason = next((r for r in p["visit_reasons"] if r["online"] and r["existing_patients"]), None)
        if slot is None or reason is None:
            continue
        starts = portal.free_starts(p["id"], reason["id"], slot["start"][:10], days=7)
        if not starts:
            continue
        body = {
            "practitioner": p["id"],
            "site": slot["site"],
            "reason": reason["id"],
            "start": starts[0],
            "patient": {"given_name": "Louise", "family_name": "Rossi", "email": email, "kind": "existing"},
        }
        held = portal.api("POST", "/appointments", body, {**session, "Idempotency-Key": uuid.uuid4().hex})
        portal.api("POST", f"/appointments/{held['id']}/confirm", {}, session)
        booked += 1
    return booked


def list_ms(portal: Portal, session: dict[str, str]) -> float:
    request = urllib.request.Request(f"{portal.url}/api/v1/me/appointments")
    request.add_header("Cookie", session["Cookie"])
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()
    return (time.perf_counter() - started) * 1000


def measure(portal: Portal, runs: int, professionals: int) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    email = f"bench-{uuid.uuid4().hex[:8]}@example.org"
    one = f"bench-one-{uuid.uuid4().hex[:8]}@example.org"
    base = portal.url.replace("127.0.0.1", "localhost")
    clicked, opened = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            page.set_default_timeout(30_000)
            cdp = context.new_cdp_session(page)
            cdp.send("WebAuthn.enable")
            options = {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
            cdp.send("WebAuthn.addVirtualAuthenticator", {"options": options})
            page.goto(f"{base}/fr/me/")
            page.get_by_label("Adresse e-mail", exact=True).fill(email)
            page.get_by_role("button", name="Envoyez-moi un code").click()
            page.locator("[data-form=code]").get_by_label("Code à 6 chiffres").fill(portal.code(email))
            page.get_by_role("button", name="Se connecter", exact=True).click()
            page.locator("[data-view=signed-in]").wait_for()
            page.get_by_role("button", name="Ajouter une clé d'accès sur cet appareil").click()
            page.get_by_text("Clé d'accès ajoutée.").wait_for()
            booked = book_from_space(portal, portal.patient_session(email), email, professionals)
            items = page.locator("[data-list=upcoming] li")
            for run in range(runs):
                page.get_by_role("button", name="Se déconnecter", exact=True).click()
                page.locator("[data-view=signed-out]").wait_for()
                if run % 2:  # the page opened first, then the click
                    started = time.perf_counter()
                    page.goto(f"{base}/fr/me/", wait_until="commit")
                    page.get_by_role("button", name="Se connecter avec une clé d'accès").click()
                    page.wait_for_function(
                        f"() => document.querySelectorAll('[data-list=upcoming] li').length === {booked}"
                    )
                    opened.append((time.perf_counter() - started) * 1000)
                else:
                    started = time.perf_counter()
                    page.get_by_role("button", name="Se connecter avec une clé d'accès").click()
                    page.wait_for_function(
                        f"() => document.querySelectorAll('[data-list=upcoming] li').length === {booked}"
                    )
                    clicked.append((time.perf_counter() - started) * 1000)
                assert items.count() == booked
            context.close()
        finally:
            browser.close()
    many = portal.patient_session(email)
    single = portal.patient_session(one)
    book_from_space(portal, single, one, 1)
    lists: dict[str, list[float]] = {"1": [], str(booked): []}
    for _ in range(runs):
        lists["1"].append(list_ms(portal, single))
        lists[str(booked)].append(list_ms(portal, many))
    return {
        "professionals": booked,
        "passkey_click_to_list_ms": summary(clicked),
        "page_opened_then_passkey_to_list_ms": summary(opened),
        "list_ms_by_professionals": {k: summary(v) for k, v in lists.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--professionals", type=int, default=12)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        site = Path(folder) / "output"
        result = build(site)
        if result.returncode != 0:
            sys.exit(result.stdout + result.stderr)
        report: dict[str, Any] = {
            "date": datetime.now(UTC).date().isoformat(),
            "machine": f"{os.cpu_count()} cores, {platform.python_version()}",
            "load_average_before": os.getloadavg()[0],
            "runs": args.runs,
        }
        with running_portal(site, Path(folder)) as portal:
            report.update(measure(portal, args.runs, args.professionals))
        report["load_average_after"] = os.getloadavg()[0]
    OUT.mkdir(exist_ok=True)
    (OUT / "patient_space.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
