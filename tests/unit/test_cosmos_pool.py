"""The Cosmos DB client's connection pool is sized from COSMOS_MAX_CONNECTIONS."""

from shared.adapters.cosmos import pooled_transport


async def test_the_pool_holds_at_most_the_configured_connections():
    transport = pooled_transport(12)
    try:
        assert transport.session.connector.limit == 12
    finally:
        await transport.close()


def test_zero_leaves_the_sdk_its_own_transport():
    assert pooled_transport(0) is None

