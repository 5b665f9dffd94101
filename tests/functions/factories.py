"""Keyword-default factories for the booking tests: a professional's data-file record and its stored profile."""

from __future__ import annotations

import copy
from datetime import date, timedelta
from typing import Any

import holidays

WEEK = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def reason(id: str, minutes: int, **overrides: Any) -> dict[str, Any]:
    return {
        "id": id,
        "label": {"fr": f"Motif {id}", "en": f"Reason {id}"},
        "duration_minutes": minutes,
        "new_patients": True,
        "existing_patients": True,
        "online": True,
        **overrides,
    }


def practitioner_record(**overrides: Any) -> dict[str, Any]:
    """A professional open every day 08:00-12:00 and 14:00-18:00 in Monaco for four reasons of different lengths."""
    reasons = [
        reason("consultation", 20),
        reason("long", 30),
        reason("short", 15),
        reason("first-visit", 30, existing_patients=False),
        reason("by-phone", 20, online=False),
    ]
    every = ["consultation", "long", "short", "first-visit"]
    record: dict[str, Any] = {
        "id": "pr-test",
        "civility": "dr",
        "given_name": "Camille",
        "family_name": "Testa",
        "phone": "+377 93 00 00 00",
        "online_booking": True,
        "visit_reasons": reasons,
        "sites": [
            {
                "id": "main",
                "name": "Cabinet du port",
                "address": "1 quai Antoine Ier",
                "postal_code": "98000",
                "city": "Monaco",
                "timezone": "Europe/Monaco",
                "hours": [
                    {"days": WEEK, "start": "08:00", "end": "12:00", "reasons": every},
                    {"days": WEEK, "start": "14:00", "end": "18:00", "reasons": every},
                ],
            }
        ],
        "booking_rules": {
            "min_notice_minutes": 60,
            "horizon_days": 30,
            "buffer_minutes": 0,
            "max_future_per_patient": 3,
        },
    }
    for key, value in overrides.items():
        if key in record["booking_rules"]:
            record["booking_rules"][key] = value
        else:
            record[key] = value
    return copy.deepcopy(record)


def working_day(after: date) -> date:
    """The first date after ``after`` that is not a public holiday in Monaco (weekly openings apply on it)."""
    day = after + timedelta(days=1)
    while day in holidays.country_holidays("MC", years=day.year):
        day += timedelta(days=1)
    return day
