"""Create the portal's DynamoDB table on any endpoint from infra/table.json (the deployed definition)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

TABLE_DEFINITION = Path(__file__).resolve().parent.parent / "infra" / "table.json"


def table_definition() -> dict[str, Any]:
    """The table's properties as infra/ deploys them (without the comment key)."""
    data = json.loads(TABLE_DEFINITION.read_text(encoding="utf-8"))
    return {k: v for k, v in data.items() if not k.startswith("_")}


def create_table(client: Any, table_name: str) -> None:
    """Create ``table_name`` with the deployed key schema, indexes and TTL, and wait until it is active."""
    props = table_definition()
    ttl = props.pop("TimeToLiveSpecification", None)
    client.create_table(TableName=table_name, **props)
    client.get_waiter("table_exists").wait(TableName=table_name)
    if ttl:
        client.update_time_to_live(TableName=table_name, TimeToLiveSpecification=ttl)
