"""Seven changes to moto's in-memory DynamoDB, applied in the local endpoint's own process only.

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
4. A table's items in key order without comparing moto's value objects. Every ``Query`` of an index (and every
   ``Scan``) starts from the whole table sorted by key, and moto's sort compares two value objects by converting
   both at each comparison: with the audit log's entries in the table (one per patient an agenda shows), that sort
   was most of a week's ``Query``. Here each item's key is converted once; the order is the same (key values of one
   attribute all have its one type).
5. Projections that pick the item's values. For a ``ProjectionExpression`` moto converted the whole item to Python
   values and back once per projected path, and built the result through its size-checked dictionary, which adds
   up every attribute again for each one it sets: a projected Query was slower than a whole one. Here the chosen
   values are taken from the item as they are (a part of an item that passed the size check).
6. An item's size checked once when it is made. moto's size-checked dictionary adds up every attribute already set
   each time it sets one, so a put of an item of n attributes cost n²/2 size computations (three quarters of a
   ``BatchWriteItem`` of audit entries). Here a new item's attributes are added up once; the limit is the same, and
   a later change of one attribute is still checked by moto's dictionary.
7. A projected ``Query`` without copying the items it found. moto deep-copies every item a ``Query`` finds, then
   projects the copies into new items, and adds up each item's size twice (to stop at 1 MB): for the agenda's week
   of 200 appointments that was over half of moto's work for the ``Query``. When the ``Query`` projects, the found
   items are projected (item 5 makes new items of their values, which the answer only reads) without the copy, and
   each item's size is added up once during the call. A ``Query`` without a projection keeps moto's copy.
"""

from __future__ import annotations

import copy
import inspect
import json
import threading
from typing import Any, cast

from moto.dynamodb import models as dynamodb_models
from moto.dynamodb.exceptions import ItemSizeTooLarge
from moto.dynamodb.models import table as table_module
from moto.dynamodb.models.dynamo_type import DynamoType, Item, LimitedSizeDict
from moto.dynamodb.models.table import Table
from moto.dynamodb.models.utilities import bytesize
from moto.dynamodb.responses import DynamoResult

_real_deepcopy = copy.deepcopy
_moto_transact_write_items = dynamodb_models.DynamoDBBackend.transact_write_items
_moto_execute_result = DynamoResult.execute_result
_moto_all_items = Table.all_items
_moto_project = Item.project
_moto_new_item = Item.__init__
_moto_query = Table.query
_moto_size = Item.size
_QUERY = inspect.signature(_moto_query)
_sizes = threading.local()  # during a projected Query: each found item's size, by id (the items live that long)
ITEM_SIZE_LIMIT = 405000  # moto's LimitedSizeDict: between DynamoDB's 409 and 410 KB
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


def _key_order(item: Item) -> Any:
    if item.range_key:
        return (item.hash_key.cast_value, item.range_key.cast_value)
    return item.hash_key.cast_value


def _all_items(self: Table) -> list[Item]:
    """moto's ``Table.all_items``: every item, in the same key order, each key converted once."""
    if self.range_key_attr:
        items = [item for hash_set in self.items.values() for item in hash_set.values()]
    else:
        items = list(self.items.values())
    return sorted(items, key=_key_order)


def _project(self: Item, projection_expressions: list[list[str]]) -> Item:
    """moto's ``Item.project``, walking the item's own values (a Query projects a copy of the table's item, so its
    parts can be shared) instead of converting the whole item for each path; a path with a list index is left to
    moto's own code."""
    if any("[" in name for path in projection_expressions for name in path):
        return _moto_project(self, projection_expressions)
    chosen: dict[str, Any] = {}  # name -> DynamoType (the whole value) or a dict of the members chosen in it
    for path in projection_expressions:
        value: DynamoType | None = self.attrs.get(path[0])
        for name in path[1:]:
            value = value.value.get(name) if value is not None and value.is_map() else None
        if value is None:
            continue
        into = chosen
        for name in path[:-1]:
            into = into.setdefault(name, {})
            if isinstance(into, DynamoType):  # the whole of it is already chosen
                break
        else:
            into[path[-1]] = value
    projected = cast(Item, Item.__new__(Item))  # as moto's own copy makes items
    projected.hash_key, projected.range_key = self.hash_key, self.range_key
    attrs = LimitedSizeDict.__new__(LimitedSizeDict)
    for name, value in chosen.items():
        dict.__setitem__(attrs, name, _as_value(value))
    projected.attrs = attrs
    return projected


def _as_value(chosen: DynamoType | dict[str, Any]) -> DynamoType:
    if isinstance(chosen, DynamoType):
        return chosen
    return DynamoType({"M": {name: _as_value(member) for name, member in chosen.items()}})


def _new_item(self: Item, hash_key: DynamoType, range_key: DynamoType | None, attrs: dict[str, Any]) -> None:
    """moto's ``Item.__init__``, the item's size added up once."""
    self.hash_key, self.range_key = hash_key, range_key
    values = {name: DynamoType(value) for name, value in attrs.items()}
    if sum(bytesize(name) + value.size() for name, value in values.items()) > ITEM_SIZE_LIMIT:
        raise ItemSizeTooLarge
    self.attrs = LimitedSizeDict.__new__(LimitedSizeDict)
    dict.update(self.attrs, values)


class _ResultsNotCopied:
    """Stands in for the ``copy`` module inside moto's ``Table.query`` while it projects: the list of found items is
    copied, not the items (their projections are new items, item 5)."""

    copy = staticmethod(copy.copy)

    @staticmethod
    def deepcopy(obj: Any, memo: Any = None) -> Any:
        return list(obj) if isinstance(obj, list) else _real_deepcopy(obj, memo)


def _size(self: Item) -> int:
    """moto's ``Item.size``, added up once per item during a projected ``Query``."""
    memo: dict[int, int] | None = getattr(_sizes, "memo", None)
    if memo is None:
        return _moto_size(self)
    key = id(self)
    if key not in memo:
        memo[key] = _moto_size(self)
    return memo[key]


def _query(self: Table, *args: Any, **kwargs: Any) -> Any:
    """moto's ``Table.query``; when it projects, without copying the found items and with their sizes added up once
    (the local endpoint answers one request at a time, so the module's ``copy`` is swapped for the call alone)."""
    if not _QUERY.bind(self, *args, **kwargs).arguments.get("projection_expressions"):
        return _moto_query(self, *args, **kwargs)
    _sizes.memo = {}
    table_module.copy = _ResultsNotCopied  # type: ignore[attr-defined, assignment]
    try:
        return _moto_query(self, *args, **kwargs)
    finally:
        table_module.copy = copy  # type: ignore[attr-defined]
        _sizes.memo = None


def apply() -> None:
    """Install the changes to moto's DynamoDB (idempotent)."""
    dynamodb_models.DynamoDBBackend.transact_write_items = _transact_write_items  # type: ignore[method-assign]
    DynamoResult.execute_result = _execute_result  # type: ignore[method-assign, assignment]
    Table.all_items = _all_items  # type: ignore[method-assign]
    Item.project = _project  # type: ignore[method-assign]
    Item.__init__ = _new_item  # type: ignore[method-assign]
    Table.query = _query  # type: ignore[method-assign]
    Item.size = _size  # type: ignore[method-assign]


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
