"""The layering of docs/architecture.md, checked on the source: services see only ports,
rules see no I/O."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def modules_under(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


@pytest.mark.parametrize("path", modules_under("shared/services"), ids=lambda p: str(p.relative_to(ROOT)))
def test_services_import_neither_the_composition_root_nor_adapters(path):
    forbidden = {m for m in imported_modules(path) if m.startswith(("shared.bootstrap", "shared.adapters", "azure"))}
    assert forbidden == set()


@pytest.mark.parametrize("path", modules_under("shared/rules"), ids=lambda p: str(p.relative_to(ROOT)))
def test_rules_are_pure(path):
    forbidden = {m for m in imported_modules(path)
                 if m.startswith(("shared.services", "shared.adapters", "shared.bootstrap", "azure"))}
    assert forbidden == set()


@pytest.mark.parametrize("path", modules_under("functions"), ids=lambda p: str(p.relative_to(ROOT)))
def test_handlers_reach_adapters_only_through_the_composition_root(path):
    assert {m for m in imported_modules(path) if m.startswith("shared.adapters")} == set()
