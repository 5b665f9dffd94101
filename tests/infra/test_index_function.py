"""The CloudFront Function of the site behaviour, run with Node.js on the events CloudFront would give it."""

from __future__ import annotations

import json
import shutil
import subprocess
from typing import Any

import pytest

from infra.synth import TEMPLATES

NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="Node.js runs the CloudFront Function's JavaScript")

HARNESS = """
const fs = require('fs');
eval(fs.readFileSync(process.argv[1], 'utf8'));
const events = JSON.parse(fs.readFileSync(0, 'utf8'));
console.log(JSON.stringify(events.map((event) => handler(event))));
"""


def run(*requests: tuple[str, dict[str, Any]]) -> list[dict[str, Any]]:
    events = [{"request": {"uri": uri, "method": "GET", "querystring": qs, "headers": {}}} for uri, qs in requests]
    result = subprocess.run(
        [str(NODE), "-e", HARNESS, str(TEMPLATES / "index.js")],
        input=json.dumps(events),
        capture_output=True,
        text=True,
        check=True,
    )
    answers: list[dict[str, Any]] = json.loads(result.stdout)
    return answers


def test_folders_are_served_from_their_index_page() -> None:
    french, article = run(("/fr/", {}), ("/en/articles/emergencies/", {}))
    assert french["uri"] == "/fr/index.html"
    assert article["uri"] == "/en/articles/emergencies/index.html"


def test_files_pass_unchanged() -> None:
    fragment_path = "/pagefind/fragment/fr_3f1e2a9.pf_fragment"
    css, page, fragment = run(("/theme/css/site.css", {}), ("/404.html", {}), (fragment_path, {}))
    assert css["uri"] == "/theme/css/site.css"
    assert page["uri"] == "/404.html"
    assert fragment["uri"] == fragment_path


def test_a_folder_without_its_slash_is_redirected_with_its_query() -> None:
    plain, query = run(("/fr/specialites", {}), ("/fr/recherche", {"q": {"value": "cardio"}, "lang": {"value": "fr"}}))
    assert plain["statusCode"] == 301
    assert plain["headers"]["location"]["value"] == "/fr/specialites/"
    assert query["headers"]["location"]["value"] == "/fr/recherche/?q=cardio&lang=fr"


def test_no_redirect_to_another_host() -> None:
    double, backslash = run(("//evil.example", {}), ("/\\evil", {}))
    for answer in (double, backslash):
        assert "statusCode" not in answer  # passed on to S3 (a 404), never a Location to elsewhere


def test_a_fhir_operation_is_a_file_not_a_folder() -> None:
    """The slot feed's manifest, /fhir/$bulk-publish, has no extension and must reach S3 as it is."""
    answers = run(("/fhir/$bulk-publish", {}), ("/fhir/%24bulk-publish", {"_since": {"value": "2027-03-01"}}))
    assert [a["uri"] for a in answers] == ["/fhir/$bulk-publish", "/fhir/%24bulk-publish"]
