"""Nothing moves under the reader's eyes while a page fills itself in (Cumulative Layout Shift, measured in Chromium).

A ``PerformanceObserver`` of ``layout-shift`` entries is installed before the page's own scripts run; the page then
loads with the real API behind it (the local portal), the scripts put in what they fetch (the booking widget and
its first free time, the first free time on each card of a list, the results of a linked search), and the shifts
not caused by the reader's own input are added up. Lighthouse's "good" is below 0.1; ours is near 0, at phone and
desktop widths, in both languages.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.portal import Portal

OBSERVE = """
window.__shifts = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (entry.hadRecentInput) continue;
    window.__shifts.push({
      value: entry.value,
      sources: (entry.sources || []).map((s) => s.node ? (s.node.className || s.node.nodeName) : "?"),
    });
  }
}).observe({ type: "layout-shift", buffered: true });
"""
LIMIT = 0.01  # well under Lighthouse CI's 0.02
WIDTHS = {"phone": (375, 812), "desktop": (1280, 900)}
PAGES = {
    # what the page fills in once loaded, and how to know it has
    "professional": ("/{lang}/professionals/pr-000001/", ".booking--live [data-first]:not([hidden])"),
    "search": ("/{lang}/search/?q=cardio", "[data-search-results] .first-available:not(:empty)"),
    "list": ("/{lang}/specialties/general-practice/", ".card .first-available:not(:empty)"),
    # opened without the e-mail's link: the page says how to open it
    "manage": ("/{lang}/appointment/", '[data-view="missing"]:not([hidden])'),
}


def layout_shift(chromium: Any, url: str, ready: str, size: tuple[int, int]) -> tuple[float, list[Any]]:
    context = chromium.new_context(viewport={"width": size[0], "height": size[1]})
    context.set_default_timeout(30_000)
    context.add_init_script(OBSERVE)
    try:
        page = context.new_page()
        page.goto(url, wait_until="load")
        page.locator(ready).first.wait_for()
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(300)  # a last frame after the scripts' final writes
        shifts: list[dict[str, Any]] = page.evaluate("window.__shifts")
        return sum(s["value"] for s in shifts), shifts
    finally:
        context.close()


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("kind", list(PAGES))
def test_pages_do_not_move_while_they_fill_in(portal: Portal, chromium: Any, kind: str, lang: str, width: str) -> None:
    path, ready = PAGES[kind]
    total, shifts = layout_shift(chromium, portal.url + path.format(lang=lang), ready, WIDTHS[width])
    assert total < LIMIT, f"{kind} ({lang}, {width}): layout shift {total:.3f} from {shifts}"
