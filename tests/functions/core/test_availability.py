"""Free slots of one professional: openings in local time, holidays, exceptions, notice, horizon, buffers, DST.

Everything here is plain values with a frozen ``now``; the property-based tests draw opening hours, durations and
busy intervals with hypothesis and check what a patient would notice: a slot at a time that does not exist, the same
slot twice, a slot that overlaps a booked appointment or its buffer, a slot missing although the time is free.
"""

from __future__ import annotations

import itertools
import json
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.core.availability import (
    check_slot,
    first_free_slot,
    free_slots,
    is_valid_slot,
    occupied_units,
    open_periods,
    practice_slots,
)
from chalicelib.core.errors import InvalidInput, SlotTaken
from chalicelib.core.schedule import (
    MAX_WINDOW_DAYS,
    UNIT_MINUTES,
    BookingRules,
    Closure,
    ExtraOpening,
    Opening,
    Schedule,
    ScheduleError,
    Slot,
    VisitReason,
    schedule_from_record,
)

MONACO = ZoneInfo("Europe/Monaco")
ROOT = Path(__file__).resolve().parents[3]
PRACTITIONERS = ROOT / "content" / "directory" / "practitioners"

# 2026: clocks go forward on Sunday 29 March (02:00 -> 03:00) and back on Sunday 25 October (03:00 -> 02:00).
SPRING_FORWARD = date(2026, 3, 29)
FALL_BACK = date(2026, 10, 25)
MONDAY = date(2026, 3, 2)  # an ordinary week: no holiday, no clock change
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=MONACO)  # Sunday noon, the day before MONDAY

EVERY_DAY = frozenset(range(7))
WEEKDAYS = frozenset(range(5))

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def local(day: date, clock: str, fold: int = 0) -> datetime:
    hours, minutes = map(int, clock.split(":"))
    return datetime.combine(day, time(hours, minutes), tzinfo=MONACO).replace(fold=fold)


def hm(slot_start: datetime) -> str:
    return slot_start.astimezone(MONACO).strftime("%H:%M")


def reason(id: str = "consultation", duration_minutes: int = 20, **flags: bool) -> VisitReason:
    return VisitReason(
        id=id,
        duration_minutes=duration_minutes,
        new_patients=flags.get("new_patients", True),
        existing_patients=flags.get("existing_patients", True),
        online=flags.get("online", True),
    )


REASONS = {
    "consultation": reason("consultation", 20),
    "vaccination": reason("vaccination", 15),
    "first-visit": reason("first-visit", 30, existing_patients=False),
    "follow-up": reason("follow-up", 45, new_patients=False),
    "home-visit": reason("home-visit", 40, online=False),
}


def opening(
    start: str = "08:00",
    end: str = "12:00",
    weekdays: frozenset[int] = WEEKDAYS,
    reasons: tuple[str, ...] = ("consultation", "vaccination", "first-visit", "follow-up"),
) -> Opening:
    return Opening(
        weekdays=frozenset(weekdays),
        start=time.fromisoformat(start),
        end=time.fromisoformat(end),
        reasons=frozenset(reasons),
    )


def make_schedule(
    *,
    openings: tuple[Opening, ...] | None = None,
    closures: tuple[Closure, ...] = (),
    extra_openings: tuple[ExtraOpening, ...] = (),
    min_notice_minutes: int = 0,
    horizon_days: int = 365,
    buffer_minutes: int = 0,
    holiday_country: str | None = "MC",
    reasons: dict[str, VisitReason] | None = None,
) -> Schedule:
    return Schedule(
        timezone="Europe/Monaco",
        reasons=REASONS if reasons is None else reasons,
        openings=(opening(),) if openings is None else openings,
        closures=closures,
        extra_openings=extra_openings,
        rules=BookingRules(
            min_notice_minutes=min_notice_minutes,
            horizon_days=horizon_days,
            buffer_minutes=buffer_minutes,
            max_future_per_patient=3,
        ),
        holiday_country=holiday_country,
    )


def day_slots(schedule: Schedule, day: date, reason_id: str = "consultation", busy: Any = (), **kw: Any) -> list[Slot]:
    return free_slots(schedule, reason_id, busy, day, 1, kw.pop("now", NOW), **kw)


# ----------------------------------------------------------------------------------------------------------------
# Openings and the grid


def test_a_weekly_opening_gives_slots_on_the_grid_from_its_start_with_the_offset() -> None:
    slots = day_slots(make_schedule(), MONDAY)
    assert [hm(s.start) for s in slots] == [
        "08:00",
        "08:20",
        "08:40",
        "09:00",
        "09:20",
        "09:40",
        "10:00",
        "10:20",
        "10:40",
        "11:00",
        "11:20",
        "11:40",
    ]
    assert slots[0].start.isoformat() == "2026-03-02T08:00:00+01:00"
    assert slots[-1].end.isoformat() == "2026-03-02T12:00:00+01:00"
    assert all(s.end - s.start == timedelta(minutes=20) for s in slots)


def test_each_reason_has_its_own_grid_and_a_slot_must_fit_in_the_period() -> None:
    schedule = make_schedule(openings=(opening("08:00", "09:30"),))
    assert [hm(s.start) for s in day_slots(schedule, MONDAY, "follow-up")] == ["08:00", "08:45"]
    assert [hm(s.start) for s in day_slots(schedule, MONDAY, "first-visit")] == ["08:00", "08:30", "09:00"]
    schedule = make_schedule(openings=(opening("08:00", "08:40"),))
    assert day_slots(schedule, MONDAY, "follow-up") == []  # 45 minutes never fit in 40


def test_a_period_offers_only_the_reasons_it_accepts_and_only_on_its_weekdays() -> None:
    schedule = make_schedule(
        openings=(
            opening("08:00", "10:00", weekdays=frozenset({0}), reasons=("consultation",)),
            opening("14:00", "15:00", weekdays=frozenset({1}), reasons=("vaccination",)),
        )
    )
    assert day_slots(schedule, MONDAY, "vaccination") == []
    assert len(day_slots(schedule, MONDAY, "consultation")) == 6
    assert [hm(s.start) for s in day_slots(schedule, MONDAY + timedelta(days=1), "vaccination")] == [
        "14:00",
        "14:15",
        "14:30",
        "14:45",
    ]
    assert day_slots(schedule, MONDAY + timedelta(days=1), "consultation") == []
    assert day_slots(schedule, MONDAY + timedelta(days=5), "consultation") == []  # Saturday


