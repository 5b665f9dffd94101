"""Cold start: what a fresh Lambda environment pays before it answers, per route family.

    .venv/bin/python bench/cold_start.py [--runs 7] [--compare 6fbab96]

Each run is a new Python process, as a new Lambda environment is: it imports ``functions/app.py`` and hands the app
one API Gateway event, as the Lambda runtime does, against the serialised local endpoint (``local/awsserver.py``:
DynamoDB, SES and Cognito as moto serves them). Timed: the import, then the first request (the AWS clients it
makes, the modules it loads on the way, the calls), in wall time and in the CPU time of the process (which other
work on a shared machine disturbs far less; the endpoint's own work is not in it). Interpreter start-up is left
out; the app's own modules are compiled in each run (``PYTHONDONTWRITEBYTECODE``, from a copy without
``__pycache__``), as from a deployment package.

With ``--compare REV``, the same runs are made with ``functions/`` as it was at ``REV`` (``git archive``),
alternating with this tree's run by run so that both sides see the same load. Prints a Markdown table of medians
for docs/performance.md, with the machine, its load and the date.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "functions")]
AWS = {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": "eu-west-3"}
os.environ.update(AWS)
os.environ.pop("AWS_PROFILE", None)

import boto3  # noqa: E402

from local.portal import start_aws_endpoint  # noqa: E402
from local.tables import create_table  # noqa: E402

TABLE = "portal-cold-start"
SENDER = "rendez-vous@bench.sante.example.mc"
PASSWORD = "Correct-Horse-42!"
MONACO = ZoneInfo("Europe/Monaco")

# The child: the app as the Lambda runtime loads it, then one event.
CHILD = """
import json, sys, time
started, cpu = time.perf_counter(), time.process_time()
sys.path.insert(0, sys.argv[1])
import app
imported = time.perf_counter()
answer = app.app(json.loads(sys.argv[2]), None)
answered = time.perf_counter()
timings = {
    "import": imported - started,
    "first": answered - imported,
    "cpu": time.process_time() - cpu,
    "status": answer["statusCode"],
}
print(json.dumps({**timings, "body": answer["body"]} if len(sys.argv) > 3 else timings))
"""


def event(method: str, resource: str, path_parameters: dict[str, str] | None = None, **options: Any) -> dict[str, Any]:
    """An API Gateway (REST, proxy) event for the stage ``api``, as CloudFront and API Gateway hand it over."""
    query: dict[str, str] = options.get("query") or {}
    headers = {"content-type": "application/json", **(options.get("headers") or {})}
    path = resource
    for name, value in (path_parameters or {}).items():
        path = path.replace("{" + name + "}", value)
    body = options.get("body")
    return {
        "resource": resource,
        "path": path,
        "httpMethod": method,
        "headers": headers,
        "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": query or None,
        "multiValueQueryStringParameters": {k: [v] for k, v in query.items()} or None,
        "pathParameters": path_parameters,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": resource,
            "httpMethod": method,
            "path": "/api" + path,
            "stage": "api",
            "identity": {"sourceIp": "192.0.2.10"},
        },
        "body": None if body is None else json.dumps(body),
        "isBase64Encoded": False,
    }


@dataclass
class Local:
    """The local endpoint with what the requests need: a table with profiles, a verified sender, a user pool."""

    environment: dict[str, str]
    practitioners: list[str]
    site: str
    reason: str
    day: date
    starts: list[str]  # free slots for the holds, one per run
    token: str  # a back-office access token (the first professional's own)


def prepare(endpoint: str) -> Local:
    """Create the table, store three professionals' profiles, verify the sender and make a signed-in account."""
    from chalicelib.core.keys import profile_key
    from chalicelib.core.profiles import profile_item

    create_table(boto3.client("dynamodb", endpoint_url=endpoint), TABLE)
    table = boto3.resource("dynamodb", endpoint_url=endpoint).Table(TABLE)
    records = []
    for path in sorted((ROOT / "content" / "directory" / "practitioners").glob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        record.pop("$schema", None)
        if record["online_booking"] and any(r["online"] for r in record["visit_reasons"]):
            records.append(record)
        if len(records) == 3:
            break
    for record in records:
        table.put_item(Item={**profile_key(record["id"]), **profile_item(record)})
    boto3.client("ses", endpoint_url=endpoint).verify_email_identity(EmailAddress=SENDER)
    pool_id, client_id, token = user_pool(endpoint, records[0]["id"])
    environment = {
        **AWS,
        "AWS_ENDPOINT_URL": endpoint,
        "TABLE_NAME": TABLE,
        "MAIL_FROM": SENDER,
        "SITE_URL": "http://127.0.0.1:8000",
        "USER_POOL_ID": pool_id,
        "USER_POOL_CLIENT_ID": client_id,
        "COGNITO_JWKS_URL": f"{endpoint}/{pool_id}/.well-known/jwks.json",
        "RATE_LIMIT_FACTOR": "1000",  # every request of the bench comes from one address
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    first = records[0]
    reason = next(r["id"] for r in first["visit_reasons"] if r["online"])
    day, starts = free_starts(environment, first["id"], reason)
    site = str(first["sites"][0]["id"])
    return Local(environment, [r["id"] for r in records], site, reason, day, starts, token)


def user_pool(endpoint: str, practitioner: str) -> tuple[str, str, str]:
    """A user pool with one professional's account, signed in once: the pool, its app client, an access token."""
    cognito = boto3.client("cognito-idp", endpoint_url=endpoint)
    pool_id = cognito.create_user_pool(PoolName="cold-start")["UserPool"]["Id"]
    client_id = cognito.create_user_pool_client(
        UserPoolId=pool_id, ClientName="back-office", ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]["ClientId"]
    cognito.admin_create_user(UserPoolId=pool_id, Username="pro", MessageAction="SUPPRESS")
    cognito.admin_set_user_password(UserPoolId=pool_id, Username="pro", Password=PASSWORD, Permanent=True)
    cognito.create_group(UserPoolId=pool_id, GroupName=f"pro:{practitioner}")
    cognito.admin_add_user_to_group(UserPoolId=pool_id, Username="pro", GroupName=f"pro:{practitioner}")
    token = cognito.admin_initiate_auth(
        UserPoolId=pool_id,
        ClientId=client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "pro", "PASSWORD": PASSWORD},
    )["AuthenticationResult"]["AccessToken"]
    return pool_id, client_id, token


def free_starts(environment: dict[str, str], practitioner: str, reason: str) -> tuple[date, list[str]]:
    """The free slots of the next week, asked of this tree's app (each hold of the bench takes one)."""
    day = datetime.now(MONACO).date() + timedelta(days=1)
    asked = event(
        "GET",
        "/v1/practitioners/{practitioner_id}/slots",
        {"practitioner_id": practitioner},
        query={"reason": reason, "from": day.isoformat(), "days": "7"},
    )
    answer = child(ROOT / "functions", environment, asked, body=True)
    assert answer["status"] == 200, answer
    return day, [slot["start"] for slot in json.loads(answer["body"])["slots"]]


def child(functions: Path, environment: dict[str, str], request: dict[str, Any], body: bool = False) -> dict[str, Any]:
    """Run one fresh process over ``functions``: its timings and the answer's status (and its body if asked)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(functions), json.dumps(request), *(["body"] if body else [])],
        cwd=functions,
        env={**env, **environment},
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"{request['httpMethod']} {request['path']} failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def families(local: Local, run: int) -> list[tuple[str, int, dict[str, Any]]]:
    """(route family, the status it answers, the event) for run ``run``; each run holds a slot of its own."""
    pro = {"practitioner_id": local.practitioners[0]}
    bearer = {"authorization": f"Bearer {local.token}"}
    email = f"cold-{uuid.uuid4().hex[:8]}@example.org"
    key = {"idempotency-key": f"cold-start-{uuid.uuid4().hex}"}
    hold = {
        "practitioner": local.practitioners[0],
        "site": local.site,
        "reason": local.reason,
        "start": local.starts[run],
        "patient": {"given_name": "Ana", "family_name": "Bench", "email": email, "kind": "existing"},
        "language": "fr",
    }
    return [
        ("health", 200, event("GET", "/health")),
        (
            "slot lookup (7 days)",
            200,
            event(
                "GET",
                "/v1/practitioners/{practitioner_id}/slots",
                pro,
                query={"reason": local.reason, "from": local.day.isoformat(), "days": "7"},
            ),
        ),
        (
            "next available (3 ids)",
            200,
            event("GET", "/v1/next-available", query={"ids": ",".join(local.practitioners)}),
        ),
        ("hold (e-mails the code)", 201, event("POST", "/v1/appointments", body=hold, headers=key)),
        (
            "manage: show (wrong token)",
            404,
            event(
                "GET",
                "/v1/appointments/{appointment_id}",
                {"appointment_id": "0" * 20},
                headers={"authorization": "Bearer nope"},
            ),
        ),
        (
            "back-office agenda (signed in)",
            200,
            event(
                "GET",
                "/v1/pro/practitioners/{practitioner_id}/agenda",
                pro,
                query={"from": local.day.isoformat()},
                headers=bearer,
            ),
        ),
        (
            "back-office sign-in (wrong password)",
            401,
            event("POST", "/v1/pro/auth/start", body={"email": "pro", "password": "not-it"}),
        ),
        ("calendar feed (unknown)", 404, event("GET", "/v1/pro/feed/{name}", {"name": "x" * 43 + ".ics"})),
    ]


def tree_at(revision: str, folder: Path) -> Path:
    """``functions/`` as it was at ``revision``, in ``folder``."""
    archive = subprocess.run(["git", "archive", revision, "functions"], cwd=ROOT, capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)
    return folder / "functions"


def machine() -> str:
    model = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        model = next(
            (line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines() if "model name" in line), model
        )
    load = Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else ["?"] * 3
    return (
        f"{platform.system()} {platform.release()}, {model}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; load average {' '.join(load)}; {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="fresh processes per route family and side")
    parser.add_argument("--compare", metavar="REV", help="also time functions/ as it was at this git revision")
    args = parser.parse_args(argv)
    proc, endpoint = start_aws_endpoint()
    try:
        with tempfile.TemporaryDirectory(prefix="cold-start-") as scratch:
            here = Path(scratch) / "now"
            shutil.copytree(ROOT / "functions", here / "functions", ignore=shutil.ignore_patterns("__pycache__"))
            sides = {"now": here / "functions"}
            if args.compare:
                (Path(scratch) / "before").mkdir()
                sides = {args.compare: tree_at(args.compare, Path(scratch) / "before"), **sides}
            local = prepare(endpoint)
            if len(local.starts) < args.runs * len(sides):
                raise SystemExit(f"only {len(local.starts)} free slots for {args.runs * len(sides)} holds")
            timings: dict[tuple[str, str], list[dict[str, float]]] = {}
            order: list[str] = []
            for run in range(args.runs):
                for number, side in enumerate(sides):
                    for family, status, request in families(local, run * len(sides) + number):
                        result = child(sides[side], local.environment, request)
                        if result["status"] != status:
                            raise SystemExit(f"{side}: {family} answered {result['status']}, not {status}")
                        timings.setdefault((family, side), []).append(result)
                        order += [family] if family not in order else []
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    print(f"Machine: {machine()}; {args.runs} fresh processes per family and side, medians in ms.\n")
    header = ["route family"]
    header += [f"{side}: wall, import + first request" for side in sides]
    header += [f"{side}: CPU" for side in sides]
    print("| " + " | ".join(header) + " |")
    print("|" + " --- |" * len(header))
    for family in order:
        walls, cpus = [], []
        for side in sides:
            runs = timings[(family, side)]
            imported = statistics.median(r["import"] for r in runs) * 1000
            first = statistics.median(r["first"] for r in runs) * 1000
            total = statistics.median((r["import"] + r["first"]) for r in runs) * 1000
            walls.append(f"{total:.0f} ({imported:.0f} + {first:.0f})")
            cpus.append(f"{statistics.median(r['cpu'] for r in runs) * 1000:.0f}")
        print("| " + " | ".join([family, *walls, *cpus]) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
