"""Every service test gets a Context over fresh fakes (tests/utils/fakes.py)."""

import pytest

from tests.utils.fakes import fake_context


@pytest.fixture
async def ctx():
    return fake_context()
