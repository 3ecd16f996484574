"""Fixtures: the real local stack (started once per session, only when a test needs it),
HTTP clients for V2 and V3 with tokens, and a Context over the app's own adapters for
integration tests."""

import httpx
import pytest

from tests.utils.stack import start_stack, stop_stack
from tests.utils.tokens import bearer


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    running = start_stack(tmp_path_factory.mktemp("stack"))
    yield running
    stop_stack(running)


def _client(stack, version: str, roles: list[str] | None) -> httpx.Client:
    return httpx.Client(base_url=f"{stack.base_url}/{version}/bookme", headers=bearer(stack.key_file, roles),
                        timeout=30)


@pytest.fixture(scope="session")
def api(stack):
    """V3 client with every role."""
    with _client(stack, "v3", None) as client:
        yield client


@pytest.fixture(scope="session")
def api_v2(stack):
    with _client(stack, "v2", None) as client:
        yield client


@pytest.fixture(scope="session")
def reader(stack):
    """V3 client whose token has no roles: may read and book, never configure."""
    with _client(stack, "v3", []) as client:
        yield client


@pytest.fixture(scope="session")
def config_api(stack):
    """V3 client with BookMe.Config only."""
    with _client(stack, "v3", ["BookMe.Config"]) as client:
        yield client


@pytest.fixture
async def ctx(stack):
    """A Context over the app's own adapters, against the same Cosmos database the host uses."""
    from shared.bootstrap import build_runtime
    from shared.settings import Settings

    settings = Settings(**{k: v for k, v in stack.env.items() if k in Settings.model_fields})
    runtime = build_runtime(settings)
    yield runtime.context
    await runtime.close()
