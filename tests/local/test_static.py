"""The local portal serves the built site as production does: compressed as the browser allows (as CloudFront
compresses), each file with the Cache-Control the deploy gives it, an ETag, and 304 when the browser's copy is
current (docs/operations.md#what-the-site-sends)."""

from __future__ import annotations

import gzip
from pathlib import Path

import brotli
import pytest
from werkzeug.test import Client
from werkzeug.wrappers import Request, Response

from infra.publish import IMMUTABLE, REVALIDATE
from local.static import SiteFiles

PAGE = "<!doctype html><title>Accueil</title><main>" + "Le portail de santé. " * 200 + "</main>"
FILES = {
    "fr/index.html": PAGE,
    "404.html": "<main>Page introuvable</main>",
    "theme/css/site.3f2a9c1b0d.css": "body{margin:0}" * 100,
    "theme/js/booking.1a2b3c4d5e.js": "export const a=1;" * 100,
    "fr/manifest.webmanifest": '{"name": "MonacoSanté"}' + " " * 1200,
    "open-data/establishments.json": "[" + ",".join(['{"id": "x"}'] * 200) + "]",
    "pagefind/pagefind.js": "export{};" * 200,
    "pagefind/fragment/fr_3f1e2a9.pf_fragment": "\x1f\x8b" + "x" * 2000,
    "favicon.ico": "\x00" * 10,
}


@pytest.fixture
def client(tmp_path: Path) -> Client:
    for name, text in FILES.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="latin-1" if name.endswith(("ico", "fragment")) else "utf-8")
    files = SiteFiles(tmp_path)

    @Request.application  # type: ignore[arg-type]
    def app(request: Request) -> Response:
        return files.respond(request)

    return Client(app)


def body(response: Response) -> bytes:
    data = response.get_data()
    coding = response.headers.get("Content-Encoding")
    return brotli.decompress(data) if coding == "br" else gzip.decompress(data) if coding == "gzip" else data


@pytest.mark.parametrize(
    "path",
    [
        "/fr/",
        "/theme/css/site.3f2a9c1b0d.css",
        "/theme/js/booking.1a2b3c4d5e.js",
        "/fr/manifest.webmanifest",
        "/open-data/establishments.json",
        "/pagefind/pagefind.js",
    ],
)
def test_text_is_compressed_as_the_browser_allows(client: Client, path: str) -> None:
    name = "fr/index.html" if path == "/fr/" else path.lstrip("/")
    for accept, coding in (("gzip, deflate, br, zstd", "br"), ("gzip", "gzip"), ("br;q=0, gzip", "gzip"), ("", None)):
        response = client.get(path, headers={"Accept-Encoding": accept})
        assert response.status_code == 200
        assert response.headers.get("Content-Encoding") == coding, (path, accept)
        assert body(response) == FILES[name].encode()
        assert "Accept-Encoding" in response.headers["Vary"]
        if coding:
            assert len(response.get_data()) < len(FILES[name].encode())


def test_small_and_already_compressed_files_go_as_they_are(client: Client) -> None:
    for path in ("/404.html", "/pagefind/fragment/fr_3f1e2a9.pf_fragment", "/favicon.ico"):
        response = client.get(path, headers={"Accept-Encoding": "br, gzip"})
        assert "Content-Encoding" not in response.headers, path


def test_hashed_assets_are_immutable_and_pages_are_revalidated(client: Client) -> None:
    for path in (
        "/theme/css/site.3f2a9c1b0d.css",
        "/theme/js/booking.1a2b3c4d5e.js",
        "/pagefind/fragment/fr_3f1e2a9.pf_fragment",
    ):
        assert client.get(path).headers["Cache-Control"] == IMMUTABLE == "public, max-age=31536000, immutable"
    for path in (
        "/fr/",
        "/fr/manifest.webmanifest",
        "/open-data/establishments.json",
        "/pagefind/pagefind.js",
        "/favicon.ico",
    ):
        assert client.get(path).headers["Cache-Control"] == REVALIDATE, path
    assert client.get("/nowhere/").headers["Cache-Control"] == "no-cache"


def test_an_unchanged_page_answers_304_to_its_etag(client: Client) -> None:
    first = client.get("/fr/", headers={"Accept-Encoding": "br"})
    tag = first.headers["ETag"]
    again = client.get("/fr/", headers={"Accept-Encoding": "br", "If-None-Match": tag})
    assert again.status_code == 304 and again.get_data() == b""
    assert again.headers["ETag"] == tag
    # another representation (gzip) has its own tag: the Brotli one does not validate it
    other = client.get("/fr/", headers={"Accept-Encoding": "gzip", "If-None-Match": tag})
    assert other.status_code == 200 and other.headers["ETag"] != tag
    plain = client.get("/fr/")
    assert client.get("/fr/", headers={"If-None-Match": plain.headers["ETag"]}).status_code == 304


def test_a_changed_page_gets_a_new_etag(client: Client, tmp_path: Path) -> None:
    tag = client.get("/fr/").headers["ETag"]
    (tmp_path / "fr" / "index.html").write_text(PAGE + "<!-- rebuilt -->", encoding="utf-8")
    response = client.get("/fr/", headers={"If-None-Match": tag})
    assert response.status_code == 200 and response.headers["ETag"] != tag
