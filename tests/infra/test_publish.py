"""Uploading the built site: only what changed, with the right types and cache lifetimes, then an invalidation.

S3 and CloudFront are moto's, in-process (mock_aws), as for every AWS service but DynamoDB in unit tests.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from infra.publish import IMMUTABLE, REVALIDATE, WRITTEN_BY_FUNCTIONS, cache_control, content_type, publish_site

BUCKET = "portal-dev-site"


@pytest.fixture
def aws() -> Iterator[tuple[Any, Any, str]]:
    with mock_aws():
        s3 = boto3.client("s3", region_name="eu-west-3")
        s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-3"})
        cloudfront = boto3.client("cloudfront", region_name="us-east-1")
        origin = {
            "Id": "site",
            "DomainName": f"{BUCKET}.s3.eu-west-3.amazonaws.com",
            "S3OriginConfig": {"OriginAccessIdentity": ""},
        }
        created = cloudfront.create_distribution(
            DistributionConfig={
                "CallerReference": "test",
                "Comment": "portal-dev",
                "Enabled": True,
                "Origins": {"Quantity": 1, "Items": [origin]},
                "DefaultCacheBehavior": {
                    "TargetOriginId": "site",
                    "ViewerProtocolPolicy": "redirect-to-https",
                    "MinTTL": 0,
                    "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}},
                },
            }
        )
        yield s3, cloudfront, created["Distribution"]["Id"]


def make_site(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


SITE = {
    "index.html": "<!doctype html><title>MonacoSanté</title>",
    "fr/index.html": "<!doctype html><title>Accueil</title>",
    "theme/css/site.3f2a9c1b.css": "body{}",
    "theme/js/booking.js": "export {}",
    "pagefind/fragment/fr_3f1e2a9.pf_fragment": "x",
    "sitemap.xml": "<urlset/>",
}


def head(s3: Any, key: str) -> dict[str, Any]:
    answer: dict[str, Any] = s3.head_object(Bucket=BUCKET, Key=key)
    return answer


def test_first_publish_uploads_everything_with_types_and_cache_lifetimes(aws: Any, tmp_path: Path) -> None:
    s3, cloudfront, distribution = aws
    report = publish_site(s3, cloudfront, make_site(tmp_path, SITE), BUCKET, distribution)
    assert (report.uploaded, report.unchanged, report.deleted) == (len(SITE), 0, 0)
    keys = {o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"]}
    assert keys == set(SITE)
    page = head(s3, "fr/index.html")
    assert page["ContentType"] == "text/html; charset=utf-8"
    assert page["CacheControl"] == REVALIDATE
    assert head(s3, "theme/css/site.3f2a9c1b.css")["CacheControl"] == IMMUTABLE
    assert head(s3, "theme/js/booking.js")["ContentType"] == "text/javascript; charset=utf-8"
    assert head(s3, "theme/js/booking.js")["CacheControl"] == REVALIDATE  # not hashed: may change under its name
    assert head(s3, "pagefind/fragment/fr_3f1e2a9.pf_fragment")["CacheControl"] == IMMUTABLE
    invalidation = cloudfront.get_invalidation(DistributionId=distribution, Id=report.invalidation_id)
    assert invalidation["Invalidation"]["InvalidationBatch"]["Paths"]["Items"] == ["/*"]


def test_republishing_sends_only_changes_and_deletes_what_is_gone(aws: Any, tmp_path: Path) -> None:
    s3, cloudfront, distribution = aws
    site = make_site(tmp_path, SITE)
    publish_site(s3, cloudfront, site, BUCKET, distribution)
    again = publish_site(s3, cloudfront, site, BUCKET, distribution)
    assert (again.uploaded, again.deleted, again.invalidation_id) == (0, 0, None)

    (site / "fr" / "index.html").write_text("<!doctype html><title>Accueil, nouveau</title>", encoding="utf-8")
    (site / "sitemap.xml").unlink()
    changed = publish_site(s3, cloudfront, site, BUCKET, distribution)
    assert (changed.uploaded, changed.unchanged, changed.deleted) == (1, len(SITE) - 2, 1)
    body = s3.get_object(Bucket=BUCKET, Key="fr/index.html")["Body"].read().decode()
    assert "nouveau" in body
    assert "sitemap.xml" not in {o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"]}
    assert changed.invalidation_id is not None


def test_a_deploy_keeps_the_files_the_slot_feed_writes(aws: Any, tmp_path: Path) -> None:
    from chalicelib.slotfeed.files import MANIFEST, PREFIX

    s3, cloudfront, distribution = aws
    assert (MANIFEST, PREFIX) == WRITTEN_BY_FUNCTIONS
    for key in (MANIFEST, PREFIX + "Slot.2027-03-02.ndjson", "fhir/old-file.ndjson"):
        s3.put_object(Bucket=BUCKET, Key=key, Body=b"{}")
    report = publish_site(s3, cloudfront, make_site(tmp_path, SITE), BUCKET, distribution)
    keys = {o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"]}
    assert report.deleted == 1 and "fhir/old-file.ndjson" not in keys  # what a build no longer has goes
    assert {MANIFEST, PREFIX + "Slot.2027-03-02.ndjson"} <= keys


def test_a_site_without_index_page_is_refused(aws: Any, tmp_path: Path) -> None:
    s3, cloudfront, distribution = aws
    with pytest.raises(FileNotFoundError, match=r"no index\.html"):
        publish_site(s3, cloudfront, make_site(tmp_path, {"fr/index.html": "x"}), BUCKET, distribution)


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("index.html", REVALIDATE),
        ("fr/pro/dr-rossi/index.html", REVALIDATE),
        ("report-20260101.html", REVALIDATE),  # digits in a page name are not a content hash
        ("open-data/directory.20260101.json", REVALIDATE),
        ("theme/css/site.3f2a9c1b.css", IMMUTABLE),
        ("pagefind/pagefind.fr_8a1b2c3d4e.pf_meta", IMMUTABLE),
        ("theme/images/logo.svg", REVALIDATE),
    ],
)
def test_cache_control_by_name(key: str, expected: str) -> None:
    assert cache_control(key) == expected


def test_content_types() -> None:
    assert content_type("pagefind/wasm.fr.pagefind") == "application/octet-stream"
    assert content_type("x/calendar.ics") == "text/calendar; charset=utf-8"
    assert content_type("pagefind/pagefind.js") == "text/javascript; charset=utf-8"
    assert content_type("images/photo.png") == "image/png"
    assert content_type("fhir/Practitioner.ndjson") == "application/fhir+ndjson"
    assert cache_control("fhir/Practitioner.ndjson") == REVALIDATE
