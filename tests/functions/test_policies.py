"""The Lambda's IAM policies grant exactly the DynamoDB, SES and SNS calls the code makes, on the stage's resources."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

FUNCTIONS = Path(__file__).resolve().parents[2] / "functions"
# Transactions are authorised item by item: a Put, Update or Delete inside one needs that action.
TRANSACTION_ACTIONS = {
    "Put": "PutItem",
    "Update": "UpdateItem",
    "Delete": "DeleteItem",
    "ConditionCheck": "ConditionCheckItem",
}


def dynamodb_actions_in_code() -> set[str]:
    store = "\n".join(p.read_text(encoding="utf-8") for p in (FUNCTIONS / "chalicelib" / "core" / "store").glob("*.py"))
    calls = set(re.findall(r'_call\(\s*"(\w+)"', store)) | set(re.findall(r"self\.client\.(\w+)\(", store))
    calls |= {name for name in re.findall(r"self\.table\.(\w+)\(", store)}
    actions = {"".join(part.title() for part in call.split("_")) for call in calls if call != "transact_write_items"}
    if "transact_write_items" in calls:
        kinds = set(re.findall(r"\"(Put|Update|Delete|ConditionCheck)\":\s*\{", store))
        actions |= {TRANSACTION_ACTIONS[kind] for kind in kinds}
    return {"dynamodb:" + action for action in actions}


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_the_policy_grants_the_calls_the_code_makes_and_no_more(stage: str) -> None:
    policy = json.loads((FUNCTIONS / ".chalice" / f"policy-{stage}.json").read_text(encoding="utf-8"))
    config = json.loads((FUNCTIONS / ".chalice" / "config.json").read_text(encoding="utf-8"))
    env = config["stages"][stage]["environment_variables"]
    statements = {s["Sid"]: s for s in policy["Statement"]}
    texts = env.get("SMS_ENABLED") == "true"
    if texts:
        # A text to a phone number has no resource to name: SNS authorises it on "*". Publishing to any topic of
        # the account is denied, so the grant covers texts and nothing else (core/sms.py).
        assert statements.pop("PatientTexts") == {
            "Sid": "PatientTexts",
            "Effect": "Allow",
            "Action": ["sns:Publish"],
            "Resource": "*",
        }
        assert statements.pop("NoTopics") == {
            "Sid": "NoTopics",
            "Effect": "Deny",
            "Action": ["sns:Publish"],
            "Resource": "arn:aws:sns:*:*:*",
        }
    assert not any("sns:" in a for s in statements.values() for a in s["Action"])  # no texts, no grant
    for statement in statements.values():
        assert statement["Effect"] == "Allow"
        assert not any("*" in action for action in statement["Action"])
        assert statement["Resource"] != "*"
    table = statements["Table"]
    assert set(table["Action"]) == dynamodb_actions_in_code()
    assert table["Resource"] == [
        f"arn:aws:dynamodb:*:*:table/{env['TABLE_NAME']}",
        f"arn:aws:dynamodb:*:*:table/{env['TABLE_NAME']}/index/GSI1",
        f"arn:aws:dynamodb:*:*:table/{env['TABLE_NAME']}/index/GSI2",
    ]
    mail = statements["PatientMail"]
    assert mail["Action"] == ["ses:SendRawEmail"]  # notify.py sends raw MIME (the calendar attachment)
    assert mail["Condition"] == {"StringEquals": {"ses:FromAddress": env["MAIL_FROM"]}}
    domain = env["MAIL_FROM"].split("@")[1]
    assert set(mail["Resource"]) == {
        f"arn:aws:ses:*:*:identity/{domain}",
        f"arn:aws:ses:*:*:identity/{env['MAIL_FROM']}",
    }


def test_the_code_reads_no_table_by_scanning() -> None:
    for path in (FUNCTIONS / "chalicelib").rglob("*.py"):
        assert not re.search(r"\.scan\(|\"scan\"", path.read_text(encoding="utf-8")), path.name


S3_ACTIONS = {"list_objects_v2": "s3:ListBucket", "put_object": "s3:PutObject", "delete_objects": "s3:DeleteObject"}


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_the_slot_feed_s_policy_grants_its_reads_and_its_writes_and_no_more(stage: str) -> None:
    """The scheduled function Queries the table (the bookable profiles on GSI1, then units) and writes the site's
    bucket under the feed's keys alone: its own role, not the API's."""
    config = json.loads((FUNCTIONS / ".chalice" / "config.json").read_text(encoding="utf-8"))
    settings = config["stages"][stage]["lambda_functions"]["publish_slot_feed"]
    policy = json.loads((FUNCTIONS / ".chalice" / settings["iam_policy_file"]).read_text(encoding="utf-8"))
    statements = {s["Sid"]: s for s in policy["Statement"]}
    table = config["stages"][stage]["environment_variables"]["TABLE_NAME"]
    assert statements["Table"]["Action"] == ["dynamodb:Query"]
    assert statements["Table"]["Resource"] == [
        f"arn:aws:dynamodb:*:*:table/{table}",
        f"arn:aws:dynamodb:*:*:table/{table}/index/GSI1",
    ]
    feed = (FUNCTIONS / "chalicelib" / "slotfeed" / "bucket.py").read_text(encoding="utf-8")
    calls = set(re.findall(r"self\.client\.(\w+)\(", feed)) - {"get_paginator"}
    calls |= set(re.findall(r"get_paginator\(\"(\w+)\"\)", feed))
    granted = {a for s in policy["Statement"] if s["Sid"] != "Table" for a in s["Action"] if a.startswith("s3:")}
    assert granted == {S3_ACTIONS[call] for call in calls}
    assert statements["Logs"]["Resource"] == f"arn:aws:logs:*:*:log-group:/aws/lambda/portal-{stage}-publish_slot_feed*"
    assert all(s["Effect"] == "Allow" and "*" not in "".join(s["Action"]) for s in policy["Statement"])
