"""Who nearby accepts new patients (plugins/directory/nearest.py), with plain summaries; and the rebuild that shows
a change of someone else's data on the pages that suggest them."""

from __future__ import annotations

import json
import math
import random
import re
from pathlib import Path

from plugins.directory.nearest import nearest_accepting
from plugins.directory.records import Summary
from tests.site.sitebuild import build, copy_content

MONACO = (43.7384, 7.4246)


def summary(
    number: int,
    *positions: tuple[float, float],
    accepting: bool = True,
    specialties: tuple[str, ...] = ("general-practice",),
    profession: str = "physician",
) -> Summary:
    return Summary(
        f"pr-{number:06d}", "Ana", f"Name{number}", profession, specialties, ("monte-carlo",), (), ("fr",), "dr",
        accepting, positions,
    )  # fmt: skip


def north(metres: float, east: float = 0.0) -> tuple[float, float]:
    """A point ``metres`` north and ``east`` metres east of MONACO."""
    lat = MONACO[0] + metres / 111_194.93
    return lat, MONACO[1] + east / (111_194.93 * math.cos(math.radians(MONACO[0])))


def test_the_nearest_who_accept_of_the_same_specialty_nearest_first() -> None:
    everyone = [
        summary(0, north(0), accepting=False),
        summary(1, north(900)),
        summary(2, north(-300)),
        summary(3, north(120, 50), accepting=False),  # does not accept either: never suggested
        summary(4, north(200), specialties=("paediatrics",)),  # another specialty
        summary(5, north(2500)),
        summary(6, north(600, -600)),
    ]
    found = nearest_accepting(everyone)
    assert found[0] == [(2, 300), (6, 849), (1, 900)]
    assert set(found) == {0, 3}  # only those who do not accept new patients get suggestions


def test_several_sites_count_by_their_closest_pair() -> None:
    everyone = [
        summary(0, north(0), north(5000), accepting=False),
        summary(1, north(4900)),  # 100 m from the second site
        summary(2, north(-400), north(8000)),
        summary(3, north(450)),
    ]
    assert nearest_accepting(everyone)[0] == [(1, 100), (2, 400), (3, 450)]


def test_without_specialty_the_profession_and_a_candidate_s_every_specialty_counts() -> None:
    everyone = [
        summary(0, north(0), accepting=False, specialties=(), profession="pharmacist"),
        summary(1, north(50), specialties=(), profession="pharmacist"),
        summary(2, north(10), specialties=(), profession="nurse"),
        summary(3, north(0), accepting=False, specialties=("allergology", "paediatrics")),  # their first counts
        summary(4, north(30), specialties=("paediatrics", "allergology")),
        summary(5, north(20), specialties=("paediatrics",)),
    ]
    found = nearest_accepting(everyone)
    assert found[0] == [(1, 50)]
    assert found[3] == [(4, 30)]


def test_the_sweep_finds_what_looking_at_everyone_finds() -> None:
    rng = random.Random(2026)
    everyone = [
        summary(
            i,
            *[north(rng.uniform(-3000, 3000), rng.uniform(-3000, 3000)) for _ in range(rng.choice((1, 1, 2)))],
            accepting=rng.random() < 0.8,
            specialties=(rng.choice(("a", "b", "c")),),
        )
        for i in range(600)
    ]
    found = nearest_accepting(everyone)
    for i, s in enumerate(everyone):
        if s.accepting_new_patients:
            continue
        scale = math.cos(math.radians(s.positions[0][0])) * 111_194.93

        def far(o: Summary, s: Summary = s, scale: float = scale) -> float:
            return min(
                math.hypot((a[0] - b[0]) * 111_194.93, (a[1] - b[1]) * scale) for a in s.positions for b in o.positions
            )

        candidates = [
            (far(o), j)
            for j, o in enumerate(everyone)
            if o.accepting_new_patients and s.specialties[0] in o.specialties
        ]
        assert [j for j, _ in found[i]] == [j for _, j in sorted(candidates)[:3]]


def suggestions(page: Path) -> list[str]:
    """The ids a professional's page suggests (its nearest-accepting block), in order."""
    html = page.read_text(encoding="utf-8")
    if 'class="nearest"' not in html:
        return []
    block = html[html.index('class="nearest"') : html.index("</section>", html.index('class="nearest"'))]
    return re.findall(r'href="/\w+/professionals/([\w-]+)/"', block)


def test_a_page_shows_again_who_accepts_when_someone_else_stops(tmp_path: Path) -> None:
    """The suggested professional stops accepting new patients: only their file changes, yet the page that suggested
    them is rendered again without them (the manifest keeps what each page's suggestions show)."""
    content = copy_content(tmp_path / "content")
    output, cache = tmp_path / "output", tmp_path / "cache"
    assert build(output, content, cache).returncode == 0
    folder = output / "en" / "professionals"
    suggester = next(path.name for path in sorted(folder.iterdir()) if suggestions(path / "index.html"))
    before = suggestions(folder / suggester / "index.html")
    record = content / "directory" / "practitioners" / f"{before[0]}.json"
    data = json.loads(record.read_text(encoding="utf-8"))
    data["accepting_new_patients"] = False
    record.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    assert build(output, content, cache).returncode == 0
    after = suggestions(folder / suggester / "index.html")
    assert after[:2] == before[1:] and len(after) == 3 and before[0] not in after  # the next one in their place
    assert suggestions(folder / before[0] / "index.html")  # who stopped now gets suggestions of their own
