"""The slot feed over a fresh table (the serialised moto server) and a bucket of moto's S3 in this process."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from chalicelib.core.store import Store
from chalicelib.slotfeed.bucket import Bucket
from chalicelib.slotfeed.files import MANIFEST
from chalicelib.slotfeed.publisher import SlotFeed
from chalicelib.slotfeed.resources import Publication
from tests.functions.conftest import REGION, Clock

BUCKET = "portal-test-site"
ORIGIN = "https://sante.example.mc"


@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The site's bucket, in moto's S3; the app's SITE_BUCKET names it."""
    with mock_aws():
        client = boto3.client("s3", region_name=REGION)
        client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
        monkeypatch.setenv("SITE_BUCKET", BUCKET)
        yield client


@pytest.fixture
def feed(store: Store, s3: Any, clock: Clock) -> SlotFeed:
    return SlotFeed(store, Bucket(s3, BUCKET), Publication(ORIGIN, "fr", "MC"), clock)


class Published:
    """What a client of the feed reads: the manifest and the files it lists, as the bucket serves them."""

    def __init__(self, s3: Any) -> None:
        self.s3 = s3

    def object(self, key: str) -> dict[str, Any]:
        return dict(self.s3.get_object(Bucket=BUCKET, Key=key))

    def manifest(self) -> dict[str, Any]:
        found: dict[str, Any] = json.loads(self.object(MANIFEST)["Body"].read())
        return found

    def key(self, url: str) -> str:
        assert url.startswith(ORIGIN + "/"), url
        return url[len(ORIGIN) + 1 :]

    def lines(self, url: str) -> list[dict[str, Any]]:
        body = self.object(self.key(url))["Body"].read().decode("utf-8")
        assert body == "" or body.endswith("\n")
        return [json.loads(line) for line in body.splitlines()]

    def resources(self, kind: str) -> list[dict[str, Any]]:
        return [r for o in self.manifest()["output"] if o["type"] == kind for r in self.lines(o["url"])]

    def keys(self) -> set[str]:
        listed = self.s3.list_objects_v2(Bucket=BUCKET, Prefix="fhir/")
        return {item["Key"] for item in listed.get("Contents", [])}


@pytest.fixture
def published(s3: Any) -> Published:
    return Published(s3)
