"""A Context whose Cosmos DB client records the URL of every request it sends, for benchmarks
that count the requests of one operation, and a mailer that sends nothing."""

from dataclasses import dataclass, field


@dataclass
class CountingRuntime:
    """`context` over a Cosmos client whose requests land in `seen`; close it when done."""

    context: object
    client: object
    seen: list[str] = field(default_factory=list)

    async def close(self) -> None:
        await self.client.close()


class Discard:
    """A mailer that sends nothing."""

    async def send(self, message) -> None:
        return None


def counting_runtime(settings) -> CountingRuntime:
    from azure.cosmos.aio import CosmosClient

    from shared.adapters.cosmos import CosmosAccount
    from shared.bootstrap import build_runtime

    seen: list[str] = []
    client = CosmosClient(settings.COSMOS_ENDPOINT, settings.COSMOS_KEY, connection_verify=False,
                          raw_response_hook=lambda response: seen.append(response.http_request.url))
    context = build_runtime(settings, CosmosAccount(client, client.get_database_client(settings.COSMOS_DATABASE)),
                            Discard()).context
    return CountingRuntime(context, client, seen)
