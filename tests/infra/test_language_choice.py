"""The root's language choice: one table of cases, answered by the CloudFront Function (production, run with Node.js)
and by the local portal (local/language.py through PortalApp), which must agree."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from werkzeug.test import Client

import pelicanconf
from infra.synth import TEMPLATES
from local.portal import PortalApp

NODE = shutil.which("node")

# (Accept-Language, cookie "lang", query string, where "/" leads)
CASES = [
    (None, None, "", "/fr/"),
    ("", None, "", "/fr/"),
    ("it", None, "", "/it/"),
    ("it-IT,it;q=0.9,en;q=0.8", None, "", "/it/"),
    ("it-CH", None, "", "/it/"),
    ("ES-es", None, "", "/es/"),
    ("ru-RU,ru;q=0.9", None, "", "/ru/"),
    ("de-DE,de;q=0.9", None, "", "/fr/"),  # a language the site does not speak: French
    ("de-DE,de;q=0.9,en;q=0.5", None, "", "/en/"),  # the first the site speaks
    ("en;q=0.4,es;q=0.8", None, "", "/es/"),  # the weights, not the order
    ("ru, it", None, "", "/ru/"),  # equal weights: the first wins
    ("it;q=0, en", None, "", "/en/"),  # q=0 is "not acceptable"
    ("it;q=0", None, "", "/fr/"),
    ("it;q=abc,es;q=0.2", None, "", "/es/"),  # a malformed weight counts for nothing
    ("it;q=1.5,es;q=0.2", None, "", "/es/"),
    ("*", None, "", "/fr/"),
    ("zh-Hant-TW;q=0.9, ru;q=0.1", None, "", "/ru/"),
    ("ru", "it", "", "/it/"),  # the remembered choice wins over the browser
    (None, "en", "", "/en/"),
    ("es", "xx", "", "/es/"),  # a cookie the site does not know is ignored
    ("es", "../evil", "", "/es/"),
    (None, None, "utm_source=leaflet", "/fr/?utm_source=leaflet"),  # the query is kept
]


def edge_answers() -> list[dict[str, Any]]:
    """The CloudFront Function's answer to each case, all in one Node.js run."""
    events = []
    for accept, cookie, query, _ in CASES:
        querystring = {k: {"value": v} for k, _, v in (p.partition("=") for p in query.split("&") if p)}
        events.append(
            {
                "request": {
                    "uri": "/",
                    "method": "GET",
                    "querystring": querystring,
                    "headers": {} if accept is None else {"accept-language": {"value": accept}},
                    "cookies": {} if cookie is None else {"lang": {"value": cookie}},
                }
            }
        )
    harness = (
        "const fs = require('fs');"
        "eval(fs.readFileSync(process.argv[1], 'utf8'));"
        "const events = JSON.parse(fs.readFileSync(0, 'utf8'));"
        "console.log(JSON.stringify(events.map((event) => handler(event))));"
    )
    result = subprocess.run(
        [str(NODE), "-e", harness, str(TEMPLATES / "index.js")],
        input=json.dumps(events),
        capture_output=True,
        text=True,
        check=True,
    )
    answers: list[dict[str, Any]] = json.loads(result.stdout)
    return answers


@pytest.fixture(scope="module")
def edge() -> list[dict[str, Any]]:
    if NODE is None:
        pytest.skip("Node.js runs the CloudFront Function's JavaScript")
    return edge_answers()


@pytest.fixture(scope="module")
def local(tmp_path_factory: pytest.TempPathFactory) -> Client:
    site: Path = tmp_path_factory.mktemp("site")
    return Client(PortalApp(site, pool=None))  # type: ignore[arg-type]  # the root answers before any file


@pytest.mark.parametrize(("case", "location"), [(i, c[3]) for i, c in enumerate(CASES)])
def test_the_cloudfront_function_chooses(edge: list[dict[str, Any]], case: int, location: str) -> None:
    answer = edge[case]
    assert answer["statusCode"] == 302
    assert answer["headers"]["location"]["value"] == location
    assert answer["headers"]["cache-control"]["value"] == "private, no-store"


@pytest.mark.parametrize(("accept", "cookie", "query", "location"), CASES)
def test_the_local_portal_chooses_the_same(
    local: Client, accept: str | None, cookie: str | None, query: str, location: str
) -> None:
    if cookie is not None:
        local.set_cookie("lang", cookie, domain="localhost")
    else:
        local.delete_cookie("lang", domain="localhost")
    headers = {} if accept is None else {"Accept-Language": accept}
    response = local.get("/", query_string=query, headers=headers)
    assert response.status_code == 302
    assert response.headers["Location"] == location
    assert response.headers["Cache-Control"] == "private, no-store"


def test_the_function_offers_the_sites_languages() -> None:
    """index.js keeps its own list (a CloudFront Function reads no file): it must be pelicanconf's, in order."""
    source = (TEMPLATES / "index.js").read_text(encoding="utf-8")
    listed = source.split("var LANGUAGES = [", 1)[1].split("]", 1)[0]
    assert [code.strip(" '") for code in listed.split(",")] == pelicanconf.LANGUAGES