def test_overlapping_periods_list_a_shared_start_once_in_time_order() -> None:
    schedule = make_schedule(
        openings=(
            opening("08:00", "10:00", reasons=("consultation",)),
            opening("09:00", "11:00", reasons=("consultation",)),
        )
    )
    starts = [s.start for s in day_slots(schedule, MONDAY)]
    assert starts == sorted(set(starts))
    assert hm(starts[0]) == "08:00" and hm(starts[-1]) == "10:40"
    assert len(starts) == 9  # 08:00..09:40 (6) and 09:00..10:40 (6), three starts shared


def test_a_window_spans_several_days_and_is_bounded() -> None:
    schedule = make_schedule()
    slots = free_slots(schedule, "consultation", [], MONDAY, 7, NOW)
    assert {s.start.date() for s in slots} == {MONDAY + timedelta(days=i) for i in range(5)}
    assert len(slots) == 5 * 12
    assert len(free_slots(schedule, "consultation", [], MONDAY, MAX_WINDOW_DAYS, NOW)) > 0
    for days in (0, -1, MAX_WINDOW_DAYS + 1):
        with pytest.raises(InvalidInput) as caught:
            free_slots(schedule, "consultation", [], MONDAY, days, NOW)
        assert caught.value.field == "days"


def test_reasons_that_cannot_be_booked_online_or_by_that_patient_are_refused_by_name() -> None:
    schedule = make_schedule()
    for reason_id, kind in (("no-such-reason", None), ("home-visit", None), ("first-visit", "existing")):
        with pytest.raises(InvalidInput) as caught:
            free_slots(schedule, reason_id, [], MONDAY, 1, NOW, kind)
        assert caught.value.field == "reason"
    with pytest.raises(InvalidInput) as caught:
        free_slots(schedule, "consultation", [], MONDAY, 1, NOW, "returning")  # type: ignore[arg-type]
    assert caught.value.field == "patient"
    assert len(free_slots(schedule, "first-visit", [], MONDAY, 1, NOW, "new")) == 8
    assert len(free_slots(schedule, "follow-up", [], MONDAY, 1, NOW, "existing")) == 5


def test_now_must_be_aware_and_the_window_start_a_date() -> None:
    with pytest.raises(ValueError, match="now"):
        free_slots(make_schedule(), "consultation", [], MONDAY, 1, datetime(2026, 3, 1, 12))
    with pytest.raises(TypeError, match="start_day"):
        free_slots(make_schedule(), "consultation", [], local(MONDAY, "08:00"), 1, NOW)


# ----------------------------------------------------------------------------------------------------------------
# Holidays, closures, extra openings


@pytest.mark.parametrize(
    ("holiday", "name"),
    [(date(2026, 11, 19), "national day"), (date(2026, 1, 27), "Sainte Dévote"), (date(2026, 12, 8), "Immaculate")],
)
def test_weekly_openings_close_on_monaco_public_holidays(holiday: date, name: str) -> None:
    schedule = make_schedule(openings=(opening(weekdays=EVERY_DAY),))
    now = datetime(2026, 1, 1, tzinfo=MONACO)
    slots = free_slots(schedule, "consultation", [], holiday - timedelta(days=1), 3, now)
    assert {s.start.date() for s in slots} == {holiday - timedelta(days=1), holiday + timedelta(days=1)}, name


def test_without_a_holiday_country_holidays_are_ordinary_days() -> None:
    schedule = make_schedule(openings=(opening(weekdays=EVERY_DAY),), holiday_country=None)
    assert len(day_slots(schedule, date(2026, 11, 19), now=datetime(2026, 1, 1, tzinfo=MONACO))) == 12


def test_an_extra_opening_opens_a_holiday_and_adds_hours_on_an_ordinary_day() -> None:
    national_day = date(2026, 11, 19)
    now = datetime(2026, 11, 1, tzinfo=MONACO)
    schedule = make_schedule(
        extra_openings=(
            ExtraOpening(local(national_day, "10:00"), local(national_day, "11:00"), frozenset({"vaccination"})),
            ExtraOpening(
                local(national_day + timedelta(days=1), "18:00"),
                local(national_day + timedelta(days=1), "19:00"),
                frozenset({"consultation"}),
            ),
        )
    )
    assert [hm(s.start) for s in day_slots(schedule, national_day, "vaccination", now=now)] == [
        "10:00",
        "10:15",
        "10:30",
        "10:45",
    ]
    assert day_slots(schedule, national_day, "consultation", now=now) == []
    friday = [hm(s.start) for s in day_slots(schedule, national_day + timedelta(days=1), now=now)]
    assert friday[:2] == ["08:00", "08:20"] and friday[-3:] == ["18:00", "18:20", "18:40"]


def test_a_long_extra_opening_keeps_its_own_grid_across_days_and_the_window_cuts_it_by_local_date() -> None:
    sunday = MONDAY - timedelta(days=1)
    schedule = make_schedule(
        openings=(),
        extra_openings=(
            ExtraOpening(
                local(sunday, "00:05"), local(sunday + timedelta(days=7), "00:05"), frozenset({"vaccination"})
            ),
        ),
    )
    monday = day_slots(schedule, MONDAY, "vaccination")
    assert len(monday) == 96 and hm(monday[0].start) == "00:05" and hm(monday[-1].start) == "23:50"
    assert [hm(s.start) for s in day_slots(schedule, sunday, "vaccination")][:2] == ["12:05", "12:20"]  # after now
    week = free_slots(schedule, "vaccination", [], MONDAY, 7, NOW)
    assert len(week) == 6 * 96  # Monday to Saturday; the last slot, Saturday 23:50, ends with the opening
    assert week[-1].end == local(sunday + timedelta(days=7), "00:05")


def test_a_closure_removes_every_slot_it_touches_extra_openings_included() -> None:
    schedule = make_schedule(
        closures=(Closure(local(MONDAY, "09:15"), local(MONDAY, "10:00")),),
        extra_openings=(ExtraOpening(local(MONDAY, "09:00"), local(MONDAY, "10:00"), frozenset({"vaccination"})),),
        openings=(opening(reasons=("consultation",)),),
    )
    assert [hm(s.start) for s in day_slots(schedule, MONDAY)] == [
        "08:00",
        "08:20",
        "08:40",
        "10:00",
        "10:20",
        "10:40",
        "11:00",
        "11:20",
        "11:40",
    ]
    assert [hm(s.start) for s in day_slots(schedule, MONDAY, "vaccination")] == ["09:00"]


