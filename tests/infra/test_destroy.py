"""Tearing a dev stage down: what must go before CloudFormation can delete the stack (moto's S3, in-process)."""

from __future__ import annotations

import boto3
from moto import mock_aws

from infra.destroy import empty_bucket, stop_functions


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


TEMPLATE = """
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}]
  PublishSlotFeed:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.11
      Handler: app.publish_slot_feed
      Role: {Fn::GetAtt: [Role, Arn]}
      Code: {ZipFile: "def publish_slot_feed(event, context): pass"}
"""


def test_every_function_is_stopped_before_the_bucket_is_emptied() -> None:
    """The slot feed's schedule would write into the bucket being emptied; reserved concurrency 0 runs nothing."""
    with mock_aws():
        cfn = boto3.client("cloudformation", region_name="eu-west-3")
        cfn.create_stack(StackName="portal-dev", TemplateBody=TEMPLATE, Capabilities=["CAPABILITY_IAM"])
        lambda_client = boto3.client("lambda", region_name="eu-west-3")
        [name] = stop_functions(cfn, lambda_client, "portal-dev")
        assert lambda_client.get_function_concurrency(FunctionName=name)["ReservedConcurrentExecutions"] == 0
