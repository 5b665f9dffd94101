"""The feed's resources, pure: ids shared with the FHIR directory, the visit reason a site publishes, times on the
site's clock across a daylight-saving change."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from chalicelib.core.profiles import Profile, profile_item
from chalicelib.slotfeed.resources import FeedSchedule, Publication, feed_reason, fhir_id, slot_resource
from chalicelib.slotfeed.times import feed_times
from plugins.directory import fhir as directory
from tests.functions.factories import practitioner_record, reason

MONACO = ZoneInfo("Europe/Monaco")
PUBLICATION = Publication("https://sante.example.mc", "fr", "MC")


def profile(**overrides: object) -> Profile:
    return Profile.from_item(profile_item(practitioner_record(**overrides)))


@pytest.mark.parametrize(
    "parts",
    [("pr-000001", "main"), ("pr-000001", "main", "20270302T0800Z"), ("pr-" + "x" * 40, "a-very-long-site-id-x" * 2)],
)
def test_ids_are_the_fhir_directory_s(parts: tuple[str, ...]) -> None:
    assert fhir_id(*parts) == directory.fhir_id(*parts)
    assert len(fhir_id(*parts)) <= 64


def test_a_site_publishes_the_first_online_reason_new_patients_book_there() -> None:
    assert feed_reason(profile(), "main") == "consultation"
    closed_to_new = [reason("consultation", 20, new_patients=False), reason("first-visit", 30, existing_patients=False)]
    record = practitioner_record(visit_reasons=closed_to_new)
    for period in record["sites"][0]["hours"]:
        period["reasons"] = ["consultation", "first-visit"]
    assert feed_reason(Profile.from_item(profile_item(record)), "main") == "first-visit"
    only_existing = [reason("follow-up", 20, new_patients=False), reason("by-phone", 20, online=False)]
    record = practitioner_record(visit_reasons=only_existing)
    for period in record["sites"][0]["hours"]:
        period["reasons"] = ["follow-up", "by-phone"]
    assert feed_reason(Profile.from_item(profile_item(record)), "main") == "follow-up"
    for period in record["sites"][0]["hours"]:
        period["reasons"] = ["by-phone"]
    assert feed_reason(Profile.from_item(profile_item(record)), "main") is None  # nothing online: no schedule
    assert feed_reason(profile(accepting_new_patients=False), "main") is None  # slot finders' patients are new


def test_times_carry_the_site_s_offset_either_side_of_summer_time() -> None:
    schedule = FeedSchedule(profile(), "main", "consultation")
    times = feed_times(schedule, [], datetime(2027, 3, 27, 7, tzinfo=MONACO), 2)
    starts = [slot.start.isoformat() for _, slot in times.slots]
    assert starts[0] == "2027-03-27T08:00:00+01:00" and "2027-03-28T08:00:00+02:00" in starts
    last = slot_resource(schedule, PUBLICATION, "free", times.slots[-1][1])
    assert last["start"] == "2027-03-28T17:40:00+02:00" and last["end"] == "2027-03-28T18:00:00+02:00"
    assert last["id"] == "pr-test.main.20270328T1540Z"
    assert last["extension"][0]["valueUrl"].endswith("&start=2027-03-28T15:40:00Z")
