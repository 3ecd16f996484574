"""The served OpenAPI documents on any day: what `make openapi` writes, with date examples as of
today, and search examples that answer slots when "Try it out" sends them unchanged."""

import json
from datetime import UTC, datetime

import httpx
import pytest

from functions.openapi_examples import dated
from tests.utils.tokens import bearer
from tests.utils.try_it_out import prefilled_query
from tools.export_openapi import OUTPUT

# The search operations, each with how to count the slots of its answer.
SEARCHES = {
    ("v3", "/time-slots/available"): len,
    ("v2", "/time-slots/available"): len,
    ("v3", "/time-slots/available/explain"): lambda answer: answer["slotCount"],
    ("v3", "/time-slots"): lambda answer: sum(slot["status"] == "Available" for slot in answer),
    ("v2", "/time-slots"): lambda answer: sum(slot["status"] == "Available" for slot in answer),
}


def _served(stack, version: str) -> dict:
    response = httpx.get(f"{stack.base_url}/{version}/bookme/openapi.json")
    assert response.status_code == 200
    return response.json()


@pytest.mark.parametrize("version", ["v2", "v3"])
def test_the_served_document_is_the_committed_one_with_date_examples_as_of_today(stack, version):
    before = datetime.now(UTC).date()
    served = _served(stack, version)
    after = datetime.now(UTC).date()
    committed = json.loads((OUTPUT / f"{version}.json").read_text(encoding="utf-8"))
    assert served in (dated(committed, before), dated(committed, after))


@pytest.mark.parametrize(("version", "path"), list(SEARCHES), ids=[f"{v} {p}" for v, p in SEARCHES])
def test_a_search_tried_out_unchanged_from_the_docs_page_answers_slots(stack, version, path):
    operation = _served(stack, version)["paths"][path]["get"]
    query = prefilled_query(operation)
    response = httpx.get(f"{stack.base_url}/{version}/bookme{path}", params=query, timeout=30,
                         headers=bearer(stack.key_file))
    assert response.status_code == 200, (query, response.text)
    assert SEARCHES[(version, path)](response.json()) >= 1, query
