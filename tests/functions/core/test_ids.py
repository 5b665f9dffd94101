"""Identifiers are written once (core/ids.py), agree with the data files' JSON Schema, and are what the published
OpenAPI document and the request schemas check."""

from __future__ import annotations

import json
import re
import secrets
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from chalicelib.core import ids, tokens

ROOT = Path(__file__).resolve().parents[3]
SCHEMA = ROOT / "content" / "directory" / "schema" / "practitioner.schema.json"
PRACTITIONERS = ROOT / "content" / "directory" / "practitioners"
DEFS = json.loads(SCHEMA.read_text(encoding="utf-8"))["$defs"]


def test_a_directory_code_is_the_data_files_code() -> None:
    assert ids.CODE == DEFS["code"]["pattern"]


@given(st.from_regex(DEFS["id"]["pattern"], fullmatch=True))
def test_every_practitioner_id_a_data_file_may_hold_is_accepted(value: str) -> None:
    assert ids.is_practitioner_id(value)


@given(st.from_regex(ids.PRACTITIONER_ID, fullmatch=True))
def test_the_api_accepts_beyond_the_data_files_only_one_character_ids(value: str) -> None:
    assert re.fullmatch(DEFS["id"]["pattern"], value) or len(value) == 1


def test_the_demo_directorys_ids_are_all_accepted() -> None:
    records = [json.loads(path.read_text(encoding="utf-8")) for path in sorted(PRACTITIONERS.glob("*.json"))]
    assert records
    for record in records:
        assert ids.is_practitioner_id(record["id"]), record["id"]
        for site in record["sites"]:
            assert re.fullmatch(ids.CODE, site["id"]), (record["id"], site["id"])
        for reason in record["visit_reasons"]:
            assert re.fullmatch(ids.CODE, reason["id"]), (record["id"], reason["id"])


def test_what_the_api_makes_is_what_it_accepts() -> None:
    assert all(ids.is_appointment_id(tokens.new_appointment_id()) for _ in range(50))
    token = secrets.token_urlsafe(32)  # the feed's token (backoffice/feed.py)
    assert ids.feed_token(f"{token}.ics") == token
    assert ids.feed_token(f"{token}.ics\n") is None and ids.feed_token(token) is None
    assert ids.is_idempotency_key("a-fresh:key.1") and not ids.is_idempotency_key("short")


def parameter(document: dict[str, Any], path: str, method: str, name: str) -> dict[str, Any]:
    operation = document["paths"][path][method]
    return next(p for p in operation["parameters"] if p["name"] == name)


def test_the_published_document_checks_these_patterns() -> None:
    from chalicelib.openapi import document

    published = document()
    slots = "/v1/practitioners/{practitioner_id}/slots"
    assert parameter(published, slots, "get", "practitioner_id")["schema"]["pattern"] == ids.PRACTITIONER_ID
    agenda = "/v1/pro/practitioners/{practitioner_id}/agenda"
    assert parameter(published, agenda, "get", "practitioner_id")["schema"]["pattern"] == ids.PRACTITIONER_ID
    for path in ("/v1/appointments/{appointment_id}", "/v1/pro/appointments/{appointment_id}"):
        assert parameter(published, path, "get", "appointment_id")["schema"]["pattern"] == ids.APPOINTMENT_ID
    hold = parameter(published, "/v1/appointments", "post", "Idempotency-Key")
    assert hold["schema"]["pattern"] == ids.IDEMPOTENCY_KEY
    assert parameter(published, "/v1/pro/feed/{name}", "get", "name")["schema"]["pattern"] == ids.FEED_NAME
    request = published["components"]["schemas"]["HoldRequest"]["properties"]
    assert request["practitioner"]["pattern"] == ids.PRACTITIONER_ID
    assert request["site"]["pattern"] == request["reason"]["pattern"] == ids.CODE


def test_no_pattern_is_written_twice_in_functions() -> None:
    """An identifier's pattern appears in core/ids.py only: a second copy is how two bounds came to differ."""
    literals = [r"[a-z0-9][a-z0-9-]", r"[0-9a-f]{20}", r"[A-Za-z0-9_.:-]{8,128}", r"[A-Za-z0-9_-]{43}"]
    chalicelib = ROOT / "functions" / "chalicelib"
    for path in [ROOT / "functions" / "app.py", *chalicelib.rglob("*.py")]:
        if path == chalicelib / "core" / "ids.py":
            continue
        text = path.read_text(encoding="utf-8")
        assert not [literal for literal in literals if literal in text], path
