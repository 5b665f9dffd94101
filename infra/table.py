"""The portal's DynamoDB table: its one definition (infra/table.json) in the forms its users need.

The deployed stack embeds the properties (``table_definition``, infra/synth.py); the local endpoint, the tests and
the benchmarks create the same table through DynamoDB's API (``create_table_parameters`` and
``time_to_live_parameters``, called by local/tables.py). Access patterns and keys: docs/data-model.md.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

TABLE_DEFINITION = Path(__file__).resolve().parent / "table.json"
TTL = "TimeToLiveSpecification"  # a property of the stack's table; through the API, a call of its own


def table_definition() -> dict[str, Any]:
    """The table's properties in ``AWS::DynamoDB::Table`` form, as the stack deploys them (without the comment)."""
    data = json.loads(TABLE_DEFINITION.read_text(encoding="utf-8"))
    return {k: v for k, v in data.items() if not k.startswith("_")}


def create_table_parameters(table_name: str) -> dict[str, Any]:
    """``CreateTable``'s parameters for ``table_name``: keys, indexes and billing mode as deployed."""
    props = table_definition()
    props.pop(TTL, None)
    return {"TableName": table_name, **props}


def time_to_live_parameters(table_name: str) -> dict[str, Any] | None:
    """``UpdateTimeToLive``'s parameters for ``table_name`` once it exists; None when the table has no TTL."""
    ttl = table_definition().get(TTL)
    return {"TableName": table_name, TTL: ttl} if ttl else None
