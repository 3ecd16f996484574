"""Conformance of the API to its own served OpenAPI documents, with schemathesis (issues 12, 16).

schemathesis runs against /api/v2/bookme/openapi.json and /api/v3/bookme/openapi.json with its
default phases, as its CLI runs them: the documents' examples, the coverage phase (boundary
values and every kind of invalid input, deterministically), fuzzing, and stateful sequences.
Every request carries a token holding every role, and every answer is checked: no 5xx, a
documented status, a documented content type and a body matching the documented schema.

Bounded for `make test`: FUZZ_EXAMPLES generated requests per operation (default 5), and
deterministic generation, so a run is repeatable. `make fuzz` raises FUZZ_EXAMPLES; FUZZ_SEED
set makes generation random from that seed instead. schemathesis keeps the failures it found
(`.schemathesis/`, replayed first by the next run) in the run's own folder.

Generated writes create and delete real resources, so this module runs against a stack of
its own: the shared session stack other tests read stays as they expect it.
"""

import os
import re
import subprocess
import sys

import pytest

from tests.utils.stack import start_stack, stop_stack
from tests.utils.tokens import ALL_ROLES, token

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "5"))
SEED = os.environ.get("FUZZ_SEED", "")
PHASES = "examples,coverage,fuzzing,stateful"
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
# As long as the longest run may last: a token that expires mid-run would turn the rest into 401s.
TOKEN_LIFETIME = 6 * 3600


@pytest.fixture(scope="module")
def own_stack(tmp_path_factory):
    running = start_stack(tmp_path_factory.mktemp("conformance"))
    yield running
    stop_stack(running)


@pytest.mark.timeout(3600)
@pytest.mark.parametrize("version", ["v2", "v3"])
def test_every_operation_conforms_to_the_served_document(own_stack, version, tmp_path):
    bearer = token(own_stack.key_file, [*ALL_ROLES, "BookMe.PersonalData"], lifetime_seconds=TOKEN_LIFETIME)
    generation = ["--seed", SEED] if SEED else ["--generation-deterministic"]
    run = subprocess.run(
        [sys.executable, "-m", "schemathesis.cli", "run", f"{own_stack.base_url}/{version}/bookme/openapi.json",
         "--phases", PHASES, "--checks", CHECKS, "--max-examples", str(EXAMPLES), *generation,
         "--header", f"Authorization: Bearer {bearer}", "--request-timeout", "30", "--no-color"],
        cwd=tmp_path, capture_output=True, text=True, timeout=3600)
    report = run.stdout + run.stderr
    assert run.returncode == 0, report[-20_000:]
    for phase in ("Examples", "Coverage", "Fuzzing", "Stateful"):
        assert f"✅ {phase}" in report, f"the {phase} phase did not run and pass:\n{report[-5_000:]}"
    generated = re.search(r"(\d+) generated", report)
    assert generated and int(generated.group(1)) > 0, report[-5_000:]
