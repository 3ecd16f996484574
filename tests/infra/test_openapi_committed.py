"""API Management imports infra/openapi/*.json; they must be what the code generates."""

import pytest

from tools.export_openapi import OUTPUT, render


@pytest.mark.parametrize("version", ["v2", "v3"])
def test_committed_openapi_documents_match_the_code(version):
    committed = (OUTPUT / f"{version}.json").read_text(encoding="utf-8")
    assert committed == render(version), "The API changed: run `make openapi` and commit infra/openapi/"
