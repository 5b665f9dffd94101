"""The local endpoint's table is the deployed one: created from infra/table.py's parameters, TTL included."""

from __future__ import annotations

import uuid
from typing import Any

from infra.table import table_definition
from local.tables import create_table


def test_the_local_table_has_the_deployed_keys_indexes_billing_and_ttl(dynamodb_client: Any) -> None:
    name = f"portal-test-{uuid.uuid4().hex[:12]}"
    create_table(dynamodb_client, name)
    definition = table_definition()
    table = dynamodb_client.describe_table(TableName=name)["Table"]
    assert table["TableStatus"] == "ACTIVE"
    assert table["KeySchema"] == definition["KeySchema"]
    assert sorted(table["AttributeDefinitions"], key=str) == sorted(definition["AttributeDefinitions"], key=str)
    assert table["BillingModeSummary"]["BillingMode"] == definition["BillingMode"]
    indexes = {index["IndexName"]: index for index in table["GlobalSecondaryIndexes"]}
    for index in definition["GlobalSecondaryIndexes"]:
        assert indexes[index["IndexName"]]["KeySchema"] == index["KeySchema"]
        assert indexes[index["IndexName"]]["Projection"] == index["Projection"]
    ttl = dynamodb_client.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
    assert ttl == {
        "TimeToLiveStatus": "ENABLED",
        "AttributeName": definition["TimeToLiveSpecification"]["AttributeName"],
    }
