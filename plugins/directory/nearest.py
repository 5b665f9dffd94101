"""Who else nearby accepts new patients: for each professional who does not, the nearest professionals of their
specialty (their first one; their profession when they have none) who do, by the distance between their sites'
coordinates in the data files (the closest pair of sites when either has several).

Distances are on a flat map around the two points (equirectangular: exact to a few metres over the tens of
kilometres a patient travels), in whole metres. The search is a sweep by latitude: the candidates of a specialty
are sorted by latitude, and from the professional's latitude outwards only those nearer in latitude than the
third-best distance found so far are looked at (and only candidates nearer than it are kept), so a professional
costs about the candidates within that distance in latitude, whether a territory is a few square kilometres full
of professionals or a region where the next one is far. The whole grows as N^1.5: bench/nearest.py and
docs/performance.md give the figures (a grid would make it linear, should a directory of 100,000 need it).

Pure: summaries in, positions and metres out (plugins.directory.views keeps the result with the indexes, the
build caches it while no summary changes).
"""

from __future__ import annotations

import heapq
import math
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Sequence

from plugins.directory.records import Summary

COUNT = 3  # professionals suggested
METRES_PER_DEGREE = math.pi / 180 * 6_371_000
Nearest = dict[int, list[tuple[int, int]]]  # position -> [(position, metres)], nearest first


def specialty_key(s: Summary) -> tuple[str, str]:
    """What "the same" means for a professional: their first specialty, else their profession."""
    return ("specialty", s.specialties[0]) if s.specialties else ("profession", s.profession)


def nearest_accepting(summaries: Sequence[Summary], count: int = COUNT) -> Nearest:
    """For each professional not accepting new patients (a position in ``summaries``), the ``count`` nearest who
    accept them and share their specialty (all of their specialties count: a paediatrician who is also an
    allergist is among the allergists), nearest first; ties in the order of ``summaries``."""
    points: dict[tuple[str, str], list[tuple[float, float, int]]] = defaultdict(list)
    for i, s in enumerate(summaries):
        if s.accepting_new_patients:
            keys = [("specialty", code) for code in s.specialties] or [("profession", s.profession)]
            for key in keys:
                points[key].extend((lat, lon, i) for lat, lon in s.positions)
    groups = {key: sorted(found) for key, found in points.items()}
    latitudes = {key: [p[0] for p in found] for key, found in groups.items()}
    result: Nearest = {}
    for i, s in enumerate(summaries):
        key = specialty_key(s)
        if s.accepting_new_patients or key not in groups:
            continue
        best: dict[int, float] = {}
        for where in s.positions:
            sweep(groups[key], latitudes[key], where, best, count)
        ranked = sorted(best.items(), key=lambda item: (item[1], item[0]))[:count]
        result[i] = [(j, round(metres)) for j, metres in ranked]
    return result


def sweep(
    points: list[tuple[float, float, int]],
    latitudes: list[float],
    where: tuple[float, float],
    best: dict[int, float],
    count: int,
) -> None:
    """Look at ``points`` (sorted by latitude) outwards from ``where``, keeping in ``best`` each candidate's smallest
    distance, until the next point is farther in latitude alone than the ``count``-th best distance."""
    lat, lon = where
    squeeze = math.cos(math.radians(lat)) * METRES_PER_DEGREE  # metres per degree of longitude here
    limit = heapq.nsmallest(count, best.values())[-1] if len(best) >= count else math.inf
    below, above = bisect_left(latitudes, lat) - 1, bisect_left(latitudes, lat)
    while True:
        south = (lat - latitudes[below]) * METRES_PER_DEGREE if below >= 0 else math.inf
        north = (latitudes[above] - lat) * METRES_PER_DEGREE if above < len(points) else math.inf
        if min(south, north) >= limit:
            return
        if south <= north:
            other_lat, other_lon, j = points[below]
            below -= 1
        else:
            other_lat, other_lon, j = points[above]
            above += 1
        metres = math.hypot((other_lat - lat) * METRES_PER_DEGREE, (other_lon - lon) * squeeze)
        # farther than the count-th best: never among the nearest (kept out, so that the limit stays cheap to find)
        if metres < limit and metres < best.get(j, math.inf):
            best[j] = metres
            if len(best) >= count:
                limit = heapq.nsmallest(count, best.values())[-1]
