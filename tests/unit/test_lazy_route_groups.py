"""function_app.py registers route groups without importing them; what it declares must be what
the modules define, and no group may be left out."""

import importlib
import re
from pathlib import Path

import function_app

FUNCTIONS = Path(__file__).resolve().parents[2] / "functions"


def test_each_declared_group_has_the_name_and_base_of_its_module():
    for name, base, module in function_app.ROUTE_GROUPS:
        group = importlib.import_module(module).group
        assert (group.name, group.base) == (name, base.strip("/")), module


def test_every_route_group_module_is_declared():
    defining = {f"functions.{path.stem}" for path in FUNCTIONS.glob("*.py")
                if re.search(r"^group = RouteGroup\(", path.read_text(encoding="utf-8"), re.MULTILINE)}
    assert defining == {module for _, _, module in function_app.ROUTE_GROUPS}
