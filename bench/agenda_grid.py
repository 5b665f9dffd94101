"""The week grid of a busy professional (200 appointments in the week): the agenda's API answer, and the time until
Chromium shows the rendered grid, on the local portal (the demo site built once, API worker processes, the
serialised moto endpoint).

    .venv/bin/python bench/agenda_grid.py [--runs 15] [--appointments 200]

A professional open every day 08:00-12:00 and 14:00-18:00 gets ``--appointments`` confirmed appointments (15 and
20 minutes) in next week, written as bookings leave the table. A front desk of that professional signs in through
the API. Measured:

1. in process (the back-office's Agenda over the portal's table, no HTTP): the week's answer, with the DynamoDB
   requests and Queries it makes;
2. over HTTP (GET /api/v1/pro/practitioners/<id>/agenda?from=<Monday>&days=7 with the access token), as the page
   asks it;
3. in Chromium, the agenda page in its week view: from the click on "Next" to the frame after the grid holds every
   appointment of that week (the API call, the JSON, building the grid), and the agenda call's own time as the
   browser's resource timing gives it.

Results go to bench/out/agenda_grid.json and are printed as a Markdown table for docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "functions")]
os.environ.update({"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": "eu-west-3"})
os.environ.pop("AWS_ENDPOINT_URL", None)

import boto3  # noqa: E402

from chalicelib.backoffice.agenda import Agenda  # noqa: E402
from chalicelib.backoffice.auth import ROLE_DESK, Principal  # noqa: E402
from chalicelib.backoffice.schemas import AgendaQuery  # noqa: E402
from chalicelib.core import tokens  # noqa: E402
from chalicelib.core.appointment import CONFIRMED, PHONE, Appointment, Patient  # noqa: E402
from chalicelib.core.availability import occupied_units  # noqa: E402
from chalicelib.core.profiles import Profile, profile_item  # noqa: E402
from chalicelib.core.store import Store  # noqa: E402
from local.cognito import DEMO_PASSWORD, DemoAccount, configure_pool  # noqa: E402
from tests.browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.e2e.portal import Portal, running_portal  # noqa: E402
from tests.functions.backoffice.test_signin import totp  # noqa: E402
from tests.functions.factories import practitioner_record  # noqa: E402
from tests.site.sitebuild import build  # noqa: E402

OUT = ROOT / "bench" / "out"
MONACO = ZoneInfo("Europe/Monaco")
PRO = "pr-bench"
DESK = DemoAccount("accueil-bench@demo.sante.example.mc", desk_for=(PRO,))
PASSWORD = "Bench-Monaco-2027!"


def summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "median": round(statistics.median(ordered), 1),
        "p90": round(ordered[max(0, int(len(ordered) * 0.9) - 1)], 1),
        "max": round(ordered[-1], 1),
    }


def busy_week(store: Store, monday: date, count: int) -> None:
    """The professional's profile (open Monday to Saturday 08:00-12:30 and 13:30-20:00), and ``count``
    appointments taken by phone in the week of ``monday``, one after another from Monday morning, mostly 15 minutes
    long, now and then 5 minutes apart."""
    record = practitioner_record(id=PRO, min_notice_minutes=0, horizon_days=60)
    every = ["consultation", "long", "short", "first-visit"]
    days = ["mon", "tue", "wed", "thu", "fri", "sat"]
    record["sites"][0]["hours"] = [
        {"days": days, "start": "08:00", "end": "12:30", "reasons": every},
        {"days": days, "start": "13:30", "end": "20:00", "reasons": every},
    ]
    store.put_profile(PRO, profile_item(record))
    profile = Profile.from_item(profile_item(record))
    rng = random.Random(2026)
    made: list[Appointment] = []
    now = int(time.time())
    periods = [
        (datetime.combine(monday + timedelta(days=d), datetime.min.time(), MONACO).replace(hour=h, minute=m), close)
        for d in range(6)
        for (h, m), close in (((8, 0), (12, 30)), ((13, 30), (20, 0)))
    ]
    for opens, (hour, minute) in periods:
        moment, close = opens, opens.replace(hour=hour, minute=minute)
        while len(made) < count:
            reason, minutes = ("short", 15) if rng.random() < 0.85 else ("consultation", 20)
            end = moment + timedelta(minutes=minutes)
            if end > close:
                break
            made.append(
                Appointment.new(
                    id=tokens.new_appointment_id(),
                    profile=profile,
                    site_id="main",
                    start=int(moment.timestamp()),
                    end=int(end.timestamp()),
                    units=[int(u.timestamp()) for u in occupied_units(moment, end)],
                    now=now,
                    status=CONFIRMED,
                    reason_id=reason,
                    patient=Patient(given_name="Bench", family_name=f"Patient {len(made)}", kind="existing"),
                    source=PHONE,
                    confirmed_at=now,
                )
            )
            moment = end + timedelta(minutes=5 if rng.random() < 0.125 else 0)
    if len(made) < count:
        raise SystemExit(f"only {len(made)} appointments fit in the week")
    store.put_booked(made, now)


def sign_in(portal: Portal) -> dict[str, Any]:
    """The front desk's tokens, through the API's sign-in steps (as the sign-in page takes them)."""
    configure_pool(boto3.client("cognito-idp", endpoint_url=portal.endpoint), accounts=(DESK,))
    step = portal.api("POST", "/pro/auth/start", {"email": DESK.email, "password": DEMO_PASSWORD})
    who = {"session": step["session"], "username": step["username"]}
    step = portal.api("POST", "/pro/auth/new-password", {**who, "new_password": PASSWORD})
    enrolment = portal.api("POST", "/pro/auth/totp-setup", {"session": step["session"], "email": DESK.email})
    verify = {"session": enrolment["session"], "username": step["username"], "code": totp(enrolment["secret"])}
    tokens_: dict[str, Any] = portal.api("POST", "/pro/auth/totp-setup/verify", verify)
    return tokens_


def in_process(portal: Portal, monday: date, runs: int) -> dict[str, Any]:
    store = Store(portal.table_resource())
    queries: list[str] = []
    store.client.meta.events.register(
        "before-parameter-build.dynamodb.Query", lambda params, **_: queries.append(params.get("IndexName", "table"))
    )
    who = Principal("bench", ROLE_DESK, frozenset({PRO}), None, "bench-jti", frozenset())
    agenda = Agenda(store, lambda: None, portal.url, lambda: datetime.now(UTC))
    query = AgendaQuery.model_validate({"from": monday, "days": 7})
    times = []
    for _ in range(runs):
        before, queries[:] = store.requests, []
        started = time.perf_counter()
        answer = agenda.days(who, PRO, query)
        times.append((time.perf_counter() - started) * 1000)
    return {
        "ms": summary(times),
        "appointments": len(answer.appointments),
        "free_times": sum(len(slots) for slots in answer.free_times.values()),
        "dynamodb_requests": store.requests - before,
        "queries": sorted(queries),
    }


def over_http(portal: Portal, monday: date, token: str, runs: int) -> dict[str, Any]:
    times, size = [], 0
    path = f"/pro/practitioners/{PRO}/agenda?from={monday}&days=7"
    for _ in range(runs):
        started = time.perf_counter()
        answer = portal.api("GET", path, headers={"Authorization": f"Bearer {token}"})
        times.append((time.perf_counter() - started) * 1000)
        size = len(json.dumps(answer))
    return {"ms": summary(times), "json_bytes": size}


RENDER = """async ([count]) => {
  performance.clearResourceTimings();
  const started = performance.now();
  document.querySelector("[data-step='1']").click();
  const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
  while (document.querySelectorAll("[data-grid] a.tg-item").length < count) {
    if (performance.now() - started > 20000) return { total: null, api: null };
    await frame();
  }
  await frame();
  const done = performance.now();
  const call = performance.getEntriesByType("resource").find((e) => e.name.includes("/agenda?"));
  return { total: done - started, api: call ? call.responseEnd - call.startTime : null };
}"""


def in_chromium(portal: Portal, tokens_: dict[str, Any], count: int, runs: int) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    session = {
        "pro.access": tokens_["access_token"],
        "pro.refresh": tokens_["refresh_token"],
        "pro.expires": str(int(time.time() * 1000) + 600_000),
        "pro.practitioner": PRO,
    }
    setup = "".join(f"sessionStorage.setItem({json.dumps(k)}, {json.dumps(v)});" for k, v in session.items())
    total, api = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            context.add_init_script(setup)
            page = context.new_page()
            page.goto(f"{portal.url}/fr/pro/agenda/")
            page.locator(".tgrid__colhead").first.wait_for()
            page.get_by_role("button", name="Semaine", exact=True).click()
            page.locator(".tgrid__colhead").nth(6).wait_for()
            for _ in range(runs):
                result = page.evaluate(RENDER, [count])
                if result["total"] is None:
                    raise SystemExit("the grid did not show every appointment within 20 s")
                total.append(result["total"])
                api.append(result["api"])
                page.locator("[data-step='-1']").click()
                page.wait_for_function(f"() => document.querySelectorAll('[data-grid] a.tg-item').length < {count}")
            items = page.evaluate("document.querySelectorAll('[data-grid] [data-item]').length")
        finally:
            browser.close()
    return {
        "rendered_grid_ms": summary(total),
        "agenda_call_ms": summary(api),
        "after_the_answer_ms": summary([t - a for t, a in zip(total, api, strict=True)]),
        "last_week_shown_items": items,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--appointments", type=int, default=200)
    args = parser.parse_args()
    today = datetime.now(MONACO).date()
    monday = today - timedelta(days=today.weekday()) + timedelta(days=7)
    with tempfile.TemporaryDirectory() as folder:
        site = Path(folder) / "output"
        print("building the demo site...", file=sys.stderr, flush=True)
        result = build(site)
        if result.returncode != 0:
            sys.exit(result.stdout + result.stderr)
        # A table with the busy professional alone: moto answers an index Query by looking at every item of the
        # table, so the demo data would only measure the stand-in (docs/performance.md).
        with running_portal(site, Path(folder), seed=False) as portal:
            print("booking the week, signing in, measuring...", file=sys.stderr, flush=True)
            busy_week(Store(portal.table_resource()), monday, args.appointments)
            tokens_ = sign_in(portal)
            report: dict[str, Any] = {
                "date": today.isoformat(),
                "machine": f"{os.cpu_count()} cores, {platform.python_version()}",
                "load_average_before": os.getloadavg()[0],
                "week": monday.isoformat(),
                "runs": args.runs,
            }
            for name, measure in (
                ("chromium", lambda: in_chromium(portal, tokens_, args.appointments, args.runs)),
                ("over_http", lambda: over_http(portal, monday, tokens_["access_token"], args.runs)),
                ("in_process", lambda: in_process(portal, monday, args.runs)),
            ):
                report[name] = measure()
                print(name, json.dumps(report[name]), file=sys.stderr, flush=True)
            report["load_average_after"] = os.getloadavg()[0]
    OUT.mkdir(exist_ok=True)
    (OUT / "agenda_grid.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    print(json.dumps(report, indent=1))
    rows = [
        ("agenda answer in process", report["in_process"]["ms"]),
        ("agenda answer over HTTP", report["over_http"]["ms"]),
        ("agenda call, in Chromium (resource timing)", report["chromium"]["agenda_call_ms"]),
        ("click to rendered week grid, in Chromium", report["chromium"]["rendered_grid_ms"]),
        ("of which after the answer (JSON, grid built, one frame)", report["chromium"]["after_the_answer_ms"]),
    ]
    print("\n| measure | median | p90 | max |\n| --- | --- | --- | --- |")
    for label, row in rows:
        print(f"| {label} | {row['median']} ms | {row['p90']} ms | {row['max']} ms |")


if __name__ == "__main__":
    main()
