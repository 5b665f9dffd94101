"""One pass of the slot feed: read the bookable professionals and their occupied times, write the files that
changed, then the manifest, then remove what no manifest lists any more.

Reads (docs/data-model.md, patterns 40 and 41): one Query of GSI1's ``BOOKABLE`` partition for every bookable
profile, then one Query of units per professional over the feed's days, which serves all their sites (a
professional is never in two places at once, so the units are theirs, not a site's). Never a Scan.

Writes: a file is put only when its bytes differ from the bucket's (its ETag is their MD5), so an unchanged file
keeps its ETag and Last-Modified and a client's conditional request is answered 304. The manifest is put on every
pass, last, so that it never lists a file not yet written; its ``transactionTime`` tells clients how fresh the
feed is.
"""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from ..core.profiles import Profile
from ..core.schedule import ScheduleError
from ..core.units import busy_intervals
from . import files
from .bucket import Bucket
from .resources import (
    FREE,
    FeedSchedule,
    Publication,
    feed_reason,
    location,
    practitioner_role,
    schedule_resource,
    slot_resources,
)
from .times import feed_times

if TYPE_CHECKING:
    from ..core.store import Store

logger = logging.getLogger(__name__)

FEED_DAYS = 14
"""The horizon: the local dates published, today included (a professional's own horizon may be shorter)."""


@dataclass
class Report:
    """What a pass did (logged, and read by the tests and the benchmark)."""

    professionals: int = 0
    schedules: int = 0
    free: int = 0
    busy: int = 0
    skipped: list[str] = field(default_factory=list)  # professionals whose stored profile could not be read
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    deleted: list[str] = field(default_factory=list)
    dynamodb_requests: int = 0
    s3_requests: int = 0


