"""Three changes to moto's in-memory DynamoDB, applied in the local endpoint's own process only.

1. ``TransactWriteItems`` without copying whole tables. moto deep-copies every table a transaction names before
   running it, so that it can roll back. That costs ~0.2 ms per item already in the table and each copied item stays
   registered in moto's model listing for good: after a few hundred bookings a transaction took over half a second
   and the listing over a minute. Here the transaction snapshots only the items it names and puts those back if it
   fails, which is the same rollback (a transaction may touch only the items it names, each once).
2. A per-service model listing (``/_local/moto-data/<service>.json``): moto's ``/moto-api/data.json`` lists every
   model of every service, DynamoDB items included; the local outbox needs SES's only.
3. Reads answered as the JSON they are. moto writes every answer value by value along the operation's model (about
   2 ms per item of a Query on a busy machine: 200 appointments took seconds, and the local agenda measured moto
   rather than the API). A ``Query``, ``GetItem`` or ``BatchGetItem`` answer is already DynamoDB's JSON shape, so
   it is written with ``json.dumps``; the status and headers are still moto's. An answer holding binary values
   (none of the portal's) keeps moto's own writer.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from moto.dynamodb import models as dynamodb_models
from moto.dynamodb.models.dynamo_type import DynamoType
from moto.dynamodb.models.table import Table
from moto.dynamodb.responses import DynamoResult

_real_deepcopy = copy.deepcopy
_moto_transact_write_items = dynamodb_models.DynamoDBBackend.transact_write_items
_moto_execute_result = DynamoResult.execute_result
READS = frozenset({"Query", "GetItem", "BatchGetItem"})
BULK = ("Items", "Item", "Responses", "UnprocessedKeys")


class _CopyWithoutTables:
    """Stands in for the ``copy`` module inside moto's DynamoDB models during a transaction: tables are not copied."""

    @staticmethod
    def deepcopy(obj: Any, memo: Any = None) -> Any:
        return obj if isinstance(obj, Table) else _real_deepcopy(obj, memo)


def _named_items(backend: Any, transact_items: list[dict[str, Any]]) -> list[tuple[Table, Any, Any, Any]]:
    """(table, hash key, range key, a copy of the item as it is now or None) for each item the transaction names."""
    snapshots = []
    for entry in transact_items:
        _, operation = next(iter(entry.items()))
        table = backend.tables.get(operation.get("TableName"))
        if table is None:
            continue
        key = operation.get("Key") or operation.get("Item") or {}
        if table.hash_key_attr not in key:
            continue
        hash_key = DynamoType(key[table.hash_key_attr])
        range_key = DynamoType(key[table.range_key_attr]) if table.range_key_attr in key else None
        snapshots.append((table, hash_key, range_key, _real_deepcopy(table.get_item(hash_key, range_key))))
    return snapshots


def _transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
    snapshots = _named_items(self, transact_items)
    setattr(dynamodb_models, "copy", _CopyWithoutTables)  # noqa: B010 - swapping moto's module reference
    try:
        _moto_transact_write_items(self, transact_items)
    except Exception:
        for table, hash_key, range_key, item in reversed(snapshots):
            table.delete_item(hash_key, range_key)
            if item is not None:
                if range_key is None:
                    table.items[hash_key] = item
                else:
                    table.items[hash_key][range_key] = item
        raise
    finally:
        setattr(dynamodb_models, "copy", copy)  # noqa: B010


def _binary(value: Any) -> bool:
    if isinstance(value, dict):
        return any(k in ("B", "BS") or _binary(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_binary(v) for v in value)
    return isinstance(value, bytes)


def _execute_result(self: DynamoResult, context: Any) -> Any:
    result = self.result
    if context.operation_model.name not in READS or not isinstance(result, dict) or _binary(result):
        return _moto_execute_result(self, context)
    light = DynamoResult({k: v for k, v in result.items() if k not in BULK})
    status, headers, _ = _moto_execute_result(light, context)
    return status, headers, json.dumps(result, separators=(",", ":"))


def apply() -> None:
    """Install the changes to moto's DynamoDB (idempotent)."""
    dynamodb_models.DynamoDBBackend.transact_write_items = _transact_write_items  # type: ignore[method-assign]
    DynamoResult.execute_result = _execute_result  # type: ignore[method-assign, assignment]


def service_models(service: str) -> bytes:
    """The JSON listing of one service's models, as ``/moto-api/data.json`` shows them."""
    from moto.core.model_instances import model_data

    result: dict[str, list[dict[str, Any]]] = {}
    for name, model in sorted(model_data.get(service, {}).items()):
        instances = []
        for instance in getattr(model, "instances_tracked", []):
            fields = {}
            for attr in dir(instance):
                if attr.startswith("_"):
                    continue
                try:
                    value = getattr(instance, attr)
                    json.dumps(value)
                except (TypeError, AttributeError, ValueError):
                    continue
                fields[attr] = value
            instances.append(fields)
        result[name] = instances
    return json.dumps(result).encode()
