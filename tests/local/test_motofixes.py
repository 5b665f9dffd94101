"""The local endpoint's faster table order and projections (local/motofixes.py) give what moto's own code gives."""

from __future__ import annotations

import random
from types import SimpleNamespace
from typing import Any

import boto3
import pytest
from moto.dynamodb.exceptions import ItemSizeTooLarge
from moto.dynamodb.models.dynamo_type import DynamoType, Item

from local import motofixes


def item(pk: str, sk: str, **attrs: Any) -> Item:
    return Item(DynamoType({"S": pk}), DynamoType({"S": sk}), {"PK": {"S": pk}, "SK": {"S": sk}, **attrs})


def test_the_tables_items_come_in_moto_s_own_key_order() -> None:
    rng = random.Random(7)
    table: dict[Any, dict[Any, Item]] = {}
    for _ in range(300):
        pk, sk = f"AUDIT#{rng.randrange(40):03d}", f"AT#{rng.randrange(10**6):06d}#{rng.random()}"
        table.setdefault(DynamoType({"S": pk}), {})[DynamoType({"S": sk})] = item(pk, sk)
    ranged = SimpleNamespace(items=table, range_key_attr="SK")
    assert motofixes._all_items(ranged) == motofixes._moto_all_items(ranged)  # type: ignore[arg-type]

    numbers = {DynamoType({"N": str(n)}): item(str(n), "x") for n in rng.sample(range(-500, 500), 100)}
    hashed = SimpleNamespace(items=numbers, range_key_attr=None)
    assert motofixes._all_items(hashed) == motofixes._moto_all_items(hashed)  # type: ignore[arg-type]


def test_a_projection_is_what_moto_projects() -> None:
    whole = item(
        "APPOINTMENT#a",
        "APPOINTMENT",
        id={"S": "a"},
        start_epoch={"N": "1800000000"},
        units={"L": [{"N": "1"}, {"N": "301"}]},
        patient={"M": {"given_name": {"S": "Jean"}, "email": {"S": "j@example.org"}, "kind": {"S": "new"}}},
        booked_by={"M": {"given_name": {"S": "Anne"}, "relation": {"S": "parent"}}},
        no_show={"BOOL": False},
        instructions={"NULL": True},
    )
    for paths in (
        [["id"], ["patient", "given_name"], ["patient", "kind"], ["booked_by"], ["missing"], ["no_show"]],
        [["units"], ["instructions"], ["patient"], ["patient", "email"]],
        [["patient", "email"], ["patient"], ["id", "x"], ["nothing"]],
    ):
        assert motofixes._project(whole, paths).to_json() == motofixes._moto_project(whole, paths).to_json()


def test_an_item_is_made_as_moto_makes_it_and_refused_at_the_same_size() -> None:
    attrs = {"PK": {"S": "A"}, "SK": {"S": "B"}, "n": {"N": "12"}, "m": {"M": {"x": {"L": [{"S": "y"}]}}}}
    ours, theirs = Item.__new__(Item), Item.__new__(Item)
    motofixes._new_item(ours, DynamoType({"S": "A"}), DynamoType({"S": "B"}), attrs)
    motofixes._moto_new_item(theirs, DynamoType({"S": "A"}), DynamoType({"S": "B"}), attrs)
    assert ours == theirs and ours.to_json() == theirs.to_json()

    for size in (404_990, 405_010):  # around the limit, with the key's own bytes
        big = {"PK": {"S": "A"}, "v": {"S": "x" * (size - 4)}}
        outcomes = []
        for make in (motofixes._new_item, motofixes._moto_new_item):
            try:
                make(Item.__new__(Item), DynamoType({"S": "A"}), None, big)
                outcomes.append("made")
            except ItemSizeTooLarge:
                outcomes.append("too large")
        assert outcomes[0] == outcomes[1], size
    with pytest.raises(ItemSizeTooLarge):
        motofixes._new_item(Item.__new__(Item), DynamoType({"S": "A"}), None, {"v": {"S": "x" * 405_001}})


def test_a_projected_query_answers_what_moto_answers_and_leaves_the_table_as_it_was(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from moto import mock_aws
    from moto.dynamodb.models.table import Table

    from local.tables import create_table

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        client = boto3.client("dynamodb", region_name="eu-west-3")
        create_table(client, "t")
        for n in range(80):
            client.put_item(
                TableName="t",
                Item={
                    "PK": {"S": f"APPOINTMENT#{n:03d}"},
                    "SK": {"S": "APPOINTMENT"},
                    "GSI1PK": {"S": "PRO#pr-1" if n % 4 else "PRO#pr-2"},
                    "GSI1SK": {"S": f"START#{n % 50:03d}#{n:03d}"},
                    "id": {"S": f"{n:03d}"},
                    "patient": {"M": {"given_name": {"S": f"P{n}"}, "email": {"S": f"p{n}@example.org"}}},
                    "units": {"L": [{"N": str(n * 300 + u)} for u in range(0, 900, 300)]},
                    "notes": {"S": "x" * 20_000},  # 80 items of 20 KB: the 1 MB page limit is reached
                },
            )
        before = client.scan(TableName="t")["Items"]

        def pages(**extra: Any) -> list[Any]:
            answers, start = [], None
            while True:
                params = {
                    "TableName": "t",
                    "IndexName": "GSI1",
                    "KeyConditionExpression": "GSI1PK = :pk AND GSI1SK BETWEEN :low AND :high",
                    "ExpressionAttributeValues": {
                        ":pk": {"S": "PRO#pr-1"},
                        ":low": {"S": "START#005"},
                        ":high": {"S": "START#045~"},
                    },
                    **extra,
                }
                answer = client.query(**params, **({"ExclusiveStartKey": start} if start else {}))
                answers.append({k: answer.get(k) for k in ("Items", "Count", "ScannedCount", "LastEvaluatedKey")})
                if not (start := answer.get("LastEvaluatedKey")):
                    return answers

        for extra in (
            {"ProjectionExpression": "id, patient.given_name", "Limit": 7},
            {"ProjectionExpression": "id, #n, units", "ExpressionAttributeNames": {"#n": "notes"}},
            {"ScanIndexForward": False, "ProjectionExpression": "id"},
            {},
        ):
            monkeypatch.setattr(Table, "query", motofixes._query)
            monkeypatch.setattr(Item, "size", motofixes._size)
            ours = pages(**extra)
            monkeypatch.setattr(Table, "query", motofixes._moto_query)
            monkeypatch.setattr(Item, "size", motofixes._moto_size)
            assert ours == pages(**extra), extra
            assert len(ours) > 1 or "Limit" not in extra  # more than one page where a limit asks for it
        assert len(pages(ProjectionExpression="id, #n", ExpressionAttributeNames={"#n": "notes"})) > 1  # 1 MB pages
        assert client.scan(TableName="t")["Items"] == before
