"""What deploy and destroy ask of AWS: who we are, and CloudFormation stacks deployed through change sets."""

from __future__ import annotations

import time
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, WaiterError

CAPABILITIES = ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"]
# CloudFront distributions take minutes to create or update: wait up to an hour, polling every 15 s.
STACK_WAIT = {"Delay": 15, "MaxAttempts": 240}
QUICK = Config(connect_timeout=5, read_timeout=20, retries={"max_attempts": 2, "mode": "standard"})


class AwsError(RuntimeError):
    """AWS refused or failed; the message says what to do, not only what AWS said."""


NO_CREDENTIALS = """no AWS credentials were found.
  Give the credentials of the target account in one of the ways boto3 reads them - a profile
  (AWS_PROFILE=name, after 'aws configure' or 'aws sso login'), or AWS_ACCESS_KEY_ID and
  AWS_SECRET_ACCESS_KEY (with AWS_SESSION_TOKEN for temporary ones) - then run the command again.
  What the account needs: docs/operations.md, "Before the first deploy"."""


def caller_identity(region: str) -> dict[str, str]:
    """The account and principal behind the current credentials; AwsError when there are none or they fail."""
    session = boto3.Session(region_name=region)
    if session.get_credentials() is None:
        raise AwsError(NO_CREDENTIALS)
    try:
        identity = session.client("sts", config=QUICK).get_caller_identity()
    except (ClientError, BotoCoreError) as err:
        raise AwsError(f"the AWS credentials found were refused: {err}") from err
    return {"Account": identity["Account"], "Arn": identity["Arn"]}


def stack_status(cfn: Any, name: str) -> str | None:
    try:
        stacks = cfn.describe_stacks(StackName=name)["Stacks"]
    except ClientError as err:
        if "does not exist" in str(err):
            return None
        raise
    return str(stacks[0]["StackStatus"])


def stack_outputs(cfn: Any, name: str) -> dict[str, str]:
    stack = cfn.describe_stacks(StackName=name)["Stacks"][0]
    return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}


def deploy_stack(cfn: Any, name: str, parameters: dict[str, str], **template: str) -> dict[str, str]:
    """Create or update stack ``name`` from ``TemplateBody=`` or ``TemplateURL=``; return its outputs."""
    status = stack_status(cfn, name)
    if status in {"ROLLBACK_COMPLETE", "ROLLBACK_FAILED", "DELETE_FAILED"}:
        raise AwsError(
            f"stack {name} is {status}: its first creation failed. Read its events in the console, "
            f"delete it (make destroy for dev), then deploy again."
        )
    change_set = f"deploy-{time.strftime('%Y%m%d-%H%M%S')}"
    cfn.create_change_set(
        StackName=name,
        ChangeSetName=change_set,
        ChangeSetType="UPDATE" if status and status != "REVIEW_IN_PROGRESS" else "CREATE",
        Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in parameters.items()],
        Capabilities=CAPABILITIES,
        **template,
    )
    try:
        cfn.get_waiter("change_set_create_complete").wait(
            StackName=name, ChangeSetName=change_set, WaiterConfig={"Delay": 5, "MaxAttempts": 120}
        )
    except WaiterError:
        described = cfn.describe_change_set(StackName=name, ChangeSetName=change_set)
        reason = described.get("StatusReason", "")
        if "didn't contain changes" in reason or "No updates" in reason:
            cfn.delete_change_set(StackName=name, ChangeSetName=change_set)
            return stack_outputs(cfn, name)
        raise AwsError(f"stack {name}: the change set failed: {reason}") from None
    cfn.execute_change_set(StackName=name, ChangeSetName=change_set)
    waiter = "stack_update_complete" if status and status != "REVIEW_IN_PROGRESS" else "stack_create_complete"
    try:
        cfn.get_waiter(waiter).wait(StackName=name, WaiterConfig=STACK_WAIT)
    except WaiterError as err:
        raise AwsError(f"stack {name} did not finish ({err}); its events in the console say why.") from err
    return stack_outputs(cfn, name)


def delete_stack(cfn: Any, name: str) -> None:
    if stack_status(cfn, name) is None:
        return
    cfn.delete_stack(StackName=name)
    try:
        cfn.get_waiter("stack_delete_complete").wait(StackName=name, WaiterConfig=STACK_WAIT)
    except WaiterError as err:
        raise AwsError(f"stack {name} was not deleted ({err}); its events in the console say why.") from err
