"""A real HTTP receiver on loopback for the webhook delivery tests."""

import pytest

from tests.utils.webhook_receiver import Receiver


@pytest.fixture
async def receiver():
    running = await Receiver().start()
    yield running
    await running.stop()
