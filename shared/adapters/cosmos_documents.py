"""Documents of one kind in the `config` container, partitioned by kind.

Unique keys (a label's name, a location's identifier) are claim documents in the same
partition, written in one transactional batch with the item, so two writers can never
both take a name.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any, Generic, TypeVar

from azure.core import MatchConditions
from azure.cosmos.aio import ContainerProxy

from shared.adapters.cosmos import PAGE_SIZE, cosmos_call
from shared.errors import Conflict
from shared.kinds import Kind
from shared.models.common import ApiModel
from shared.ports import ConfigReader, Documents, DocumentStores, Selection, Versioned

T = TypeVar("T", bound=ApiModel)


def _claim_id(key: str) -> str:
    return "unique:" + hashlib.sha256(key.encode()).hexdigest()


class CosmosDocuments(Documents[T], Generic[T]):
    def __init__(self, container: ContainerProxy, kind: Kind):
        self._container = container
        self._kind = kind.name
        self._model = kind.model
        self._unique_keys = kind.unique_keys

    def _document(self, item: T) -> dict[str, Any]:
        return {**item.to_json(), "pk": self._kind, "doc": "item"}

    def _versioned(self, document: dict[str, Any]) -> Versioned[T]:
        return Versioned(self._model.model_validate(document), document["_etag"])

    def _claims(self, item: T) -> set[str]:
        return {_claim_id(key) for key in self._unique_keys(item)}

    async def get(self, id: str) -> Versioned[T]:
        with cosmos_call():
            return self._versioned(await self._container.read_item(id, partition_key=self._kind))

    async def list(self) -> list[Versioned[T]]:
        return await self._query("", [])

    async def find_by(self, field: str, values: Iterable[Any]) -> list[Versioned[T]]:
        return await self._query(
            f" AND ARRAY_CONTAINS(@values, c['{field}'])", [{"name": "@values", "value": list(values)}]
        )

    async def _query(self, condition: str, parameters: list[dict[str, Any]]) -> list[Versioned[T]]:
        # The partition filter is spelled out in SQL as well as passed to the SDK: the local
        # Cosmos API server scopes queries by the SQL alone.
        sql = "SELECT * FROM c WHERE c.pk = @pk AND c.doc = 'item'" + condition
        parameters = [{"name": "@pk", "value": self._kind}, *parameters]
        with cosmos_call():
            pages = self._container.query_items(sql, parameters=parameters, partition_key=self._kind,
                                                max_item_count=PAGE_SIZE)
            return [self._versioned(document) async for document in pages]

    async def create(self, item: T) -> Versioned[T]:
        claims = self._claims(item)
        if not claims:
            with cosmos_call():
                return self._versioned(await self._container.create_item(self._document(item)))
        operations: list[tuple] = [("create", (self._claim(c, item),)) for c in claims]
        operations.append(("create", (self._document(item),)))
        return await self._batch(operations)

    async def replace(self, item: T, current: Versioned[T]) -> Versioned[T]:
        old, new = self._claims(current.item), self._claims(item)
        if old == new:
            with cosmos_call():
                document = await self._container.replace_item(
                    item.id, self._document(item), etag=current.etag, match_condition=MatchConditions.IfNotModified
                )
            return self._versioned(document)
        operations: list[tuple] = [("create", (self._claim(c, item),)) for c in new - old]
        operations.append(("replace", (item.id, self._document(item)), {"if_match_etag": current.etag}))
        operations += [("delete", (c,)) for c in old - new]
        return await self._batch(operations)

    async def delete(self, current: Versioned[T]) -> None:
        operations: list[tuple] = [("delete", (current.item.id,), {"if_match_etag": current.etag})]
        operations += [("delete", (c,)) for c in self._claims(current.item)]
        with cosmos_call():
            await self._container.execute_item_batch(operations, partition_key=self._kind)

    def _claim(self, claim_id: str, item: T) -> dict[str, Any]:
        return {"id": claim_id, "pk": self._kind, "doc": "claim", "owner": item.id}

    async def _batch(self, operations: list[tuple]) -> Versioned[T]:
        try:
            with cosmos_call():
                results = await self._container.execute_item_batch(operations, partition_key=self._kind)
        except Conflict:
            raise Conflict(f"A {self._kind} with that name already exists.") from None
        item_result = next(r for r in results if r.get("resourceBody", {}).get("doc") == "item")
        return self._versioned(item_result["resourceBody"])


class CosmosConfig(ConfigReader, DocumentStores):
    """The `config` container: a store per kind, and reads across kinds."""

    def __init__(self, container: ContainerProxy):
        self._container = container
        self._stores: dict[str, CosmosDocuments[Any]] = {}

    def of(self, kind: Kind) -> Documents[Any]:
        if kind.name not in self._stores:
            self._stores[kind.name] = CosmosDocuments(self._container, kind)
        return self._stores[kind.name]

    async def read(self, selections: Iterable[Selection]) -> dict[str, list[Versioned[Any]]]:
        """One query over the few partitions asked for."""
        selections = list(selections)
        found: dict[str, list[Versioned[Any]]] = {s.kind.name: [] for s in selections}
        selections = [s for s in selections if s.field is None or s.values]
        if not selections:
            return found
        clauses, parameters = [], []
        for n, selection in enumerate(selections):
            parameters.append({"name": f"@k{n}", "value": selection.kind.name})
            clause = f"c.pk = @k{n}"
            if selection.field is not None:
                parameters.append({"name": f"@v{n}", "value": list(selection.values)})
                clause += f" AND ARRAY_CONTAINS(@v{n}, c['{selection.field}'])"
            clauses.append(f"({clause})")
        sql = f"SELECT * FROM c WHERE c.doc = 'item' AND ({' OR '.join(clauses)})"
        models = {s.kind.name: s.kind.model for s in selections}
        with cosmos_call():
            async for document in self._container.query_items(sql, parameters=parameters, max_item_count=PAGE_SIZE):
                kind = document["pk"]
                found[kind].append(Versioned(models[kind].model_validate(document), document["_etag"]))
        return found
