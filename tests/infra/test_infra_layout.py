"""The Bicep in infra/ provisions what the code expects.

A plain-text reading of the Bicep, so the main suite catches drift without checkov or a
Bicep parser; tools/check_infra.py does the full check (parser, checkov, settings)."""

import json
import re
from pathlib import Path

import pytest

from shared.adapters.cosmos_layout import CONTAINERS, DATABASE
from shared.settings import Settings

INFRA = Path(__file__).resolve().parents[2] / "infra"

# Read locally only; the first two must never be set in Azure.
LOCAL_ONLY_SETTINGS = {"COSMOS_KEY", "AUTH_DEV_KEY_FILE", "SMTP_HOST", "SMTP_PORT", "BOOKME_TRACES",
                       "OTEL_EXPORTER_OTLP_ENDPOINT"}


def _bicep(relative: str) -> str:
    return (INFRA / relative).read_text(encoding="utf-8")


def _block(text: str, opening: str) -> str:
    """The lines between a top-level `opening` line and the closing bracket at column 0."""
    match = re.search(rf"^{re.escape(opening)}\n(.*?)^[\]}}]", text, re.DOTALL | re.MULTILINE)
    assert match, f"no block starting with {opening!r}"
    return match.group(1)


def _containers_in_cosmos_bicep() -> set[tuple[str, str, int | None]]:
    # Each entry is an object at the array's own indentation (composite indexes nest objects inside it).
    entries = re.findall(r"^  \{\n(.*?)^  \}", _block(_bicep("app/cosmos.bicep"), "var containers = ["),
                         re.DOTALL | re.MULTILINE)
    found = set()
    for entry in entries:
        name = re.search(r"^\s*name:\s*'([^']*)'", entry, re.MULTILINE)
        path = re.search(r"^\s*partitionKeyPath:\s*'([^']*)'", entry, re.MULTILINE)
        ttl = re.search(r"^\s*defaultTtl:\s*(null|-?\d+)\s*$", entry, re.MULTILINE)
        assert name and path and ttl, f"container entry is not plain name/partitionKeyPath/defaultTtl: {entry!r}"
        found.add((name.group(1), path.group(1), None if ttl.group(1) == "null" else int(ttl.group(1))))
    return found


def _app_setting_names_in_api_bicep() -> set[str]:
    block = _block(_bicep("app/api.bicep"), "var appSettings = {")
    return set(re.findall(r"^\s*([A-Za-z_]\w*)\s*:", block, re.MULTILINE))


def test_cosmos_bicep_declares_exactly_the_containers_of_the_cosmos_layout():
    expected = {(spec.name, spec.partition_key_path, spec.default_ttl) for spec in CONTAINERS}

    assert _containers_in_cosmos_bicep() == expected


def test_cosmos_bicep_creates_one_container_per_declared_entry():
    assert re.search(r"containers@[\w-]+' = \[for container in containers:", _bicep("app/cosmos.bicep"))


def test_main_bicep_names_the_database_the_app_uses():
    assert f"var cosmosDatabaseName = '{DATABASE}'" in _bicep("main.bicep")


def test_function_app_gets_every_setting_the_code_reads_in_azure():
    needed = set(Settings.model_fields) - LOCAL_ONLY_SETTINGS

    assert needed - _app_setting_names_in_api_bicep() == set()


@pytest.mark.parametrize("local_only", ["COSMOS_KEY", "AUTH_DEV_KEY_FILE"])
def test_function_app_never_gets_a_key_or_the_development_token_key(local_only):
    assert local_only not in _app_setting_names_in_api_bicep()


@pytest.mark.parametrize("version", ["v3", "v2"])
def test_api_management_imports_a_valid_openapi_document(version):
    document = json.loads((INFRA / "openapi" / f"{version}.json").read_text(encoding="utf-8"))

    assert document["openapi"].startswith("3.")
    assert f"string(loadJsonContent('../openapi/{version}.json'))" in _bicep("app/apim.bicep")
