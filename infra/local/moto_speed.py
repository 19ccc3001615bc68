"""moto's TransactWriteItems, made to cost what the transaction touches rather than the size of the table.

moto backs up a transaction by deep-copying the whole table, stream records included, once per item in
the transaction, so that it can roll a cancelled one back. On the local stack's growing table every
submission then costs more than the last: a load run of 1,000 submissions slowed to about one request a
second. This keeps moto's behaviour (all or nothing, a cancelled transaction leaves no item and no stream
record behind) but backs up only the items the transaction names. Used by the local stack only.
"""

from __future__ import annotations

import copy
import threading
from typing import Any

from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType
from moto.dynamodb.models.table import Table

_sharing = threading.local()
_applied = False


def _table_deepcopy(self: Table, memo: dict[int, Any]) -> Table:
    """Inside a patched transaction moto's whole-table backup is the table itself (we back up items)."""
    if getattr(_sharing, "active", False):
        return self
    clone: Table = object.__new__(type(self))
    memo[id(self)] = clone
    clone.__dict__.update(copy.deepcopy(self.__dict__, memo))
    return clone


def _key_of(table: Table, operation: dict[str, Any]) -> tuple[DynamoType, DynamoType | None] | None:
    attributes = operation.get("Key") or operation.get("Item") or {}
    if table.hash_key_attr not in attributes:
        return None
    hash_value = DynamoType(attributes[table.hash_key_attr])
    range_attr = table.range_key_attr
    range_value = DynamoType(attributes[range_attr]) if range_attr and range_attr in attributes else None
    return hash_value, range_value


def apply() -> None:
    global _applied
    if _applied:
        return
    original = DynamoDBBackend.transact_write_items

    def transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
        backups: list[tuple[Table, DynamoType, DynamoType | None, Any]] = []
        shards: dict[int, tuple[Any, int]] = {}
        for entry in transact_items:
            _, operation = next(iter(entry.items()))
            table = self.tables.get(operation.get("TableName"))
            key = _key_of(table, operation) if table is not None else None
            if table is None or key is None:
                continue
            hash_value, range_value = key
            backups.append((table, hash_value, range_value, copy.deepcopy(table.get_item(hash_value, range_value))))
            if table.stream_shard is not None:
                shards[id(table)] = (table.stream_shard, len(table.stream_shard.items))
        _sharing.active = True
        try:
            original(self, transact_items)
        except Exception:
            for table, hash_value, range_value, before in reversed(backups):
                _restore(table, hash_value, range_value, before)
            for shard, length in shards.values():
                del shard.items[length:]
            raise
        finally:
            _sharing.active = False

    Table.__deepcopy__ = _table_deepcopy  # type: ignore[attr-defined]
    DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]
    _applied = True


def _restore(table: Table, hash_value: DynamoType, range_value: DynamoType | None, before: Any) -> None:
    if table.has_range_key:
        if before is None:
            table.items.get(hash_value, {}).pop(range_value, None)
        else:
            table.items[hash_value][range_value] = before
    elif before is None:
        table.items.pop(hash_value, None)
    else:
        table.items[hash_value] = before
