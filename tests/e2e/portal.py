"""The local portal as the patient-journey tests use it: ``python -m local.portal`` on a free port, serving the demo
site built once for the session, with the API workers and the serialised local AWS endpoint behind it.

The portal prints every e-mail on its console, so its output goes to a file (a pipe nobody reads would fill up and
block it); the URLs are read from that file. The tests read the codes and links the patient would read in their
mailbox from the local outbox (``/_local/outbox.json``).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3

from tests.site.sitebuild import ROOT

CODE_LINE = re.compile(r"^\s+(\d{6})\s*$", re.MULTILINE)
MANAGE_LINK = re.compile(r"https?://\S+?/(fr|en|it|es|ru)/appointment/#id=([0-9a-f]{20})&token=([A-Za-z0-9_-]+)")
OFFER_LINK = re.compile(r"https?://\S+?/(fr|en|it|es|ru)/appointment/#id=([0-9a-f]{20})&offer=([A-Za-z0-9_-]+)")


@dataclass(frozen=True)
class Portal:
    url: str  # no trailing slash
    endpoint: str  # the local AWS endpoint
    table: str
    console: Path
    pid: int = 0  # the portal's process (its local AWS endpoint and API workers are its children)

    # -- what the patient's mailbox shows ---------------------------------------------------------------------

    def outbox(self) -> list[dict[str, Any]]:
        """Every e-mail sent so far, newest first."""
        with urllib.request.urlopen(self.url + "/_local/outbox.json", timeout=30) as response:
            messages: list[dict[str, Any]] = json.load(response)["messages"]
        return messages

    def mail(self, to: str, subject: str, timeout: float = 15) -> dict[str, Any]:
        """The newest e-mail to ``to`` whose subject contains ``subject`` (waits for it to arrive)."""
        deadline = time.monotonic() + timeout
        while True:
            for message in self.outbox():
                if to in message["recipients"] and subject in message["subject"]:
                    return message
            if time.monotonic() > deadline:
                raise AssertionError(f"no e-mail to {to} about {subject!r} in the outbox")
            time.sleep(0.2)

    def code_for(self, to: str, subject: str) -> str:
        """The 6-digit code of the newest e-mail to ``to`` whose subject contains ``subject``."""
        found = CODE_LINE.search(self.mail(to, subject)["text"])
        assert found
        return found.group(1)

    def code(self, to: str, lang: str = "fr") -> str:
        """The 6-digit code of the newest code e-mail to ``to``."""
        message = self.mail(to, "Votre code" if lang == "fr" else "Your code")
        found = CODE_LINE.search(message["text"])
        assert found, message["text"]
        return found.group(1)

    def manage_link(self, to: str, lang: str = "fr") -> str:
        """The manage link of the newest confirmation e-mail to ``to``, on this portal's origin.

        The API writes links to its configured SITE_URL; the tests' portal listens on a free port, so the link's
        path and fragment (what identifies the appointment) are opened here.
        """
        message = self.mail(to, "Rendez-vous confirmé" if lang == "fr" else "Appointment confirmed")
        found = MANAGE_LINK.search(message["text"])
        assert found, message["text"]
        language, appointment_id, token = found.groups()
        return f"{self.url}/{language}/appointment/#id={appointment_id}&token={token}"

    def offer_link(self, to: str, lang: str = "fr", timeout: float = 15) -> str:
        """The link of the newest waiting-list offer to ``to``, on this portal's origin."""
        message = self.mail(to, "s'est libéré" if lang == "fr" else "has freed up", timeout)
        found = OFFER_LINK.search(message["text"])
        assert found, message["text"]
        language, offer_id, token = found.groups()
        return f"{self.url}/{language}/appointment/#id={offer_id}&offer={token}"

    def offers_to(self, to: str) -> list[dict[str, Any]]:
        return [
            m
            for m in self.outbox()
            if to in m["recipients"] and ("s'est libéré" in m["subject"] or "freed up" in m["subject"])
        ]

    def texts(self, number: str) -> list[dict[str, Any]]:
        """The texts (SMS) sent to ``number`` (E.164), newest first."""
        return [m for m in self.outbox() if m.get("channel") == "sms" and number in m["recipients"]]

    def scheduled_pass(self, now: datetime | None = None) -> dict[str, Any]:
        """Run the scheduled pass in the portal's API worker, at ``now`` (a moved clock) or the present time: the
        same function the portal runs every five minutes."""
        body = json.dumps({"now": now.isoformat()} if now else {}).encode()
        request = urllib.request.Request(self.url + "/_local/scheduled-pass", data=body, method="POST")
        request.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(request, timeout=60) as response:
            report: dict[str, Any] = json.load(response)
        return report

    # -- the API, as another client sees it -------------------------------------------------------------------

    def api(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + "/api/v1" + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return json.load(response)
        except urllib.error.HTTPError as err:
            raise AssertionError(f"{method} {path}: {err.code} {err.read().decode()}") from err

    def free_starts(self, practitioner: str, reason: str, day: str, days: int = 1) -> list[str]:
        """The free slots' start times the API offers now (any patient kind)."""
        answer = self.api("GET", f"/practitioners/{practitioner}/slots?reason={reason}&from={day}&days={days}")
        return [slot["start"] for slot in answer["slots"]]

    def book(
        self,
        practitioner: str,
        reason: str,
        email: str,
        lang: str = "fr",
        *,
        phone: str | None = None,
        after_days: int = 0,
    ) -> dict[str, Any]:
        """An appointment booked through the API (hold, code from the outbox, confirm): the confirm answer. The first
        free time, or the first at least ``after_days`` days ahead."""
        first = self.api("GET", f"/next-available?ids={practitioner}")["results"][0]["slot"]
        starts = self.free_starts(practitioner, reason, first["start"][:10], days=7 + after_days)
        earliest = (datetime.now(UTC) + timedelta(days=after_days)).date().isoformat()
        start = next(s for s in starts if s[:10] >= earliest)
        who = {"given_name": "Louise", "family_name": "Rossi", "email": email, "kind": "existing"}
        body = {
            "practitioner": practitioner,
            "site": first["site"],
            "reason": reason,
            "start": start,
            "patient": {**who, **({"phone": phone} if phone else {})},
            "language": lang,
        }
        held = self.api("POST", "/appointments", body, {"Idempotency-Key": uuid.uuid4().hex})
        code = self.code(email, lang)
        confirmed: dict[str, Any] = self.api("POST", f"/appointments/{held['id']}/confirm", {"code": code})
        return confirmed

    def patient_session(self, email: str, lang: str = "fr") -> dict[str, str]:
        """Sign in to the patient space through the API with the e-mailed code: the headers of that session (its
        cookie and CSRF token), as the patient's browser sends them."""
        sent = self.api("POST", "/me/sign-in/code", {"email": email, "language": lang})
        body = json.dumps({"email": email, "code": self.code(email, lang)}).encode()
        request = urllib.request.Request(f"{self.url}/api/v1/me/sign-in/code/{sent['id']}", data=body, method="POST")
        request.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(request, timeout=30) as response:
            cookie = response.headers["Set-Cookie"].split(";", 1)[0]
            csrf = json.load(response)["csrf_token"]
        return {"Cookie": cookie, "X-CSRF-Token": csrf}

    def book_for_relative(self, practitioner: str, reason: str, email: str, relative: dict[str, str]) -> dict[str, Any]:
        """Signed in as ``email``, add ``relative`` and book the first free time for them (no code: the session
        proves the address): the confirm answer."""
        session = self.patient_session(email)
        added = self.api("POST", "/me/relatives", relative, session)
        first = self.api("GET", f"/next-available?ids={practitioner}")["results"][0]["slot"]
        starts = self.free_starts(practitioner, reason, first["start"][:10], days=7)
        body = {
            "practitioner": practitioner,
            "site": first["site"],
            "reason": reason,
            "start": starts[0],
            "patient": {"given_name": "Louise", "family_name": "Rossi", "email": email, "kind": "existing"},
            "relative": added["id"],
        }
        held = self.api("POST", "/appointments", body, {**session, "Idempotency-Key": uuid.uuid4().hex})
        confirmed: dict[str, Any] = self.api("POST", f"/appointments/{held['id']}/confirm", {}, session)
        return confirmed

    # -- the local table ------------------------------------------------------------------------------------------

    def table_resource(self) -> Any:
        return boto3.resource("dynamodb", endpoint_url=self.endpoint).Table(self.table)

    def stored(self, appointment_id: str) -> dict[str, Any]:
        """The appointment item and its time units as stored."""
        from chalicelib.core.keys import appointment_key, unit_key
        from chalicelib.core.units import from_epoch

        table = self.table_resource()
        item: dict[str, Any] = table.get_item(Key=appointment_key(appointment_id))["Item"]
        units = [
            table.get_item(Key=unit_key(item["practitioner_id"], from_epoch(int(unit)))).get("Item")
            for unit in item["units"]
        ]
        return {**item, "unit_items": units}

    def new_network(self, network: str = "127.0.0.1") -> None:
        """Forget the holds awaiting their code from ``network`` (every browser test comes from 127.0.0.1), as if
        they had lapsed: each test is a patient on a network of their own, whatever the tests before it held
        (the API allows 2 unproven holds per network at once; docs/api.md, "Limits")."""
        from chalicelib.core.keys import network_hash, network_holds_key

        key = network_holds_key(network_hash(network))
        self.table_resource().update_item(
            Key=key,
            UpdateExpression="SET holds = :none, unproven = :none, version = if_not_exists(version, :zero) + :one",
            ExpressionAttributeValues={":none": {}, ":zero": 0, ":one": 1},
        )

    def expire_hold(self, appointment_id: str) -> None:
        """Make a hold lapse now, as ten minutes of waiting would.

        The API decides expiry by comparing ``hold_until`` (on the appointment, on each unit it holds, and in the
        holds of its e-mail and network) with its own clock, and the portal's worker processes have no clock a test
        can move. So the test writes the expiry into the local table instead, one second in the past, in each.
        """
        from chalicelib.core.keys import appointment_key, unit_key
        from chalicelib.core.units import from_epoch

        table = self.table_resource()
        past = int(datetime.now(UTC).timestamp()) - 1
        item = table.get_item(Key=appointment_key(appointment_id))["Item"]
        table.update_item(
            Key=appointment_key(appointment_id),
            UpdateExpression="SET hold_until = :past",
            ExpressionAttributeValues={":past": past},
        )
        # The holds of its e-mail and its network count it until then too.
        from chalicelib.core.keys import holds_key, network_holds_key

        for key in (holds_key(str(item["patient"]["email"])), network_holds_key(str(item.get("network_hash")))):
            table.update_item(
                Key=key,
                UpdateExpression="SET holds.#id = :past",
                ConditionExpression="attribute_exists(holds.#id)",
                ExpressionAttributeNames={"#id": appointment_id},
                ExpressionAttributeValues={":past": past},
            )
        for unit in item["units"]:
            table.update_item(
                Key=unit_key(item["practitioner_id"], from_epoch(int(unit))),
                UpdateExpression="SET hold_until = :past",
                ConditionExpression="appointment_id = :id",
                ExpressionAttributeValues={":past": past, ":id": appointment_id},
            )


@contextmanager
def running_portal(
    site: Path, folder: Path, workers: int = 2, seed: bool = True, root: Path = ROOT
) -> Iterator[Portal]:
    """Start the local portal on ``site`` with its console in ``folder`` (its table seeded with the demo data, or
    empty but for the demo accounts with ``seed=False``); stop it on exit. ``root``: the checkout whose code runs
    (another version's, to compare with; bench/agenda_grid.py)."""
    console = folder / "portal-console.txt"
    table = f"e2e-{uuid.uuid4().hex[:8]}"
    # The portal sets the endpoint of every AWS service itself; an endpoint the test session set for DynamoDB
    # (tests/conftest.py) would take precedence in its workers, so it is left out.
    environment = {k: v for k, v in os.environ.items() if not k.startswith("AWS_ENDPOINT_URL")}
    with console.open("w", encoding="utf-8") as out:
        command = [sys.executable, "-m", "local.portal", "--site", str(site), "--port", "0", "--table", table]
        command += [] if seed else ["--no-seed"]
        proc = subprocess.Popen(
            [*command, "--workers", str(workers)],
            cwd=root,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=environment,
        )
    try:
        url = endpoint = ""
        deadline = time.monotonic() + 120
        while not url:
            text = console.read_text(encoding="utf-8")
            if found := re.search(r"^Local AWS endpoint: (\S+)", text, re.MULTILINE):
                endpoint = found.group(1)
            if found := re.search(r"^Portal ready: (\S+)", text, re.MULTILINE):
                url = found.group(1).rstrip("/")
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the local portal did not start:\n{text}")
            time.sleep(0.2)
        yield Portal(url, endpoint, table, console, proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
