"""How the feed is laid out in files, and its manifest. Pure: names, groups and bytes.

``fhir/$bulk-publish`` is the manifest. Under ``fhir/scheduling/``: ``Location.ndjson``,
``PractitionerRole.ndjson`` and ``Schedule.ndjson`` (every bookable site), and the slots split by local date,
``Slot.2027-03-02.ndjson``, so that a client wanting the next days fetches those days only, and a booking rewrites
the file of its day alone. Past
``PROFESSIONALS_PER_FILE`` professionals each day is split again into a power of two of groups, a professional's
group chosen by a digest of their id (``Slot.2027-03-02.3-of-8.ndjson``): a file stays small whatever the territory.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from hashlib import blake2b
from typing import Any

from . import PERIOD_MINUTES

MANIFEST = "fhir/$bulk-publish"
PREFIX = "fhir/scheduling/"
LOCATIONS = PREFIX + "Location.ndjson"
ROLES = PREFIX + "PractitionerRole.ndjson"
SCHEDULES = PREFIX + "Schedule.ndjson"
PROFESSIONALS_PER_FILE = 256
NDJSON = "application/fhir+ndjson"
JSON = "application/json; charset=utf-8"
# Clients poll once a period (the specification reads max-age as the polling interval); the CDN asks the bucket
# again after a minute, so a new pass reaches clients within a minute of being written.
CACHE_CONTROL = f"public, max-age={PERIOD_MINUTES * 60}, s-maxage=60"
SLOT_FILE = re.compile(r"^" + re.escape(PREFIX) + r"Slot\.(\d{4}-\d\d-\d\d)(?:\.(\d+)-of-(\d+))?\.ndjson$")


def group_count(professionals: int, per_file: int = PROFESSIONALS_PER_FILE) -> int:
    """The number of groups each day's slots are split into: the least power of two that keeps each group near
    ``per_file`` professionals."""
    count = 1
    while professionals > count * per_file:
        count *= 2
    return count


def group_of(practitioner_id: str, count: int) -> int:
    """A professional's group (0 to ``count - 1``): the same on every pass while the count stays."""
    return int.from_bytes(blake2b(practitioner_id.encode(), digest_size=8).digest(), "big") % count


def slot_key(day: date, group: int, count: int) -> str:
    if count == 1:
        return f"{PREFIX}Slot.{day.isoformat()}.ndjson"
    return f"{PREFIX}Slot.{day.isoformat()}.{group + 1}-of-{count}.ndjson"


def slot_file(key: str) -> tuple[date, int] | None:
    """(day, group count) of a Slot file's key; None for any other key."""
    found = SLOT_FILE.match(key)
    if found is None:
        return None
    return date.fromisoformat(found.group(1)), int(found.group(3) or 1)


def ndjson(resources: Iterable[dict[str, Any]]) -> bytes:
    """One compact JSON resource per line, UTF-8."""
    return b"".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n" for r in resources)


@dataclass(frozen=True)
class Output:
    """One file of the manifest: its resource type, its key in the bucket and how many resources it holds."""

    type: str
    key: str
    count: int


def instant(moment: datetime) -> str:
    """FHIR's instant in UTC, to the millisecond: ``2027-03-01T06:00:00.000Z``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def manifest(transaction_time: datetime, origin: str, outputs: Sequence[Output], territory: str) -> bytes:
    """The Bulk Publication Manifest: the pass's time, its own URL, every file with the territory it covers (the
    specification's ``extension.state``, which lets a client skip a publisher outside its region), no error.
    ``requiresAccessToken`` is false: FHIR Bulk Data, whose manifest this is, requires the field, and the files are
    open (as the FHIR directory's manifest says too)."""
    base = origin.rstrip("/")
    document = {
        "transactionTime": instant(transaction_time),
        "request": f"{base}/{MANIFEST}",
        "requiresAccessToken": False,
        "output": [
            {"type": o.type, "url": f"{base}/{o.key}", "count": o.count, "extension": {"state": [territory]}}
            for o in outputs
        ],
        "error": [],
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8") + b"\n"
