"""The feed's S3 calls: list what is there (with the ETags), put a file, delete stale ones. The same calls reach
Amazon S3 in production and the local endpoint's S3 (moto) with ``./portal run``: only the endpoint differs."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from botocore.config import Config

S3_CONFIG = Config(connect_timeout=2, read_timeout=10, retries={"max_attempts": 3, "mode": "standard"})


def make_s3_client() -> Any:
    """An S3 client at the endpoint the environment names (AWS unless overridden)."""
    import boto3

    return boto3.client("s3", config=S3_CONFIG)


class Bucket:
    """The site's bucket, as the slot feed writes it."""

    def __init__(self, client: Any, name: str) -> None:
        if not name:
            raise ValueError("SITE_BUCKET is not set: the slot feed has no bucket to write to")
        self.client = client
        self.name = name
        self.requests = 0  # S3 requests made (benchmarks read it)

    def etags(self, prefix: str) -> dict[str, str]:
        """Every key under ``prefix`` with its ETag (the MD5 of the content for a single-part upload)."""
        found: dict[str, str] = {}
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.name, Prefix=prefix):
            self.requests += 1
            for item in page.get("Contents", []):
                found[item["Key"]] = item["ETag"].strip('"')
        return found

    def put(self, key: str, body: bytes, content_type: str, cache_control: str) -> None:
        self.requests += 1
        self.client.put_object(
            Bucket=self.name, Key=key, Body=body, ContentType=content_type, CacheControl=cache_control
        )

    def delete(self, keys: Iterable[str]) -> None:
        """Delete ``keys`` (up to 1,000 a request); raises if S3 refused any."""
        keys = sorted(keys)
        for first in range(0, len(keys), 1000):
            self.requests += 1
            objects = [{"Key": key} for key in keys[first : first + 1000]]
            answer = self.client.delete_objects(Bucket=self.name, Delete={"Objects": objects, "Quiet": True})
            if answer.get("Errors"):
                error = answer["Errors"][0]
                raise RuntimeError(f"S3 refused to delete {error.get('Key')}: {error.get('Code')}")
