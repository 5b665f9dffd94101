"""The local endpoint is linearizable: racing conditional writes have exactly one winner.

The naive read-then-write control in the same module must double-book at least once, which shows that the
harness really produces races (a test that could not see a race would prove nothing).
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

THREADS = 64
ROUNDS = 20


def race(aws_endpoint: str, table: str, attempt: Any) -> list[int]:
    """Run ``attempt(client, key, who)`` from THREADS threads at once, ROUNDS times; winners per round."""
    client = boto3.client(
        "dynamodb", endpoint_url=aws_endpoint, config=Config(max_pool_connections=THREADS, retries={"max_attempts": 0})
    )
    winners = []
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        for round_ in range(ROUNDS):
            barrier = threading.Barrier(THREADS)
            key = {"PK": {"S": f"SLOT#{round_}"}, "SK": {"S": "SLOT"}}

            def one(who: int, key: dict[str, Any] = key, barrier: threading.Barrier = barrier) -> bool:
                barrier.wait()
                return bool(attempt(client, table, key, who))

            results = list(pool.map(one, range(THREADS)))
            winners.append(sum(results))
    return winners


def conditional_put(client: Any, table: str, key: dict[str, Any], who: int) -> bool:
    try:
        client.put_item(
            TableName=table,
            Item={**key, "owner": {"N": str(who)}},
            ConditionExpression="attribute_not_exists(PK)",
        )
    except ClientError as err:
        assert err.response["Error"]["Code"] == "ConditionalCheckFailedException"
        return False
    return True


def naive_read_then_write(client: Any, table: str, key: dict[str, Any], who: int) -> bool:
    if "Item" in client.get_item(TableName=table, Key=key, ConsistentRead=True):
        return False
    client.put_item(TableName=table, Item={**key, "owner": {"N": str(who)}})
    return True


def test_conditional_writes_have_exactly_one_winner_per_round(aws_endpoint: str, table_name: str) -> None:
    winners = race(aws_endpoint, table_name, conditional_put)
    assert winners == [1] * ROUNDS


def test_naive_read_then_write_control_double_books(aws_endpoint: str, table_name: str) -> None:
    winners = race(aws_endpoint, table_name, naive_read_then_write)
    assert max(winners) > 1, f"the harness produced no race at all: {winners}"


def test_a_failed_transaction_leaves_every_item_as_it_was(aws_endpoint: str, table_name: str) -> None:
    """The endpoint's transaction rollback (local/motofixes.py) restores puts, updates and deletes, index included."""
    table = boto3.resource("dynamodb", endpoint_url=aws_endpoint).Table(table_name)
    table.put_item(Item={"PK": "a", "SK": "1", "n": 1, "GSI1PK": "g", "GSI1SK": "a"})
    table.put_item(Item={"PK": "b", "SK": "1", "n": 1})
    try:
        table.meta.client.transact_write_items(
            TransactItems=[
                {
                    "Update": {
                        "TableName": table_name,
                        "Key": {"PK": "a", "SK": "1"},
                        "UpdateExpression": "SET n = n + :one, GSI1SK = :z",
                        "ExpressionAttributeValues": {":one": 1, ":z": "zz"},
                    }
                },
                {"Delete": {"TableName": table_name, "Key": {"PK": "b", "SK": "1"}}},
                {"Put": {"TableName": table_name, "Item": {"PK": "c", "SK": "1"}}},
                {
                    "ConditionCheck": {
                        "TableName": table_name,
                        "Key": {"PK": "missing", "SK": "1"},
                        "ConditionExpression": "attribute_exists(PK)",
                    }
                },
            ]
        )
    except ClientError as err:
        assert err.response["Error"]["Code"] == "TransactionCanceledException"
    else:
        raise AssertionError("the transaction should have been cancelled")
    assert table.get_item(Key={"PK": "a", "SK": "1"})["Item"]["n"] == 1
    assert table.get_item(Key={"PK": "b", "SK": "1"})["Item"]["n"] == 1
    assert "Item" not in table.get_item(Key={"PK": "c", "SK": "1"})
    indexed = table.query(IndexName="GSI1", KeyConditionExpression="GSI1PK = :g", ExpressionAttributeValues={":g": "g"})
    assert [item["GSI1SK"] for item in indexed["Items"]] == ["a"]


def test_a_successful_transaction_writes_every_item(aws_endpoint: str, table_name: str) -> None:
    table = boto3.resource("dynamodb", endpoint_url=aws_endpoint).Table(table_name)
    table.meta.client.transact_write_items(
        TransactItems=[
            {
                "Put": {
                    "TableName": table_name,
                    "Item": {"PK": f"u{i}", "SK": "1"},
                    "ConditionExpression": "attribute_not_exists(PK)",
                }
            }
            for i in range(3)
        ]
    )
    assert all("Item" in table.get_item(Key={"PK": f"u{i}", "SK": "1"}) for i in range(3))
