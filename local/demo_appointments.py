"""Demo appointments in the demo accounts' agendas (local portal only), so that the agenda has something to show and
missed appointments can be marked and counted: the last two weeks, confirmed, one in eight of them missed, and the
next week, more sparsely booked. Dated from today, made with the booking engine's own types (the profile's opening
periods, ``Appointment``, the units an appointment occupies) and written as a booking leaves them. Seeded: the same
day gives the same agendas. The patients are fictional; nobody is e-mailed.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib.core import tokens
from chalicelib.core.appointment import CONFIRMED, ONLINE, PHONE, Appointment, Patient
from chalicelib.core.availability import occupied_units, open_periods
from chalicelib.core.profiles import Profile
from chalicelib.core.retention import Retention

DEMO_AGENDAS = ("pr-000001", "pr-000002", "pr-000003")  # the demo accounts' professionals (local/cognito.py)
PAST_DAYS, NEXT_DAYS = 14, 7
BOOKED_BEFORE, BOOKED_AHEAD, MISSED = 0.6, 0.35, 0.125
GIVEN = ["Alice", "Marco", "Élise", "Karim", "Giulia", "Paul", "Inès", "Théo", "Nadia", "Luca", "Margot", "Olivier"]
FAMILY = ["Bertani", "Cordier", "Fabre", "Lanza", "Moretti", "Pastor", "Rinaldi", "Sauvage", "Testa", "Vial"]


@dataclass(frozen=True)
class Counts:
    past: int
    missed: int
    upcoming: int


def seed_appointments(store: Any, now: datetime, practitioners: tuple[str, ...] = DEMO_AGENDAS) -> Counts:
    """Book the demo agendas around ``now`` (aware) in ``store`` (a fresh table); how many were written."""
    rng = random.Random(f"{now.date()}:2026")  # noqa: S311 (demo data, not a secret)
    made: list[Appointment] = []
    for practitioner_id in practitioners:
        item = store.profile(practitioner_id)
        if item is not None:
            made += _agenda(Profile.from_item(item), now, rng)
    store.put_booked(made, int(now.timestamp()))
    past = [a for a in made if a.end_epoch <= now.timestamp()]
    return Counts(past=len(past), missed=sum(bool(a.no_show) for a in past), upcoming=len(made) - len(past))


def _agenda(profile: Profile, now: datetime, rng: random.Random) -> list[Appointment]:
    """Appointments on the grid of each opening period from PAST_DAYS ago to NEXT_DAYS ahead (none overlapping,
    none at a time that is under way)."""
    now_s = int(now.timestamp())
    today = now.astimezone(profile.home_zone).date()
    durations = {str(r["id"]): int(r["duration_minutes"]) * 60 for r in profile.record.get("visit_reasons", [])}
    gap = profile.buffer_minutes * 60
    made = []
    for site in profile.site_ids:
        schedule = profile.schedule(site)
        for start, end, reasons in open_periods(schedule, today - timedelta(days=PAST_DAYS), PAST_DAYS + NEXT_DAYS + 1):
            moment, close = int(start.timestamp()), int(end.timestamp())
            while True:
                reason = rng.choice(sorted(reasons))
                finish = moment + durations[reason]
                if finish > close:
                    break
                past = finish <= now_s
                chance = BOOKED_BEFORE if past else BOOKED_AHEAD
                if (past or moment > now_s + 3600) and rng.random() < chance:
                    made.append(_appointment(profile, site, reason, moment, finish, now_s, rng))
                moment = finish + gap
    return made


def _appointment(  # noqa: PLR0917 (one appointment's every part)
    profile: Profile, site: str, reason: str, start: int, end: int, now: int, rng: random.Random
) -> Appointment:
    given, family = rng.choice(GIVEN), rng.choice(FAMILY)
    online = rng.random() < 0.6
    address = f"{_ascii(given)}.{_ascii(family)}.{rng.randrange(10_000)}@example.org" if online else None
    booked = min(now, start - rng.randrange(1, 15) * 86400)
    appointment = Appointment.new(
        id=tokens.new_appointment_id(),
        profile=profile,
        site_id=site,
        start=start,
        end=end,
        units=[int(u.timestamp()) for u in occupied_units(_utc(start), _utc(end), profile.buffer_minutes)],
        now=booked,
        status=CONFIRMED,
        reason_id=reason,
        patient=Patient(
            given_name=given,
            family_name=family,
            kind="new" if rng.random() < 0.2 else "existing",
            email=address,
            phone="+377 6 " + " ".join(str(rng.randrange(10, 99)) for _ in range(4)),
        ),
        source=ONLINE if online else PHONE,
        confirmed_at=booked,
        expires_at=Retention().appointment(end),  # as a booking leaves it (core/retention.py)
    )
    if end <= now and rng.random() < MISSED:
        appointment = replace(appointment, no_show=True, no_show_at=end + 3600)
    return appointment


def _utc(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def _ascii(name: str) -> str:
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
