"""The slot feed in the local portal: the scheduled function's pass on request, its files served from the local
endpoint's S3 as CloudFront serves them from the site's bucket (types, caching, ETags and 304s), a query string
ignored."""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from local.launch import RunningPortal, start_portal
from local.slotfeed import bucket_name

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT / "functions") not in sys.path:
    sys.path.insert(0, str(ROOT / "functions"))

from chalicelib.core.profiles import profile_item  # noqa: E402
from chalicelib.core.store import Store, make_table  # noqa: E402
from tests.functions.factories import practitioner_record  # noqa: E402

TABLE = "feed-local"


def fetch(url: str, method: str = "GET", headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningPortal]:
    site = tmp_path_factory.mktemp("site")
    (site / "index.html").write_text("<main>Accueil</main>", encoding="utf-8")
    (site / "404.html").write_text("<main>Page introuvable</main>", encoding="utf-8")
    running = start_portal(site, workers=1, table=TABLE, slot_feed_minutes=0)
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def published(portal: RunningPortal, monkeypatch_module: Any) -> dict[str, Any]:
    """Two professionals who book online in the portal's table, and one pass of the feed."""
    monkeypatch_module.setenv("AWS_ENDPOINT_URL_DYNAMODB", portal.endpoint)
    store = Store(make_table(TABLE))
    for pid in ("pr-000001", "pr-000002"):
        store.put_profile(pid, profile_item(practitioner_record(id=pid)))
    status, _, body = fetch(portal.url + "/_local/slot-feed", method="POST")
    assert status == 200, body
    status, headers, body = fetch(portal.url + "/fhir/$bulk-publish")
    assert status == 200
    return {"headers": headers, "manifest": json.loads(body), "answer": body}


@pytest.fixture(scope="module")
def monkeypatch_module() -> Iterator[pytest.MonkeyPatch]:
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def local_url(portal: RunningPortal, url: str) -> str:
    """A file's URL on this portal (the function writes the configured SITE_URL, port 8000)."""
    assert url.startswith("http://127.0.0.1:8000/"), url
    return portal.url + url[len("http://127.0.0.1:8000") :]


def test_the_manifest_and_its_files_come_from_the_bucket_with_their_headers(
    portal: RunningPortal, published: dict[str, Any]
) -> None:
    assert published["headers"]["Content-Type"] == "application/json; charset=utf-8"
    assert published["headers"]["Cache-Control"] == "public, max-age=300, s-maxage=60"
    assert published["headers"]["Content-Security-Policy"].startswith("default-src 'self'")  # the site's headers
    outputs = published["manifest"]["output"]
    assert [o["type"] for o in outputs] == ["Location", "PractitionerRole", "Schedule"] + ["Slot"] * (len(outputs) - 3)
    assert len(outputs) > 3 + 10  # a file per day with slots (the real date: a holiday has none)
    status, headers, body = fetch(local_url(portal, outputs[3]["url"]))
    assert status == 200 and headers["Content-Type"] == "application/fhir+ndjson"
    assert len(body.splitlines()) == outputs[3]["count"]
    s3 = boto3.client("s3", endpoint_url=portal.endpoint)
    stored = s3.head_object(Bucket=bucket_name(TABLE), Key="fhir/$bulk-publish")
    assert headers["ETag"] != stored["ETag"] and published["headers"]["ETag"] == stored["ETag"]


def test_an_unchanged_file_is_answered_304_and_a_query_string_is_ignored(
    portal: RunningPortal, published: dict[str, Any]
) -> None:
    url = local_url(portal, published["manifest"]["output"][0]["url"])
    status, headers, _ = fetch(url)
    assert status == 200
    assert fetch(url, headers={"If-None-Match": headers["ETag"]})[0] == 304
    assert fetch(url, headers={"If-Modified-Since": headers["Last-Modified"]})[0] == 304
    status, _, body = fetch(portal.url + "/fhir/$bulk-publish?_since=2027-01-01T00:00:00Z")
    assert status == 200 and body == published["answer"]  # a full manifest: servers may ignore _since
    status, headers, body = fetch(url, method="HEAD")
    assert status == 200 and body == b"" and headers["Content-Type"] == "application/fhir+ndjson"


def test_the_same_answer_whatever_the_accept_header_the_specification_names(
    portal: RunningPortal, published: dict[str, Any]
) -> None:
    for accept in ("application/json", "application/fhir+json", "*/*"):
        status, headers, body = fetch(portal.url + "/fhir/$bulk-publish", headers={"Accept": accept})
        assert status == 200 and body == published["answer"] and headers["Content-Type"].startswith("application/json")
    url = local_url(portal, published["manifest"]["output"][-1]["url"])
    plain = fetch(url)
    assert plain[0] == 200
    for accept in ("application/fhir+ndjson", "application/ndjson"):
        status, headers, body = fetch(url, headers={"Accept": accept})
        assert (status, headers["Content-Type"], body) == (200, "application/fhir+ndjson", plain[2])


def test_only_reads_and_the_trigger_are_answered(portal: RunningPortal, published: dict[str, Any]) -> None:
    assert fetch(portal.url + "/fhir/$bulk-publish", method="POST")[0] == 405
    assert fetch(portal.url + "/_local/slot-feed")[0] == 405
    status, _, body = fetch(portal.url + "/fhir/scheduling/Slot.1999-01-01.ndjson")
    assert status == 404 and b"Page introuvable" in body
