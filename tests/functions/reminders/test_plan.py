"""When reminders are due: on the site's wall clock the day before, elapsed hours before, across DST changes."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from chalicelib.reminders.plan import ReminderSettings, due_times

MONACO = ZoneInfo("Europe/Monaco")
DEFAULT = ReminderSettings()
BOTH = ReminderSettings(hours_before=2)


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=MONACO)  # type: ignore[misc]


def test_the_day_before_at_six_pm_local_and_two_hours_before() -> None:
    start = at(2027, 3, 3, 10, 0)
    assert due_times(BOTH, start, "Europe/Monaco", at(2027, 3, 1, 7)) == [
        ("day_before", datetime(2027, 3, 2, 17, 0, tzinfo=UTC)),
        ("hours_before", datetime(2027, 3, 3, 7, 0, tzinfo=UTC)),
    ]


def test_the_day_before_follows_the_wall_clock_across_the_spring_change() -> None:
    # 29 March 2027 is in summer time (+02:00), 26 March in winter time (+01:00): 18:00 both days
    after = due_times(DEFAULT, at(2027, 3, 30, 10), "Europe/Monaco", at(2027, 3, 20, 7))
    before = due_times(DEFAULT, at(2027, 3, 27, 10), "Europe/Monaco", at(2027, 3, 20, 7))
    assert after == [("day_before", datetime(2027, 3, 29, 16, 0, tzinfo=UTC))]
    assert before == [("day_before", datetime(2027, 3, 26, 17, 0, tzinfo=UTC))]


def test_hours_before_are_elapsed_hours_across_the_change() -> None:
    start = at(2027, 3, 28, 9, 0)  # summer time: 07:00 UTC; the night lost an hour
    found = dict(due_times(ReminderSettings(day_before=False, hours_before=8), start, "Europe/Monaco", at(2027, 3, 1)))
    assert found["hours_before"] == datetime(2027, 3, 27, 23, 0, tzinfo=UTC)  # 00:00 local, +01:00


def test_a_skipped_wall_time_lands_after_the_gap() -> None:
    settings = ReminderSettings(day_before_time=time(2, 30))
    found = due_times(settings, at(2027, 3, 29, 10), "Europe/Monaco", at(2027, 3, 1))
    assert found == [("day_before", datetime(2027, 3, 28, 1, 30, tzinfo=UTC))]  # 03:30 summer time


def test_a_booking_inside_the_window_gets_the_next_one_or_a_catch_up() -> None:
    start = at(2027, 3, 3, 10, 0)
    late = at(2027, 3, 2, 19, 0)  # after the day-before reminder's time
    assert due_times(BOTH, start, "Europe/Monaco", late) == [("hours_before", datetime(2027, 3, 3, 7, 0, tzinfo=UTC))]
    assert due_times(DEFAULT, start, "Europe/Monaco", late) == [("catch_up", datetime(2027, 3, 3, 7, 0, tzinfo=UTC))]
    assert due_times(DEFAULT, start, "Europe/Monaco", at(2027, 3, 3, 7, 0)) == []  # three hours ahead: nothing more


def test_nothing_when_the_practice_turned_them_off() -> None:
    off = ReminderSettings(day_before=False)
    assert due_times(off, at(2027, 3, 3, 10), "Europe/Monaco", at(2027, 3, 1)) == []


@given(
    start=st.datetimes(min_value=datetime(2027, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(MONACO)),
    lead=st.integers(min_value=0, max_value=60 * 24 * 40),
    hours=st.none() | st.integers(min_value=1, max_value=24),
    minute=st.integers(min_value=0, max_value=287),
)
def test_reminders_are_never_past_never_after_the_start_and_in_order(
    start: datetime, lead: int, hours: int | None, minute: int
) -> None:
    settings = ReminderSettings(day_before_time=time(minute // 12, minute % 12 * 5), hours_before=hours)
    now = start - timedelta(minutes=lead)
    found = due_times(settings, start, "Europe/Monaco", now)
    instants = [due for _, due in found]
    assert instants == sorted(instants)
    assert all(now < due < start for due in instants)
    for kind, due in found:
        if kind == "day_before":
            local = due.astimezone(MONACO)
            assert local.date() == start.date() - timedelta(days=1)
