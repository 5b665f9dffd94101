"""Tear a dev stage down: its main stack (site, API, table, backups, sign-in...) and its edge stack.

    python -m infra.destroy --stage dev [--yes]        make destroy STAGE=dev

Only a stage whose data is not kept (``retain_data: false`` in infra/stages.json) can be destroyed: prod is
refused. What would block CloudFormation is removed first: the functions are stopped (the slot feed's schedule
writes into the site bucket), then the site bucket's objects (all versions), the table's deletion protection, the
backup vault's recovery points. The bootstrap stack, shared by the stages,
stays (delete it by hand once no stage is left: docs/operations.md).
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from infra.aws import AwsError, caller_identity, delete_stack, stack_outputs, stack_status
from infra.stages import EDGE_REGION, STAGES_FILE, Stage, StageError, load_stage


def empty_bucket(s3: Any, bucket: str) -> int:
    """Delete every object version and delete marker of ``bucket``; return how many."""
    count = 0
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
        items = [*page.get("Versions", []), *page.get("DeleteMarkers", [])]
        objects = [{"Key": item["Key"], "VersionId": item["VersionId"]} for item in items]
        for start in range(0, len(objects), 1000):
            s3.delete_objects(Bucket=bucket, Delete={"Objects": objects[start : start + 1000], "Quiet": True})
        count += len(objects)
    return count


def stop_functions(cfn: Any, lambda_client: Any, stack_name: str) -> list[str]:
    """Set the reserved concurrency of every Lambda function of the stack to 0, so that nothing runs any more (the
    slot feed's schedule would otherwise write into the bucket being emptied); their names."""
    names = []
    for page in cfn.get_paginator("list_stack_resources").paginate(StackName=stack_name):
        for resource in page["StackResourceSummaries"]:
            if resource["ResourceType"] == "AWS::Lambda::Function":
                name = resource["PhysicalResourceId"]
                lambda_client.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=0)
                names.append(name)
    return names


def _recovery_points(backup: Any, vault: str) -> list[str]:
    pages = backup.get_paginator("list_recovery_points_by_backup_vault").paginate(BackupVaultName=vault)
    return [point["RecoveryPointArn"] for page in pages for point in page.get("RecoveryPoints", [])]


def delete_recovery_points(backup: Any, vault: str, wait_seconds: int = 600) -> int:
    """Delete every recovery point of ``vault`` and wait until it is empty (CloudFormation cannot delete it before)."""
    points = _recovery_points(backup, vault)
    for arn in points:
        backup.delete_recovery_point(BackupVaultName=vault, RecoveryPointArn=arn)
    deadline = time.monotonic() + wait_seconds
    while points and _recovery_points(backup, vault):
        if time.monotonic() > deadline:
            raise AwsError(f"backup vault {vault} still holds recovery points after {wait_seconds} s; run again")
        time.sleep(10)
    return len(points)


def destroy(stage: Stage) -> None:
    import boto3

    regional = boto3.Session(region_name=stage.region)
    cfn = regional.client("cloudformation")
    if stack_status(cfn, stage.stack_name) is not None:
        outputs = stack_outputs(cfn, stage.stack_name)
        stopped = stop_functions(cfn, regional.client("lambda"), stage.stack_name)
        print(f"==> stopped {len(stopped)} functions (reserved concurrency 0)")
        if "SiteBucketName" in outputs:
            removed = empty_bucket(regional.client("s3"), outputs["SiteBucketName"])
            print(f"==> emptied the site bucket ({removed} object versions)")
        if "TableName" in outputs:
            regional.client("dynamodb").update_table(TableName=outputs["TableName"], DeletionProtectionEnabled=False)
            print(f"==> lifted the deletion protection of table {outputs['TableName']}")
        vault, backup = f"portal-{stage.name}", regional.client("backup")
        try:
            removed = delete_recovery_points(backup, vault)
            print(f"==> deleted {removed} recovery points of backup vault {vault}")
        except backup.exceptions.ResourceNotFoundException:
            pass
        if "SiteBucketName" in outputs:  # what a run already under way wrote since (it lasts 2 minutes at most)
            empty_bucket(regional.client("s3"), outputs["SiteBucketName"])
        print(f"==> deleting stack {stage.stack_name} ({stage.region}); CloudFront takes a few minutes")
        delete_stack(cfn, stage.stack_name)
    print(f"==> deleting stack {stage.edge_stack_name} ({EDGE_REGION})")
    delete_stack(boto3.Session(region_name=EDGE_REGION).client("cloudformation"), stage.edge_stack_name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Tear a dev stage of the portal down.")
    parser.add_argument("--stage", required=True)
    parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    args = parser.parse_args(argv)
    try:
        stage = load_stage(args.stage)
    except StageError as err:
        print(f"destroy: {err}", file=sys.stderr)
        return 1
    if stage.retain_data:
        print(
            f"destroy: refused - stage {stage.name} keeps its data (retain_data in {STAGES_FILE}). "
            "Delete a production stack by hand, after a last backup, if that is really meant.",
            file=sys.stderr,
        )
        return 1
    if not args.yes:
        answer = input(f"This deletes stack {stage.stack_name} with its table and backups. Type '{stage.name}': ")
        if answer.strip() != stage.name:
            print("destroy: not confirmed; nothing deleted.", file=sys.stderr)
            return 1
    try:
        identity = caller_identity(stage.region)
        print(f"==> account {identity['Account']} as {identity['Arn']}")
        destroy(stage)
    except AwsError as err:
        print(f"\ndestroy: NOT DESTROYED - {err}", file=sys.stderr)
        return 2
    print(f"destroyed: stage {stage.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
