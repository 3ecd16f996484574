"""functions/routing.py: what a route may require is decided when it is registered."""

import pytest

from functions.routing import GROUPS, PUBLIC, RouteGroup
from shared.auth import Role


@pytest.fixture
def gadgets():
    """A route group of its own, kept out of the app's registry."""
    group = RouteGroup("gadgets", "gadgets")
    GROUPS.remove(group)
    return group


async def _handler(call):
    return None


@pytest.mark.parametrize("role", ["BookMe.Admin", "BookMe.Config", "public", "", 1, ["BookMe.Admin"]])
def test_a_role_that_is_not_a_role_fails_when_the_route_is_registered(gadgets, role):
    with pytest.raises(TypeError, match="role must be a Role, PUBLIC or None"):
        gadgets.post("x", role=role)(_handler)
    assert gadgets.endpoints == []


@pytest.mark.parametrize("role", [*Role, PUBLIC, None])
def test_a_role_a_public_marker_or_none_is_registered_as_given(gadgets, role):
    gadgets.get("x", role=role)(_handler)
    assert gadgets.endpoints[0].role is role
