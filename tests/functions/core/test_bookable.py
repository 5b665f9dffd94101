"""The professionals who book online, listed by a sparse index of their profiles (docs/data-model.md, pattern 40):
a profile is in it exactly while its online booking is on, whichever way it was written."""

from __future__ import annotations

from chalicelib.core.profiles import profile_item
from chalicelib.core.store import Store
from tests.functions.factories import practitioner_record


def test_a_profile_is_listed_while_it_books_online(store: Store) -> None:
    for pid, online in (("pr-000002", True), ("pr-000001", True), ("pr-000003", False)):
        store.put_profile(pid, profile_item(practitioner_record(id=pid, online_booking=online)))
    assert [item["practitioner_id"] for item in store.bookable_profiles()] == ["pr-000001", "pr-000002"]
    record = practitioner_record(id="pr-000001", online_booking=False)
    store.save_profile("pr-000001", profile_item(record), 0)  # as the back-office saves its settings
    assert [item["practitioner_id"] for item in store.bookable_profiles()] == ["pr-000002"]
    store.save_profile("pr-000001", profile_item(practitioner_record(id="pr-000001")), 1)
    listed = store.bookable_profiles()
    assert [item["practitioner_id"] for item in listed] == ["pr-000001", "pr-000002"]
    assert listed[0]["version"] == 2  # the whole profile comes with the list: no second read