def test_an_absence_over_several_days_closes_them_all() -> None:
    schedule = make_schedule(closures=(Closure(local(MONDAY, "12:00"), local(MONDAY + timedelta(days=3), "10:00")),))
    slots = free_slots(schedule, "consultation", [], MONDAY, 5, NOW)
    by_day = {d: [hm(s.start) for s in slots if s.start.date() == d] for d in sorted({s.start.date() for s in slots})}
    assert list(by_day) == [MONDAY, MONDAY + timedelta(days=3), MONDAY + timedelta(days=4)]
    assert by_day[MONDAY + timedelta(days=3)][0] == "10:00"


# ----------------------------------------------------------------------------------------------------------------
# Notice, horizon


def test_minimum_notice_counts_from_now_and_keeps_the_grid() -> None:
    schedule = make_schedule(min_notice_minutes=60)
    slots = day_slots(schedule, MONDAY, now=local(MONDAY, "08:30"))
    assert hm(slots[0].start) == "09:40"  # 09:20 starts before 09:30; the grid does not shift to 09:30
    slots = day_slots(schedule, MONDAY, now=local(MONDAY, "08:20"))
    assert hm(slots[0].start) == "09:20"  # exactly the notice is enough


def test_past_days_have_no_slots() -> None:
    assert day_slots(make_schedule(), MONDAY, now=local(MONDAY + timedelta(days=1), "07:00")) == []


def test_the_horizon_counts_local_dates_from_today() -> None:
    schedule = make_schedule(openings=(opening(weekdays=EVERY_DAY),), horizon_days=7)
    tuesday = MONDAY + timedelta(days=1)
    now = local(tuesday, "00:30")  # still Monday in UTC: the horizon counts from Tuesday, the local date
    slots = free_slots(schedule, "consultation", [], MONDAY, MAX_WINDOW_DAYS, now)
    assert min(s.start.date() for s in slots) == tuesday
    assert max(s.start.date() for s in slots) == tuesday + timedelta(days=7)
    assert len(slots) == 8 * 12


# ----------------------------------------------------------------------------------------------------------------
# Busy intervals, buffers, reasons of different durations


def test_a_booked_appointment_hides_exactly_the_grid_slots_it_overlaps() -> None:
    busy = [(local(MONDAY, "08:15"), local(MONDAY, "08:30"))]  # a vaccination
    consultations = [hm(s.start) for s in day_slots(make_schedule(), MONDAY, busy=busy)]
    assert consultations[:3] == ["08:40", "09:00", "09:20"]
    assert len(consultations) == 10  # 08:00 and 08:20 overlap it; the grid does not move
    busy = [(local(MONDAY, "08:00"), local(MONDAY, "08:30"))]  # a first visit
    vaccinations = [hm(s.start) for s in day_slots(make_schedule(), MONDAY, "vaccination", busy=busy)]
    assert vaccinations[:2] == ["08:30", "08:45"]


def test_the_buffer_keeps_a_gap_on_both_sides_of_an_appointment() -> None:
    busy = [(local(MONDAY, "09:00"), local(MONDAY, "09:20"))]
    starts = [hm(s.start) for s in day_slots(make_schedule(buffer_minutes=10), MONDAY, busy=busy)]
    assert "08:20" in starts and "09:40" in starts
    assert not {"08:40", "09:00", "09:20"} & set(starts)
    starts = [hm(s.start) for s in day_slots(make_schedule(buffer_minutes=0), MONDAY, busy=busy)]
    assert {"08:40", "09:20"} <= set(starts) and "09:00" not in starts


def test_busy_intervals_may_come_in_any_order_and_in_any_zone() -> None:
    busy = [
        (local(MONDAY, "11:00").astimezone(UTC), local(MONDAY, "11:20").astimezone(UTC)),
        (local(MONDAY, "08:00"), local(MONDAY, "08:20")),
    ]
    starts = [hm(s.start) for s in day_slots(make_schedule(), MONDAY, busy=busy)]
    assert "08:00" not in starts and "11:00" not in starts and len(starts) == 10
    with pytest.raises(ValueError, match="busy"):
        day_slots(make_schedule(), MONDAY, busy=[(datetime(2026, 3, 2, 8), datetime(2026, 3, 2, 9))])


def test_overlapping_and_nested_busy_intervals_all_count() -> None:
    busy = [
        (local(MONDAY, "08:00"), local(MONDAY, "09:00")),  # a long appointment
        (local(MONDAY, "08:20"), local(MONDAY, "08:40")),  # a hold inside it
        (local(MONDAY, "10:00"), local(MONDAY, "10:30")),
        (local(MONDAY, "10:15"), local(MONDAY, "11:00")),  # overlapping the previous one
    ]
    starts = [hm(s.start) for s in day_slots(make_schedule(), MONDAY, busy=busy)]
    assert starts == ["09:00", "09:20", "09:40", "11:00", "11:20", "11:40"]


def reference_slots(schedule: Schedule, day: date, reason_id: str, busy: list[tuple[datetime, datetime]]) -> list[str]:
    """The slots of a day without clock change, written the naive way: wall-clock stepping, pairwise checks."""
    length = timedelta(minutes=schedule.reasons[reason_id].duration_minutes)
    gap = timedelta(minutes=schedule.rules.buffer_minutes)
    periods = [
        (datetime.combine(day, p.start, MONACO), datetime.combine(day, p.end, MONACO))
        for p in schedule.openings
        if day.weekday() in p.weekdays and reason_id in p.reasons
    ]
    periods += [(e.start, e.end) for e in schedule.extra_openings if reason_id in e.reasons]
    starts: set[datetime] = set()
    for first, end in periods:
        start = first
        while start + length <= end:
            if all(start + length <= b - gap or start >= e + gap for b, e in busy) and all(
                start + length <= c.start or start >= c.end for c in schedule.closures
            ):
                starts.add(start)
            start += length
    return [s.strftime("%H:%M") for s in sorted(starts)]


