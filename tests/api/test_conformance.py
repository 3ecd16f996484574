"""Conformance of the API to its own served OpenAPI documents, with schemathesis (issue 12).

Every operation of /api/v2/bookme/openapi.json and /api/v3/bookme/openapi.json gets generated
requests, valid and invalid, with a token holding every role, and each answer is checked:
no 5xx, a documented status, a documented content type and a body matching the documented
schema. Bounded for `make test` (FUZZ_EXAMPLES per operation and mode, default 3,
derandomized so a run is repeatable); `make fuzz` raises FUZZ_EXAMPLES.

Generated writes create and delete real resources, so this module runs against a stack of
its own: the shared session stack other tests read stays as they expect it.
"""

import os

import httpx
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.utils.stack import start_stack, stop_stack
from tests.utils.tokens import ALL_ROLES, bearer

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "3"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(scope="module")
def own_stack(tmp_path_factory):
    running = start_stack(tmp_path_factory.mktemp("conformance"))
    yield running
    stop_stack(running)


def _failures(stack, version: str) -> tuple[list[str], int, int]:
    headers = bearer(stack.key_file, [*ALL_ROLES, "BookMe.PersonalData"])
    base_url = f"{stack.base_url}/{version}/bookme"
    document = httpx.get(f"{base_url}/openapi.json", headers=headers, timeout=30)
    assert document.status_code == 200, document.text
    schema = schemathesis.openapi.from_dict(document.json())
    failures: list[str] = []
    operations = calls = 0
    with requests.Session() as session:
        for result in schema.get_all_operations():
            operation = result.ok()
            operations += 1
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

                # No shrinking: the first failing example is reported as it came.
                @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                          suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
                @given(case=operation.as_strategy(mode))
                def check(case) -> None:
                    nonlocal calls
                    calls += 1
                    case.call_and_validate(base_url=base_url, session=session, headers=headers, checks=CHECKS,
                                           timeout=30)

                try:
                    check()
                # schemathesis reports a FailureGroup, a BaseExceptionGroup: collected, so that one run
                # names every failing operation.
                except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001
                    failures.append(f"{version} {operation.label} ({mode.value}): {str(error)[:1500]}")
    return failures, operations, calls


@pytest.mark.timeout(900)
@pytest.mark.parametrize("version", ["v2", "v3"])
def test_every_operation_conforms_to_the_served_document(own_stack, version):
    failures, operations, calls = _failures(own_stack, version)
    assert not failures, "\n\n".join(failures)
    assert operations > 20 and calls >= operations  # every operation was tried
