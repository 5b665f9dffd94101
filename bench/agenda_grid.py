"""The week grid of a busy professional (200 appointments in the week): the agenda's API answer, and the time until
Chromium shows the rendered grid, on the local portal (the demo site built once, API worker processes, the
serialised moto endpoint).

    .venv/bin/python bench/agenda_grid.py [--runs 15] [--appointments 200] [--base <checkout>]

A professional open Monday to Saturday gets ``--appointments`` confirmed appointments (15 and 20 minutes) in next
week, written as bookings leave the table. A front desk of that professional signs in through the API. Measured:

1. in process (the back-office's Agenda over the portal's table, no HTTP), in a process of its own: the week's
   answer and its JSON, with the DynamoDB requests and Queries it makes, the CPU time of that process (the app's
   own work: botocore, the models, the grid, the JSON) and of the local endpoint's process (moto's work) per answer,
   and each request of the answer sent again alone to the endpoint as the same bytes (moto alone, no botocore);
2. over HTTP (GET /api/v1/pro/practitioners/<id>/agenda?from=<Monday>&days=7 with the access token), as the page
   asks it;
3. in Chromium, the agenda page in its week view: from the click on "Next" to the frame after the grid holds every
   appointment of that week (the API call, the JSON, building the grid), and the agenda call's own time as the
   browser's resource timing gives it.

With ``--base``, a checkout of another version (``git clone -q . /tmp/base && git -C /tmp/base checkout -q <commit>``)
runs a second portal (its code, its local endpoint) on the same site and the same week, and every measure alternates
between the two, run by run (in process: by groups of five answers), so that both sides share the machine's load.

Results go to bench/out/agenda_grid.json and are printed as a Markdown table for docs/performance.md.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
CODE = Path(os.environ.get("AGENDA_GRID_CODE") or ROOT)  # the version a worker process measures (--base)
sys.path[:0] = [str(CODE), str(CODE / "functions")]
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


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def endpoint_pid(portal: Portal) -> int:
    """The portal's local AWS endpoint (moto), a child process of the portal."""
    for entry in Path("/proc").iterdir():
        try:
            status = (entry / "status").read_text()
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if f"\nPPid:\t{portal.pid}\n" in status and b"local.awsserver" in command:
            return int(entry.name)
    raise SystemExit("the portal's local AWS endpoint was not found")


def in_process(endpoint: str, table: str, moto_pid: int, monday: date, runs: int) -> dict[str, Any]:
    """The week's answer and its JSON in this process (the code of AGENDA_GRID_CODE), ``runs`` times after one
    unmeasured answer; then each request of an answer sent again alone to the endpoint, as the same bytes."""
    from chalicelib import web

    store = Store(boto3.resource("dynamodb", endpoint_url=endpoint).Table(table))
    queries: list[str] = []
    sent: dict[str, tuple[bytes, dict[str, str]]] = {}
    events = store.client.meta.events
    events.register("before-parameter-build.dynamodb.Query", lambda params, **_: queries.append(params["IndexName"]))

    def keep(request: Any, event_name: str, **_: Any) -> None:  # the bytes of each kind of request, as sent
        sent.setdefault(event_name.rsplit(".", 1)[1], (request.body, dict(request.headers)))

    events.register("before-send.dynamodb.*", keep)
    who = Principal("bench", ROLE_DESK, frozenset({PRO}), None, "bench-jti", frozenset())
    agenda = Agenda(store, lambda: None, "http://127.0.0.1", lambda: datetime.now(UTC))
    query = AgendaQuery.model_validate({"from": monday, "days": 7})
    body = web.dump(agenda.days(who, PRO, query))
    times, cpu, moto = [], [], []
    for _ in range(runs):
        before, queries[:] = store.requests, []
        moto_before, started, cpu_before = cpu_seconds(moto_pid), time.perf_counter(), time.process_time()
        answer = agenda.days(who, PRO, query)
        body = web.dump(answer)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_before) * 1000)
        moto.append((cpu_seconds(moto_pid) - moto_before) * 1000)
    host, port = endpoint.removeprefix("http://").split(":")
    alone: dict[str, list[float]] = {}
    for _ in range(runs):
        for operation, (request, headers) in sent.items():
            connection = http.client.HTTPConnection(host, int(port), timeout=30)
            started = time.perf_counter()
            connection.request("POST", "/", body=request, headers=headers)
            connection.getresponse().read()
            alone.setdefault(operation, []).append((time.perf_counter() - started) * 1000)
            connection.close()
    return {
        "ms": times,
        "cpu_ms": cpu,
        "endpoint_cpu_ms": moto,
        "moto_alone_ms": alone,
        "appointments": len(answer.appointments),
        "free_times": sum(len(slots) for slots in answer.free_times.values()),
        "json_bytes": len(json.dumps(body)),
        "dynamodb_requests": store.requests - before,
        "queries": sorted(queries),
    }