grid_times = st.integers(min_value=6 * 12, max_value=20 * 12).map(lambda u: time(u // 12, u % 12 * UNIT_MINUTES))


@st.composite
def busy_days(draw: st.DrawFn) -> list[tuple[datetime, datetime]]:
    """Appointments of any duration at any unit-aligned time of MONDAY, possibly overlapping one another."""
    busy = []
    for _ in range(draw(st.integers(0, 8))):
        start = datetime.combine(MONDAY, draw(grid_times), MONACO)
        busy.append((start, start + timedelta(minutes=draw(st.sampled_from([15, 20, 30, 45, 60])))))
    return busy


@st.composite
def stretches(draw: st.DrawFn) -> tuple[datetime, datetime]:
    start, end = sorted(draw(st.lists(grid_times, min_size=2, max_size=2, unique=True)))
    return datetime.combine(MONDAY, start, MONACO), datetime.combine(MONDAY, end, MONACO)


@SETTINGS
@given(
    busy=busy_days(),
    buffer=st.sampled_from([0, 5, 10, 15]),
    reason_id=st.sampled_from(["consultation", "vaccination", "first-visit", "follow-up"]),
    second=st.tuples(grid_times, grid_times),
    closures=st.lists(stretches(), max_size=2),
    extras=st.lists(stretches(), max_size=2),
)
def test_free_slots_are_exactly_the_free_grid_times(
    *,
    busy: list[tuple[datetime, datetime]],
    buffer: int,
    reason_id: str,
    second: tuple[time, time],
    closures: list[tuple[datetime, datetime]],
    extras: list[tuple[datetime, datetime]],
) -> None:
    periods = [opening("08:00", "12:00")]
    if second[0] < second[1]:
        periods.append(Opening(WEEKDAYS, second[0], second[1], frozenset({reason_id})))
    schedule = make_schedule(
        openings=tuple(periods),
        buffer_minutes=buffer,
        closures=tuple(Closure(*c) for c in closures),
        extra_openings=tuple(ExtraOpening(*e, frozenset({reason_id})) for e in extras),
    )
    slots = day_slots(schedule, MONDAY, reason_id, busy=busy)
    assert [hm(s.start) for s in slots] == reference_slots(schedule, MONDAY, reason_id, busy)
    for slot in slots:  # and what the store would lock for it meets no lock of the appointments already there
        mine = set(occupied_units(slot.start, slot.end, buffer))
        assert not any(mine & set(occupied_units(b, e, buffer)) for b, e in busy)


def test_occupied_units_make_overlapping_appointments_of_different_lengths_collide() -> None:
    consultation = occupied_units(local(MONDAY, "09:00"), local(MONDAY, "09:30"))
    vaccination = occupied_units(local(MONDAY, "09:15"), local(MONDAY, "09:30"))
    next_one = occupied_units(local(MONDAY, "09:30"), local(MONDAY, "09:45"))
    assert len(consultation) == 6 and len(vaccination) == 3
    assert set(consultation) & set(vaccination)
    assert not set(consultation) & set(next_one)
    assert consultation[0] == datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    assert all(b - a == timedelta(minutes=UNIT_MINUTES) for a, b in itertools.pairwise(consultation))


def test_occupied_units_with_a_buffer_keep_the_gap_between_any_two_appointments() -> None:
    first = set(occupied_units(local(MONDAY, "09:00"), local(MONDAY, "09:20"), buffer_minutes=10))
    too_close = set(occupied_units(local(MONDAY, "09:25"), local(MONDAY, "09:45"), buffer_minutes=10))
    far_enough = set(occupied_units(local(MONDAY, "09:30"), local(MONDAY, "09:50"), buffer_minutes=10))
    before = set(occupied_units(local(MONDAY, "08:30"), local(MONDAY, "08:50"), buffer_minutes=10))
    assert first & too_close and not first & far_enough and not first & before
    assert len(occupied_units(local(MONDAY, "09:00"), local(MONDAY, "09:20"), buffer_minutes=3)) == 5  # rounded up


def test_occupied_units_count_elapsed_time_across_a_clock_change() -> None:
    units = occupied_units(local(SPRING_FORWARD, "01:45"), local(SPRING_FORWARD, "03:15"))
    assert len(units) == 6  # 01:45 -> 03:15 on that Sunday is 30 minutes
    units = occupied_units(local(FALL_BACK, "02:30", fold=0), local(FALL_BACK, "02:30", fold=1))
    assert len(units) == 12  # one hour between the two 02:30s


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (datetime(2026, 3, 2, 9, 0), datetime(2026, 3, 2, 9, 20), "UTC offset"),
        (datetime(2026, 3, 2, 9, 2, tzinfo=MONACO), datetime(2026, 3, 2, 9, 22, tzinfo=MONACO), "boundary"),
        (datetime(2026, 3, 2, 9, 0, 30, tzinfo=MONACO), datetime(2026, 3, 2, 9, 20, tzinfo=MONACO), "boundary"),
        (datetime(2026, 3, 2, 9, 20, tzinfo=MONACO), datetime(2026, 3, 2, 9, 0, tzinfo=MONACO), "not after"),
        (datetime(2026, 3, 2, 9, 0, tzinfo=MONACO), datetime(2026, 3, 2, 17, 5, tzinfo=MONACO), "at most"),
    ],
)
def test_occupied_units_refuse_what_the_store_must_not_write(start: datetime, end: datetime, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        occupied_units(start, end)


# ----------------------------------------------------------------------------------------------------------------
# Daylight-saving time in Europe/Monaco


def test_no_slot_at_a_time_that_does_not_exist_when_clocks_go_forward() -> None:
    schedule = make_schedule(openings=(opening("01:00", "04:00", weekdays=EVERY_DAY),))
    slots = day_slots(schedule, SPRING_FORWARD, "first-visit")
    assert [s.start.isoformat()[11:] for s in slots] == [
        "01:00:00+01:00",
        "01:30:00+01:00",
        "03:00:00+02:00",
        "03:30:00+02:00",
    ]
    assert slots[1].end == slots[2].start  # 01:30 + 30 minutes is 03:00


def test_an_opening_bound_inside_the_missing_hour_moves_to_the_change() -> None:
    schedule = make_schedule(openings=(opening("02:30", "05:00", weekdays=EVERY_DAY),))
    assert [hm(s.start) for s in day_slots(schedule, SPRING_FORWARD, "first-visit")] == [
        "03:00",
        "03:30",
        "04:00",
        "04:30",
    ]
    schedule = make_schedule(openings=(opening("00:00", "02:30", weekdays=EVERY_DAY),))
    assert [hm(s.start) for s in day_slots(schedule, SPRING_FORWARD, "first-visit")] == [
        "00:00",
        "00:30",
        "01:00",
        "01:30",
    ]


def test_the_repeated_hour_when_clocks_go_back_gives_each_instant_once() -> None:
    schedule = make_schedule(openings=(opening("01:00", "04:00", weekdays=EVERY_DAY),))
    slots = day_slots(schedule, FALL_BACK, "first-visit", now=datetime(2026, 10, 1, tzinfo=MONACO))
    assert [s.start.isoformat()[11:] for s in slots] == [
        "01:00:00+02:00",
        "01:30:00+02:00",
        "02:00:00+02:00",
        "02:30:00+02:00",
        "02:00:00+01:00",
        "02:30:00+01:00",
        "03:00:00+01:00",
        "03:30:00+01:00",
    ]
    # four hours of presence, eight half-hour slots, none twice. Python compares datetimes of one zone by their wall
    # time, so 02:00+02:00 == 02:00+01:00: compare instants.
    assert len({s.start.astimezone(UTC) for s in slots}) == len(slots)


ONLINE = ["consultation", "first-visit", "follow-up", "vaccination"]


def test_a_bound_in_the_repeated_hour_keeps_the_whole_stretch_the_clock_shows() -> None:
    """Hours from 02:30 run from the first 02:30; hours until 02:30 run until the second one."""
    now = datetime(2026, 10, 1, tzinfo=MONACO)
    until = make_schedule(openings=(opening("00:00", "02:30", weekdays=EVERY_DAY),))
    assert [
        s.start.isoformat()[11:16] + s.start.isoformat()[-6:]
        for s in day_slots(until, FALL_BACK, "first-visit", now=now)
    ] == [
        "00:00+02:00",
        "00:30+02:00",
        "01:00+02:00",
        "01:30+02:00",
        "02:00+02:00",
        "02:30+02:00",
        "02:00+01:00",
    ]
    since = make_schedule(openings=(opening("02:30", "04:00", weekdays=EVERY_DAY),))
    assert [
        s.start.isoformat()[11:16] + s.start.isoformat()[-6:]
        for s in day_slots(since, FALL_BACK, "first-visit", now=now)
    ] == [
        "02:30+02:00",
        "02:00+01:00",
        "02:30+01:00",
        "03:00+01:00",
        "03:30+01:00",
    ]


dst_days = st.sampled_from([SPRING_FORWARD, FALL_BACK])
any_day = st.dates(min_value=date(2026, 1, 2), max_value=date(2027, 12, 31))


@st.composite
def openings_of_a_day(draw: st.DrawFn) -> tuple[Opening, ...]:
    periods = []
    for _ in range(draw(st.integers(1, 3))):
        start = draw(st.integers(0, 286))
        end = draw(st.integers(start + 1, 287))
        periods.append(
            Opening(
                EVERY_DAY,
                time(start // 12, start % 12 * 5),
                time(end // 12, end % 12 * 5),
                frozenset(draw(st.lists(st.sampled_from(ONLINE), min_size=1, max_size=4))),
            )
        )
    return tuple(periods)


def assert_sound(slots: list[Slot], schedule: Schedule, reason_id: str, day: date) -> None:
    """What a patient would check: real local times of that day, the right length, no slot twice, nothing outside
    the hours."""
    zone = ZoneInfo(schedule.timezone)
    length = timedelta(minutes=schedule.reasons[reason_id].duration_minutes)
    starts = [s.start.astimezone(UTC) for s in slots]
    assert starts == sorted(set(starts))
    for slot in slots:
        assert slot.start.tzinfo is zone and slot.end.tzinfo is zone
        assert exists(slot.start.replace(tzinfo=None), zone), slot.start
        assert slot.start.date() == day
        assert slot.end.astimezone(UTC) - slot.start.astimezone(UTC) == length
        assert any(reason_id in p.reasons and within(slot, p, zone) for p in schedule.openings), slot


def instants(day: date, clock: time, zone: ZoneInfo) -> list[datetime]:
    """The instants (one, or two in the repeated hour; around the gap when the time does not exist) of a wall time."""
    return [datetime.combine(day, clock, zone).replace(fold=fold).astimezone(UTC) for fold in (0, 1)]


def within(slot: Slot, period: Opening, zone: ZoneInfo) -> bool:
    day = slot.start.date()
    return min(instants(day, period.start, zone)) <= slot.start and slot.end <= max(instants(day, period.end, zone))


def exists(wall: datetime, zone: ZoneInfo = MONACO) -> bool:
    return wall.replace(tzinfo=zone).astimezone(UTC).astimezone(zone).replace(tzinfo=None) == wall


@SETTINGS
@given(periods=openings_of_a_day(), day=dst_days, reason_id=st.sampled_from(ONLINE))
def test_dst_days_give_only_real_times_never_twice_within_the_hours(
    periods: tuple[Opening, ...], day: date, reason_id: str
) -> None:
    schedule = make_schedule(openings=periods)
    slots = day_slots(schedule, day, reason_id, now=datetime(2026, 1, 1, tzinfo=MONACO))
    assert_sound(slots, schedule, reason_id, day)
    if day == SPRING_FORWARD:
        assert not any(time(2, 0) <= slot.start.time() < time(3, 0) for slot in slots)


# Clock changes of other shapes, for territories after Monaco: at midnight (São Paulo 2018: 00:00 did not exist on
# 4 November, 23:00-24:00 came twice on 17 February), by half an hour (Lord Howe Island), at 02:00 (New York).
OTHER_CHANGES = [
    ("America/Sao_Paulo", date(2018, 11, 4)),
    ("America/Sao_Paulo", date(2018, 2, 17)),
    ("Australia/Lord_Howe", date(2026, 4, 5)),
    ("Australia/Lord_Howe", date(2026, 10, 4)),
    ("America/New_York", date(2026, 3, 8)),
    ("America/New_York", date(2026, 11, 1)),
]


@SETTINGS
@given(periods=openings_of_a_day(), change=st.sampled_from(OTHER_CHANGES), reason_id=st.sampled_from(ONLINE))
def test_clock_changes_of_other_shapes_give_sound_slots(
    periods: tuple[Opening, ...], change: tuple[str, date], reason_id: str
) -> None:
    zone_name, day = change
    schedule = Schedule(zone_name, REASONS, periods, rules=BookingRules(horizon_days=5000), holiday_country=None)
    slots = free_slots(schedule, reason_id, [], day, 1, datetime(2018, 1, 1, tzinfo=UTC))
    assert_sound(slots, schedule, reason_id, day)


def test_a_day_that_starts_at_one_in_the_morning() -> None:
    schedule = Schedule(
        "America/Sao_Paulo",
        REASONS,
        (opening("00:00", "02:00", weekdays=EVERY_DAY),),
        rules=BookingRules(horizon_days=5000),
        holiday_country=None,
    )
    slots = free_slots(schedule, "first-visit", [], date(2018, 11, 4), 1, datetime(2018, 1, 1, tzinfo=UTC))
    assert [s.start.isoformat() for s in slots] == ["2018-11-04T01:00:00-02:00", "2018-11-04T01:30:00-02:00"]


@SETTINGS
@given(periods=openings_of_a_day(), day=any_day, reason_id=st.sampled_from(ONLINE))
def test_weekly_rules_keep_their_local_clock_time_all_year(
    periods: tuple[Opening, ...], day: date, reason_id: str
) -> None:
    """On every day but the two clock changes, slots are the wall-clock grid of the opening, in winter and summer."""
    schedule = make_schedule(openings=periods, holiday_country=None, horizon_days=800)
    slots = day_slots(schedule, day, reason_id, now=datetime(2026, 1, 1, tzinfo=MONACO))
    if day in (SPRING_FORWARD, FALL_BACK, date(2027, 3, 28), date(2027, 10, 31)):
        assert_sound(slots, schedule, reason_id, day)
    else:
        assert [hm(s.start) for s in slots] == reference_slots(schedule, day, reason_id, [])
        expected_offset = timedelta(
            hours=2
            if date(2026, 3, 29) < day < date(2026, 10, 25) or date(2027, 3, 28) < day < date(2027, 10, 31)
            else 1
        )
        assert all(s.start.utcoffset() == expected_offset for s in slots)


def test_the_weeks_around_each_change_keep_the_same_local_slots() -> None:
    # No holidays here: 1 November, a week after the autumn change, is All Saints' Day.
    schedule = make_schedule(openings=(opening("08:00", "12:00", weekdays=EVERY_DAY),), holiday_country=None)
    now = datetime(2026, 1, 1, tzinfo=MONACO)
    for change in (SPRING_FORWARD, FALL_BACK):
        before = day_slots(schedule, change - timedelta(days=7), now=now)
        after = day_slots(schedule, change + timedelta(days=7), now=now)
        on_the_day = day_slots(schedule, change, now=now)
        assert [hm(s.start) for s in before] == [hm(s.start) for s in after] == [hm(s.start) for s in on_the_day]
        assert before[0].start.utcoffset() != after[0].start.utcoffset()


# ----------------------------------------------------------------------------------------------------------------
# Checking a requested slot


def test_check_slot_accepts_a_free_slot_and_returns_it_in_the_site_zone() -> None:
    slot = check_slot(make_schedule(), "consultation", local(MONDAY, "09:00").astimezone(UTC), [], NOW)
    assert slot.start.isoformat() == "2026-03-02T09:00:00+01:00"
    assert slot.end.isoformat() == "2026-03-02T09:20:00+01:00"


@pytest.mark.parametrize(
    ("reason_id", "start", "now", "kind", "field"),
    [
        ("no-such-reason", local(MONDAY, "09:00"), NOW, None, "reason"),
        ("home-visit", local(MONDAY, "09:00"), NOW, None, "reason"),
        ("first-visit", local(MONDAY, "09:00"), NOW, "existing", "reason"),
        ("consultation", datetime(2026, 3, 2, 9, 0), NOW, None, "start"),  # no offset
        ("consultation", local(MONDAY, "09:03"), NOW, None, "start"),  # not on a unit
        ("consultation", local(MONDAY, "09:10"), NOW, None, "start"),  # on a unit, not on the grid
        ("consultation", local(MONDAY, "12:00"), NOW, None, "start"),  # after the hours
        ("consultation", local(MONDAY, "11:50"), NOW, None, "start"),  # would end after the hours
        ("consultation", local(MONDAY, "09:00"), local(MONDAY, "09:10"), None, "start"),  # past
        ("consultation", local(MONDAY + timedelta(days=5), "09:00"), NOW, None, "start"),  # Saturday
        ("consultation", local(date(2026, 11, 19), "09:00"), NOW, None, "start"),  # national day
        ("consultation", local(date(2027, 3, 2), "09:00"), NOW, None, "start"),  # beyond the horizon
    ],
)
def test_check_slot_refuses_what_is_not_a_slot_naming_the_field(
    reason_id: str, start: datetime, now: datetime, kind: Any, field: str
) -> None:
    schedule = make_schedule(horizon_days=300)
    with pytest.raises(InvalidInput) as caught:
        check_slot(schedule, reason_id, start, [], now, kind)
    assert caught.value.field == field
    assert caught.value.status == 422
    assert not is_valid_slot(schedule, reason_id, start, [], now, kind)


def test_check_slot_says_taken_when_a_booking_or_its_buffer_overlaps() -> None:
    schedule = make_schedule(buffer_minutes=5)
    busy = [(local(MONDAY, "09:20"), local(MONDAY, "09:40"))]
    for clock in ("09:00", "09:20", "09:40"):
        with pytest.raises(SlotTaken) as caught:
            check_slot(schedule, "consultation", local(MONDAY, clock), busy, NOW)
        assert caught.value.status == 409
    assert is_valid_slot(schedule, "consultation", local(MONDAY, "10:00"), busy, NOW)


def test_check_slot_knows_the_two_instants_of_the_repeated_hour() -> None:
    schedule = make_schedule(openings=(opening("01:00", "04:00", weekdays=EVERY_DAY),))
    now = datetime(2026, 10, 1, tzinfo=MONACO)
    for fold in (0, 1):
        start = local(FALL_BACK, "02:30", fold=fold)
        assert check_slot(schedule, "first-visit", start, [], now).start.utcoffset() == timedelta(hours=2 - fold)


@SETTINGS
@given(
    busy=busy_days(),
    minute=st.integers(0, 24 * 12 - 1),
    reason_id=st.sampled_from(["consultation", "vaccination", "first-visit", "follow-up"]),
    buffer=st.sampled_from([0, 10]),
    now_minute=st.integers(6 * 60, 12 * 60),
)
def test_a_start_is_valid_exactly_when_free_slots_lists_it(
    busy: list[tuple[datetime, datetime]], minute: int, reason_id: str, buffer: int, now_minute: int
) -> None:
    schedule = make_schedule(
        openings=(opening("08:00", "12:00"), opening("13:30", "18:00")), buffer_minutes=buffer, min_notice_minutes=30
    )
    now = datetime.combine(MONDAY, time(), MONACO) + timedelta(minutes=now_minute)
    start = datetime.combine(MONDAY, time(), MONACO) + timedelta(minutes=minute * UNIT_MINUTES)
    listed = {s.start for s in day_slots(schedule, MONDAY, reason_id, busy=busy, now=now)}
    assert is_valid_slot(schedule, reason_id, start, busy, now) == (start in listed)


# ----------------------------------------------------------------------------------------------------------------
# First free slot


def test_first_free_slot_is_the_earliest_of_any_online_reason() -> None:
    schedule = make_schedule(
        openings=(
            opening("09:00", "12:00", reasons=("consultation",)),
            opening("08:30", "09:00", weekdays=frozenset({1}), reasons=("vaccination",)),
            opening("07:00", "08:00", reasons=("home-visit",)),  # by telephone only
        ),
        min_notice_minutes=120,
    )
    assert first_free_slot(schedule, [], local(MONDAY, "07:00")) == Slot(local(MONDAY, "09:00"), local(MONDAY, "09:20"))
    tuesday = MONDAY + timedelta(days=1)
    assert first_free_slot(schedule, [], local(MONDAY, "11:00")) == Slot(
        local(tuesday, "08:30"), local(tuesday, "08:45")
    )
    assert first_free_slot(schedule, [], local(MONDAY, "11:00"), "consultation") == Slot(
        local(tuesday, "09:00"), local(tuesday, "09:20")
    )
    with pytest.raises(InvalidInput):
        first_free_slot(schedule, [], NOW, "home-visit")


def test_first_free_slot_skips_what_is_booked_closed_or_a_holiday_and_sees_extra_openings() -> None:
    monday = date(2026, 11, 16)  # the week of the national day, Thursday 19 November
    schedule = make_schedule(
        openings=(opening("09:00", "10:00", weekdays=frozenset({0, 3}), reasons=("consultation",)),),
        closures=(Closure(local(monday, "09:40"), local(monday, "10:00")),),
    )
    busy = [(local(monday, "09:00"), local(monday, "09:40"))]
    now = local(monday, "08:00")
    assert first_free_slot(schedule, busy, now) == Slot(
        local(monday + timedelta(days=7), "09:00"), local(monday + timedelta(days=7), "09:20")
    )
    with_extra = make_schedule(
        openings=schedule.openings,
        closures=schedule.closures,
        extra_openings=(
            ExtraOpening(
                local(monday + timedelta(days=2), "17:00"),
                local(monday + timedelta(days=2), "18:00"),
                frozenset({"vaccination"}),
            ),
        ),
    )
    assert first_free_slot(with_extra, busy, now) == Slot(
        local(monday + timedelta(days=2), "17:00"), local(monday + timedelta(days=2), "17:15")
    )


def test_first_free_slot_is_none_beyond_the_horizon_or_without_online_reasons() -> None:
    schedule = make_schedule(openings=(opening(weekdays=frozenset({0})),), horizon_days=5)
    assert first_free_slot(schedule, [], local(MONDAY, "13:00")) is None
    only_phone = make_schedule(
        reasons={"home-visit": REASONS["home-visit"]}, openings=(opening(reasons=("home-visit",)),)
    )
    assert first_free_slot(only_phone, [], NOW) is None


@SETTINGS
@given(busy=busy_days(), now_minute=st.integers(0, 3 * 24 * 60), notice=st.sampled_from([0, 90, 1440]))
def test_first_free_slot_agrees_with_free_slots(
    busy: list[tuple[datetime, datetime]], now_minute: int, notice: int
) -> None:
    schedule = make_schedule(
        openings=(
            opening("08:00", "09:00", weekdays=frozenset({0, 2}), reasons=("consultation",)),
            opening("08:30", "10:00", weekdays=frozenset({0, 1}), reasons=("follow-up", "vaccination")),
        ),
        min_notice_minutes=notice,
        horizon_days=6,
    )
    now = datetime.combine(MONDAY, time(), MONACO) + timedelta(minutes=now_minute)
    candidates = [
        slot
        for reason_id in ("consultation", "follow-up", "vaccination")
        for slot in free_slots(schedule, reason_id, busy, now.date(), 7, now)
    ]
    expected = min(candidates, key=lambda s: s.start, default=None)
    found = first_free_slot(schedule, busy, now)
    assert (found and found.start) == (expected and expected.start)


# ----------------------------------------------------------------------------------------------------------------
# Invalid schedules and data files


def test_invalid_values_raise_a_value_error_naming_the_field() -> None:
    cases: list[tuple[Any, str]] = [
        (lambda: opening("12:00", "08:00"), "end"),
        (lambda: opening("08:00", "08:00"), "end"),
        (lambda: opening("08:03", "12:00"), "start"),
        (lambda: opening(weekdays=frozenset()), "weekdays"),
        (lambda: opening(weekdays=frozenset({7})), "weekdays"),
        (lambda: opening(reasons=()), "reasons"),
        (lambda: reason(duration_minutes=17), "duration_minutes"),
        (lambda: reason(duration_minutes=0), "duration_minutes"),
        (lambda: reason(duration_minutes=485), "duration_minutes"),
        (lambda: Closure(local(MONDAY, "10:00"), local(MONDAY, "09:00")), "end"),
        (lambda: Closure(datetime(2026, 3, 2, 9), local(MONDAY, "10:00")), "start"),
        (lambda: ExtraOpening(local(MONDAY, "09:02"), local(MONDAY, "10:00"), frozenset({"consultation"})), "start"),
        (lambda: BookingRules(min_notice_minutes=-1), "min_notice_minutes"),
        (lambda: BookingRules(horizon_days=0), "horizon_days"),
        (lambda: make_schedule(openings=(opening(reasons=("consultation", "x-ray")),)), "openings[0].reasons"),
        (
            lambda: make_schedule(
                extra_openings=(ExtraOpening(local(MONDAY, "18:00"), local(MONDAY, "19:00"), frozenset({"x-ray"})),)
            ),
            "extra_openings[0].reasons",
        ),
        (lambda: make_schedule(holiday_country="XX"), "holiday_country"),
        (lambda: make_schedule(reasons={"a": reason("b")}, openings=()), "reasons['a'].id"),
        (
            lambda: make_schedule(reasons={"long": reason("long", 480)}, openings=(), buffer_minutes=10),
            "reasons['long'].duration_minutes",
        ),
        (lambda: Schedule("Europe/Atlantis", REASONS, ()), "timezone"),
    ]
    for build, field in cases:
        with pytest.raises(ValueError) as caught:
            build()
        assert isinstance(caught.value, ScheduleError) and caught.value.field == field, (field, caught.value)
        assert str(caught.value).startswith(f"{field}: ")


def record(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = json.loads((PRACTITIONERS / "pr-000001.json").read_text(encoding="utf-8"))
    base.update(changes)
    return base


def test_schedule_from_record_reads_a_demo_file() -> None:
    data = record()
    schedule = schedule_from_record(data, "main")
    assert schedule.timezone == "Europe/Monaco"
    assert set(schedule.reasons) == {r["id"] for r in data["visit_reasons"]}
    assert schedule.rules.min_notice_minutes == data["booking_rules"]["min_notice_minutes"]
    assert schedule.reasons["home-visit"].online is False
    assert [sorted(o.weekdays) for o in schedule.openings] == [[0, 1, 2, 3, 4], [1, 2, 4]]
    assert schedule.openings[1].start == time(14, 0)
    slots = free_slots(schedule, "consultation", [], MONDAY, 7, NOW)
    assert [s.start.weekday() for s in slots].count(1) == 24  # Tuesday morning and afternoon


def test_every_demo_data_file_gives_a_valid_schedule_for_each_site() -> None:
    files = sorted(PRACTITIONERS.glob("*.json"))
    assert files
    for path in files:
        data = json.loads(path.read_text(encoding="utf-8"))
        for site in data["sites"]:
            schedule_from_record(data, site["id"])


def test_schedule_from_record_names_the_field_of_the_data_file() -> None:
    data = record()
    hours = data["sites"][0]["hours"]
    cases: list[tuple[dict[str, Any], str, str]] = [
        (
            record(sites=[{**data["sites"][0], "hours": [hours[0], {**hours[1], "end": "13:00"}]}]),
            "main",
            "sites[0].hours[1].end",
        ),
        (
            record(sites=[{**data["sites"][0], "hours": [{**hours[0], "reasons": ["x-ray"]}]}]),
            "main",
            "sites[0].hours[0].reasons",
        ),
        (
            record(sites=[{**data["sites"][0], "hours": [{**hours[0], "start": "8h"}]}]),
            "main",
            "sites[0].hours[0].start",
        ),
        (
            record(sites=[{**data["sites"][0], "hours": [{**hours[0], "days": ["monday"]}]}]),
            "main",
            "sites[0].hours[0].days",
        ),
        (record(sites=[{**data["sites"][0], "hours": [{**hours[0], "days": []}]}]), "main", "sites[0].hours[0].days"),
        (record(sites=[{**data["sites"][0], "timezone": "Mars/Olympus"}]), "main", "sites[0].timezone"),
        (record(visit_reasons=[*data["visit_reasons"], data["visit_reasons"][0]]), "main", "visit_reasons[5].id"),
        (
            record(visit_reasons=[{**data["visit_reasons"][0], "duration_minutes": 22}]),
            "main",
            "visit_reasons[0].duration_minutes",
        ),
        (record(booking_rules={**data["booking_rules"], "horizon_days": 0}), "main", "booking_rules.horizon_days"),
        (record(), "annex", "sites"),
    ]
    for data_file, site_id, field in cases:
        with pytest.raises(ValueError) as caught:
            schedule_from_record(data_file, site_id)
        assert isinstance(caught.value, ScheduleError) and caught.value.field == field, (field, caught.value)


def test_schedule_from_record_takes_the_dated_exceptions_from_the_caller() -> None:
    closure = Closure(local(MONDAY, "00:00"), local(MONDAY + timedelta(days=1), "00:00"))
    schedule = schedule_from_record(record(), "main", closures=[closure], holiday_country=None)
    assert schedule.closures == (closure,) and schedule.holiday_country is None
    assert free_slots(schedule, "consultation", [], MONDAY, 1, NOW) == []


# ----------------------------------------------------------------------------------------------------------------
# The practice's own view: the agenda's grid (open_periods) and the free times it can give by phone (practice_slots)


def test_the_practices_free_times_are_any_reasons_grid_from_now_without_notice_or_horizon() -> None:
    home = opening("08:00", "10:00", reasons=("consultation", "home-visit"))
    schedule = make_schedule(openings=(home,), min_notice_minutes=2880, horizon_days=1)
    now = local(MONDAY, "08:10")
    assert day_slots(schedule, MONDAY + timedelta(days=3), now=now) == []  # the patients': beyond their horizon
    busy = [(local(MONDAY, "09:20"), local(MONDAY, "09:40"))]
    starts = [hm(s.start) for s in practice_slots(schedule, "home-visit", busy, MONDAY, 1, now)]
    assert starts == ["08:40"]  # 08:00 has passed; 09:20 is taken; a reason booked by phone only counts
    later = practice_slots(schedule, "consultation", (), MONDAY + timedelta(days=30), 1, now)
    assert [hm(s.start) for s in later] == ["08:00", "08:20", "08:40", "09:00", "09:20", "09:40"]
    with pytest.raises(InvalidInput):
        practice_slots(schedule, "unknown", (), MONDAY, 1, now)


def test_the_grids_openings_are_each_dates_periods_none_on_a_holiday_and_the_extra_ones() -> None:
    extra = ExtraOpening(
        local(date(2026, 4, 6), "10:00"), local(date(2026, 4, 6), "12:00"), frozenset({"consultation"})
    )
    schedule = make_schedule(openings=(opening("08:00", "12:00", EVERY_DAY),), extra_openings=(extra,))
    found = open_periods(schedule, SPRING_FORWARD - timedelta(days=1), 10)  # Easter Monday 2026: 6 April
    days = [start.date() for start, _, _ in found]
    assert date(2026, 4, 6) in days and days.count(date(2026, 4, 6)) == 1  # the holiday keeps its extra opening only
    assert [(s.isoformat(), e.isoformat()) for s, e, _ in found if s.date() == date(2026, 4, 6)] == [
        ("2026-04-06T10:00:00+02:00", "2026-04-06T12:00:00+02:00")
    ]
    saturday, sunday = found[0], found[1]
    assert saturday[0].isoformat() == "2026-03-28T08:00:00+01:00"
    assert sunday[0].isoformat() == "2026-03-29T08:00:00+02:00"  # the clocks went forward that night
    assert [s for s, _, _ in found] == sorted(s for s, _, _ in found)