@dataclass
class SlotFeed:
    store: Store
    bucket: Bucket
    publication: Publication
    clock: Callable[[], datetime]
    days: int = FEED_DAYS
    per_file: int = files.PROFESSIONALS_PER_FILE

    def publish(self) -> Report:
        """One pass: every file that changed, the manifest, and the removal of stale files."""
        now = self.clock()
        report = Report()
        requests = self.store.requests, self.bucket.requests
        bookable = self._bookable(report)
        count = files.group_count(len(bookable), self.per_file)
        out = _Files(self.bucket, self.bucket.etags(files.PREFIX), report)
        locations, roles, schedules, slot_files = [], [], [], []
        for group in range(count):
            members = [(p, s) for p, s in bookable if files.group_of(p.id, count) == group]
            days, found = self._group(members, now, report)
            feed_schedules = [schedule for _, of_one in members for schedule in of_one]
            locations += [location(schedule, self.publication) for schedule in feed_schedules]
            roles += [practitioner_role(schedule, self.publication) for schedule in feed_schedules]
            schedules += [found[schedule.id] for schedule in feed_schedules]
            for day in sorted(days):
                slot_files.append(out.write("Slot", files.slot_key(day, group, count), days[day]))
        outputs = [
            out.write("Location", files.LOCATIONS, locations),
            out.write("PractitionerRole", files.ROLES, roles),
            out.write("Schedule", files.SCHEDULES, schedules),
        ]
        outputs += sorted(slot_files, key=lambda o: o.key)
        body = files.manifest(now, self.publication.origin, outputs, self.publication.territory)
        self.bucket.put(files.MANIFEST, body, files.JSON, files.CACHE_CONTROL)
        report.written.append(files.MANIFEST)
        report.deleted = sorted(stale(set(out.listed) - out.kept, count, now.astimezone(UTC).date()))
        if report.deleted:
            self.bucket.delete(report.deleted)
        report.dynamodb_requests = self.store.requests - requests[0]
        report.s3_requests = self.bucket.requests - requests[1]
        logger.info(
            "slot feed: %d professionals, %d schedules, %d free and %d busy slots, %d files written, %d unchanged, "
            "%d deleted, %d DynamoDB and %d S3 requests",
            report.professionals,
            report.schedules,
            report.free,
            report.busy,
            len(report.written),
            report.unchanged,
            len(report.deleted),
            report.dynamodb_requests,
            report.s3_requests,
        )
        return report

    def _bookable(self, report: Report) -> list[tuple[Profile, list[FeedSchedule]]]:
        """Each bookable professional (in id order) and their schedules; a profile that cannot be read is skipped
        and named in the log, so that one bad profile never stops the feed."""
        found = []
        for item in sorted(self.store.bookable_profiles(), key=lambda i: str(i["practitioner_id"])):
            try:
                profile = Profile.from_item(item)
                schedules = [
                    FeedSchedule(profile, site, reason)
                    for site in profile.site_ids
                    if (reason := feed_reason(profile, site)) is not None and profile.schedule(site)
                ]
                _ = profile.buffer_minutes  # read now: a profile without booking rules is named, not met later
            except (ScheduleError, KeyError, TypeError, ValueError) as err:
                logger.warning("slot feed: profile %s skipped: %s", item.get("practitioner_id"), err)
                report.skipped.append(str(item.get("practitioner_id")))
                continue
            if not schedules:
                continue  # no site takes a visit reason online: nothing to publish, nothing to read
            found.append((profile, schedules))
            report.professionals += 1
            report.schedules += len(schedules)
        return found

    def _group(
        self, members: list[tuple[Profile, list[FeedSchedule]]], now: datetime, report: Report
    ) -> tuple[dict[date, list[dict[str, Any]]], dict[str, dict[str, Any]]]:
        """The Slot resources of a group by local date, and its Schedule resources by id: one Query of units per
        professional (in parallel), over the feed's days with a margin for every time zone."""
        first = now.astimezone(UTC).date() - timedelta(days=1)
        windows = [(p.id, *p.units_window(first, self.days + 2)) for p, _ in members]
        units = self.store.units_of_many(windows)
        now_s = int(now.timestamp())
        days: dict[date, list[dict[str, Any]]] = defaultdict(list)
        schedules: dict[str, dict[str, Any]] = {}
        for (_, feed_schedules), items in zip(members, units, strict=True):
            busy = busy_intervals(items, now_s)
            for schedule in feed_schedules:
                times = feed_times(schedule, busy, now, self.days)
                schedules[schedule.id] = schedule_resource(schedule, self.publication, times.first, times.last)
                for slot, resource in slot_resources(schedule, self.publication, times.slots):
                    days[slot.start.date()].append(resource)
                free = sum(status == FREE for status, _ in times.slots)
                report.free += free
                report.busy += len(times.slots) - free
        return days, schedules


@dataclass
class _Files:
    """The pass's writes: what the bucket held (key -> ETag), what this pass keeps, and the report."""

    bucket: Bucket
    listed: dict[str, str]
    report: Report
    kept: set[str] = field(default_factory=set)

    def write(self, kind: str, key: str, resources: list[dict[str, Any]]) -> files.Output:
        """Put the file unless the bucket holds these very bytes; its line in the manifest."""
        body = files.ndjson(resources)
        self.kept.add(key)
        if self.listed.get(key) == hashlib.md5(body, usedforsecurity=False).hexdigest():
            self.report.unchanged += 1
        else:
            self.bucket.put(key, body, files.NDJSON, files.CACHE_CONTROL)
            self.report.written.append(key)
        return files.Output(kind, key, len(resources))


def stale(unlisted: set[str], count: int, today: date) -> set[str]:
    """The files to remove among those the new manifest does not list. A day's Slot file stays until the day after
    its date (a client holding an older manifest still finds it, and a day whose last slot has passed keeps its
    file); a file of another group count, or any other, goes at once."""
    keep = set()
    for key in unlisted:
        found = files.slot_file(key)
        if found is not None and found[1] == count and found[0] >= today - timedelta(days=1):
            keep.add(key)
    return unlisted - keep