def in_process_sides(
    sides: dict[str, Portal], roots: dict[str, Path], monday: date, runs: int
) -> dict[str, dict[str, Any]]:
    """``in_process`` of each side in a process of its own with that side's code, by groups of five answers, the
    sides alternated (the order flips every round)."""
    merged: dict[str, dict[str, Any]] = {name: {} for name in sides}
    rounds = max(1, -(-runs // 5))
    for number in range(rounds):
        order = list(sides.items()) if number % 2 == 0 else list(reversed(sides.items()))
        for name, portal in order:
            command = [sys.executable, str(Path(__file__).resolve()), "--worker", portal.endpoint, portal.table]
            command += [str(endpoint_pid(portal)), monday.isoformat(), str(min(5, runs - number * 5))]
            worker = subprocess.run(
                command,
                check=True,
                capture_output=True,
                text=True,
                env={**os.environ, "AGENDA_GRID_CODE": str(roots[name])},
            )
            part = json.loads(worker.stdout)
            for key, value in part.items():
                if isinstance(value, list) and key != "queries":
                    merged[name].setdefault(key, []).extend(value)
                elif isinstance(value, dict):
                    for operation, times in value.items():
                        merged[name].setdefault(key, {}).setdefault(operation, []).extend(times)
                else:
                    merged[name][key] = value
    for result in merged.values():
        for key in ("ms", "cpu_ms", "endpoint_cpu_ms"):
            result[key] = summary(result[key])
        result["moto_alone_ms"] = {op: summary(times) for op, times in result["moto_alone_ms"].items()}
    return merged


def over_http(sides: dict[str, Portal], monday: date, tokens_: dict[str, dict[str, Any]], runs: int) -> dict[str, Any]:
    times: dict[str, list[float]] = {name: [] for name in sides}
    size = {}
    path = f"/pro/practitioners/{PRO}/agenda?from={monday}&days=7"
    for number in range(runs):
        order = list(sides.items()) if number % 2 == 0 else list(reversed(sides.items()))
        for name, portal in order:
            headers = {"Authorization": f"Bearer {tokens_[name]['access_token']}"}
            started = time.perf_counter()
            answer = portal.api("GET", path, headers=headers)
            times[name].append((time.perf_counter() - started) * 1000)
            size[name] = len(json.dumps(answer))
    return {name: {"ms": summary(times[name]), "json_bytes": size[name]} for name in sides}


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


def in_chromium(sides: dict[str, Portal], tokens_: dict[str, dict[str, Any]], count: int, runs: int) -> dict[str, Any]:
    """One page per side in the same browser, each in the week view; the sides' clicks alternate."""
    from playwright.sync_api import sync_playwright

    total: dict[str, list[float]] = {name: [] for name in sides}
    api: dict[str, list[float]] = {name: [] for name in sides}
    items = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            pages = {}
            for name, portal in sides.items():
                session = {
                    "pro.access": tokens_[name]["access_token"],
                    "pro.refresh": tokens_[name]["refresh_token"],
                    "pro.expires": str(int(time.time() * 1000) + 600_000),
                    "pro.practitioner": PRO,
                }
                setup = "".join(
                    f"sessionStorage.setItem({json.dumps(k)}, {json.dumps(v)});" for k, v in session.items()
                )
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                context.add_init_script(setup)
                page = context.new_page()
                page.goto(f"{portal.url}/fr/pro/agenda/")
                page.locator(".tgrid__colhead").first.wait_for()
                page.get_by_role("button", name="Semaine", exact=True).click()
                page.locator(".tgrid__colhead").nth(6).wait_for()
                pages[name] = page
            for number in range(runs):
                order = list(pages.items()) if number % 2 == 0 else list(reversed(pages.items()))
                for name, page in order:
                    page.bring_to_front()
                    result = page.evaluate(RENDER, [count])
                    if result["total"] is None:
                        raise SystemExit(f"{name}: the grid did not show every appointment within 20 s")
                    total[name].append(result["total"])
                    api[name].append(result["api"])
                    page.locator("[data-step='-1']").click()
                    page.wait_for_function(f"() => document.querySelectorAll('[data-grid] a.tg-item').length < {count}")
            for name, page in pages.items():
                items[name] = page.evaluate("document.querySelectorAll('[data-grid] [data-item]').length")
        finally:
            browser.close()
    return {
        name: {
            "rendered_grid_ms": summary(total[name]),
            "agenda_call_ms": summary(api[name]),
            "after_the_answer_ms": summary([t - a for t, a in zip(total[name], api[name], strict=True)]),
            "last_week_shown_items": items[name],
        }
        for name in sides
    }


def measure(sides: dict[str, Portal], roots: dict[str, Path], monday: date, args: argparse.Namespace) -> dict[str, Any]:
    for portal in sides.values():
        busy_week(Store(portal.table_resource()), monday, args.appointments)
    tokens_ = {name: sign_in(portal) for name, portal in sides.items()}
    report: dict[str, Any] = {
        "date": datetime.now(MONACO).date().isoformat(),
        "machine": f"{os.cpu_count()} cores, {platform.python_version()}",
        "load_average_before": os.getloadavg(),
        "week": monday.isoformat(),
        "runs": args.runs,
        "sides": {name: str(root) for name, root in roots.items()},
    }
    for name, run in (
        ("chromium", lambda: in_chromium(sides, tokens_, args.appointments, args.runs)),
        ("over_http", lambda: over_http(sides, monday, tokens_, args.runs)),
        ("in_process", lambda: in_process_sides(sides, roots, monday, args.runs)),
    ):
        report[name] = run()
        print(name, json.dumps(report[name]), file=sys.stderr, flush=True)
    report["load_average_after"] = os.getloadavg()
    return report


def table(report: dict[str, Any]) -> None:
    sides = list(report["in_process"])
    print("\n| measure | " + " | ".join(f"{side}: median (p90)" for side in sides) + " |")
    print("| --- |" + " --- |" * len(sides))

    def row(label: str, pick: Any) -> None:
        cells = []
        for side in sides:
            value = pick(side)
            cells.append(f"{value['median']} ms ({value['p90']} ms)")
        print(f"| {label} | " + " | ".join(cells) + " |")

    row("agenda answer in process, wall", lambda side: report["in_process"][side]["ms"])
    row("  the app's CPU (its process)", lambda side: report["in_process"][side]["cpu_ms"])
    row("  the local endpoint's CPU (moto)", lambda side: report["in_process"][side]["endpoint_cpu_ms"])
    for operation in report["in_process"][sides[-1]]["moto_alone_ms"]:
        row(f"  {operation} alone on moto", lambda side, op=operation: report["in_process"][side]["moto_alone_ms"][op])
    row("agenda answer over HTTP", lambda side: report["over_http"][side]["ms"])
    row("agenda call in Chromium (resource timing)", lambda side: report["chromium"][side]["agenda_call_ms"])
    row("click to rendered week grid, in Chromium", lambda side: report["chromium"][side]["rendered_grid_ms"])
    row("  of which after the answer", lambda side: report["chromium"][side]["after_the_answer_ms"])


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        endpoint, table_name, pid, week, runs = sys.argv[2:7]
        print(json.dumps(in_process(endpoint, table_name, int(pid), date.fromisoformat(week), int(runs))))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--appointments", type=int, default=200)
    parser.add_argument("--base", type=Path, help="a checkout of the version to compare with")
    args = parser.parse_args()
    today = datetime.now(MONACO).date()
    monday = today - timedelta(days=today.weekday()) + timedelta(days=7)
    with tempfile.TemporaryDirectory() as folder, ExitStack() as stack:
        site = Path(folder) / "output"
        print("building the demo site...", file=sys.stderr, flush=True)
        result = build(site)
        if result.returncode != 0:
            sys.exit(result.stdout + result.stderr)
        # Tables with the busy professional alone: moto answers an index Query by looking at every item of the
        # table, so the demo data would only measure the stand-in (docs/performance.md).
        sides: dict[str, Portal] = {}
        roots = {"base": args.base.resolve(), "this": ROOT} if args.base else {"this": ROOT}
        for name, root in roots.items():
            (Path(folder) / name).mkdir()
            sides[name] = stack.enter_context(running_portal(site, Path(folder) / name, seed=False, root=root))
        print("booking the week, signing in, measuring...", file=sys.stderr, flush=True)
        report = measure(sides, roots, monday, args)
    OUT.mkdir(exist_ok=True)
    (OUT / "agenda_grid.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    print(json.dumps(report, indent=1))
    table(report)


if __name__ == "__main__":
    main()
