"""Browser tests: Debian's Chromium driven by Playwright, and the demo site built once and served on 127.0.0.1.

``chromium`` (tests/conftest.py) is one headless browser per session (never a downloaded one). ``site_url``
builds the demo site and its Pagefind index into a temporary folder and serves it the way the local portal does:
``local.portal.PortalApp`` with the production security headers on every response (and the search worker's own,
infra/security_headers.json).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from local.portal import PortalApp
from tests.site.sitebuild import build, index


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo site (400 professionals, French and English) and its search index."""
    output = tmp_path_factory.mktemp("e2e-site") / "output"
    result = build(output)
    assert result.returncode == 0, result.stdout + result.stderr
    result = index(output)
    assert result.returncode == 0, result.stdout + result.stderr
    return output


@pytest.fixture(scope="session")
def site_url(built_site: Path) -> Iterator[str]:
    """Base URL (no trailing slash) of the built site, served with the portal's headers on a free port."""
    app = PortalApp(built_site, pool=None)  # type: ignore[arg-type]  # static pages only
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


class Console:
    """Console errors and failed requests of one page (CSP violations are reported as console errors).

    The site server of these tests has no API: answers from ``/api/`` are not the site's errors (the pages must
    work without the API, which the booking journey's tests run for real).
    """

    def __init__(self, page: Any) -> None:
        self.errors: list[str] = []
        page.on("console", self.console)
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on(
            "requestfailed", lambda request: self.site(request.url) and self.errors.append(f"failed: {request.url}")
        )
        page.on("response", self.response)

    @staticmethod
    def site(url: str) -> bool:
        return "/api/" not in url

    def console(self, message: Any) -> None:
        # a failed resource is reported by its response (with its URL) rather than by its console line
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.errors.append(message.text)

    def response(self, response: Any) -> None:
        if response.status >= 400 and self.site(response.url) and response.request.resource_type != "document":
            self.errors.append(f"{response.status}: {response.url}")


@pytest.fixture
def browser_page(chromium: Any) -> Iterator[tuple[Any, Console]]:
    """A fresh page (own context: no shared storage) and the console messages it logs; generous timeouts. The
    browser's clock is UTC, another zone than the demo's practices (Monaco): times name their zone (a visitor in
    Monaco's zone sees them without it, test_booking_weeks.py)."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, timezone_id="UTC")
    context.set_default_timeout(30_000)
    page = context.new_page()
    console = Console(page)
    try:
        yield page, console
    finally:
        context.close()


@pytest.fixture(autouse=True)
def own_network(request: pytest.FixtureRequest) -> None:
    """Each test that uses the portal starts as a patient on a network of their own (tests/e2e/portal.py)."""
    if "portal" in request.fixturenames:
        request.getfixturevalue("portal").new_network()


@pytest.fixture(scope="session")
def portal(built_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The local portal (site, API workers, local AWS endpoint with the demo booking profiles) on a free port, for
    the patient's journey: one for the session (tests/e2e/portal.py)."""
    from tests.e2e.portal import running_portal

    with running_portal(built_site, tmp_path_factory.mktemp("portal")) as running:
        yield running
