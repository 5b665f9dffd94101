"""The local portal serves the site and the API on one origin, with the production security headers."""

from __future__ import annotations

import json
import signal
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator

import brotli
import pytest

from infra.headers import path_headers, security_headers
from local.launch import start_portal

WORKER = "/pagefind/pagefind-worker.js"


def fetch(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    site = tmp_path_factory.mktemp("site")
    (site / "index.html").write_text("<!doctype html><title>Accueil</title><main>Accueil</main>", encoding="utf-8")
    (site / "fr").mkdir()
    (site / "fr" / "index.html").write_text("<main>fr</main>", encoding="utf-8")
    (site / "404.html").write_text("<main>Page introuvable</main>", encoding="utf-8")
    (site / "pagefind").mkdir()
    (site / "pagefind" / "pagefind-worker.js").write_text("self.onmessage = () => {};", encoding="utf-8")
    (site / "pagefind" / "pagefind.js").write_text("export {};", encoding="utf-8")
    running = start_portal(site, workers=2)
    yield running.url, running.process
    running.stop()


def test_home_page_and_api_health_share_one_origin(portal: tuple[str, subprocess.Popen[str]]) -> None:
    url, _ = portal
    status, headers, body = fetch(url + "/")  # "/" leads to the French home (no Accept-Language here)
    assert status == 200 and body == b"<main>fr</main>"
    assert headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert headers["X-Content-Type-Options"] == "nosniff"
    status, headers, body = fetch(url + "/api/health")
    assert status == 200
    assert json.loads(body) == {"status": "ok", "table": "reachable"}
    assert headers["Content-Security-Policy"].startswith("default-src 'self'")


def test_only_the_search_worker_may_compile_webassembly(portal: tuple[str, subprocess.Popen[str]]) -> None:
    url, _ = portal
    site_policy = security_headers()["Content-Security-Policy"]
    status, headers, _ = fetch(url + WORKER)
    assert status == 200 and headers["Content-Type"].startswith("text/javascript")
    assert headers["Content-Security-Policy"] == path_headers()[WORKER]["Content-Security-Policy"]
    assert headers["Content-Security-Policy"] == site_policy + "; script-src 'self' 'wasm-unsafe-eval'"
    assert headers["X-Content-Type-Options"] == "nosniff"  # the other headers stay
    assert "Strict-Transport-Security" not in headers  # plain-HTTP localhost, as on every answer here
    for page in ("/", "/fr/", "/pagefind/pagefind.js", "/nowhere/", "/api/health"):
        status, headers, _ = fetch(url + page)
        assert headers["Content-Security-Policy"] == site_policy, page
        assert "wasm-unsafe-eval" not in headers["Content-Security-Policy"], page


def test_folders_serve_their_index_and_unknown_pages_are_404(portal: tuple[str, subprocess.Popen[str]]) -> None:
    url, _ = portal
    assert fetch(url + "/fr/")[2] == b"<main>fr</main>"
    status, _, body = fetch(url + "/nowhere/")
    assert status == 404 and b"Page introuvable" in body
    status, _, body = fetch(url + "/../../etc/passwd")
    assert status == 404


def test_unknown_api_route_is_a_json_404(portal: tuple[str, subprocess.Popen[str]]) -> None:
    url, _ = portal
    status, headers, body = fetch(url + "/api/v1/nothing-here")
    assert status == 404
    assert headers["Content-Type"] == "application/json"
    assert json.loads(body)["error"]["code"] == "not_found"


def test_the_api_answers_compressed_json(portal: tuple[str, subprocess.Popen[str]]) -> None:
    """CloudFront compresses the API's answers as it does the site's (Compress: true on /api/*)."""
    url, _ = portal
    request = urllib.request.Request(url + "/api/v1/openapi.json", headers={"Accept-Encoding": "br"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.headers["Content-Encoding"] == "br"
        assert response.headers["Content-Type"].startswith("application/json")
        document = json.loads(brotli.decompress(response.read()))
    assert document["openapi"].startswith("3.1")
    _, headers, plain = fetch(url + "/api/v1/openapi.json")
    assert "Content-Encoding" not in headers and json.loads(plain) == document


def test_ctrl_c_stops_the_portal_cleanly(portal: tuple[str, subprocess.Popen[str]]) -> None:
    _, proc = portal
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=20) == 0
