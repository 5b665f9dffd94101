"""Create the portal's DynamoDB table on any endpoint, from the deployed definition (infra/table.py)."""

from __future__ import annotations

from typing import Any

from infra.table import create_table_parameters, time_to_live_parameters


def create_table(client: Any, table_name: str) -> None:
    """Create ``table_name`` with the deployed key schema, indexes and TTL, and wait until it is active."""
    client.create_table(**create_table_parameters(table_name))
    client.get_waiter("table_exists").wait(TableName=table_name)
    ttl = time_to_live_parameters(table_name)
    if ttl:
        client.update_time_to_live(**ttl)
