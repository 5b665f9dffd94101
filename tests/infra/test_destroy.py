"""Tearing a dev stage down: what must go before CloudFormation can delete the stack (moto's S3, in-process)."""

from __future__ import annotations

import boto3
from moto import mock_aws

from infra.destroy import empty_bucket


def test_the_versioned_site_bucket_is_emptied_of_every_version_and_delete_marker() -> None:
    with mock_aws():
        s3 = boto3.client("s3", region_name="eu-west-3")
        s3.create_bucket(Bucket="site", CreateBucketConfiguration={"LocationConstraint": "eu-west-3"})
        s3.put_bucket_versioning(Bucket="site", VersioningConfiguration={"Status": "Enabled"})
        for text in ("v1", "v2"):
            s3.put_object(Bucket="site", Key="index.html", Body=text.encode())
        s3.put_object(Bucket="site", Key="old.html", Body=b"gone")
        s3.delete_object(Bucket="site", Key="old.html")  # leaves a delete marker and the old version

        assert empty_bucket(s3, "site") == 4  # index.html x2, old.html, its delete marker
        listing = s3.list_object_versions(Bucket="site")
        assert not listing.get("Versions") and not listing.get("DeleteMarkers")
        s3.delete_bucket(Bucket="site")  # what CloudFormation does next: it now succeeds
