"""The README as a newcomer follows it: every shell block, in order, against a fresh local stack
with the demo bank, on whatever day the tests run (README, "The README is tested").

Each block runs as written in `bash -e -o pipefail` from the repository, with `make` as it is
and `curl` wrapped (tests/utils/readme_bin/curl) to keep every answer and refuse any status but
2xx. The only change to a block's text: the local ports 7071 (the API), 7073 (the Graph stand-in)
and 9000 (the webhook receiver) become this stack's own, since other stacks may be using them on
this machine.
"""

import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.utils import readme_blocks
from tests.utils.stack import ROOT, start_stack, stop_stack
from tools.localstack import free_port

README = ROOT / "README.md"
BLOCKS = readme_blocks.blocks(README)
CURL_SHIM = ROOT / "tests" / "utils" / "readme_bin"
BLOCK_TIMEOUT = 120
CHECK_PATIENCE = 20  # seconds for what arrives after the block ends (a receiver's output)


@pytest.fixture(scope="module")
def readme_stack(tmp_path_factory):
    """A stack of its own: the README's counts hold for a demo bank nobody else has booked."""
    running = start_stack(tmp_path_factory.mktemp("readme"))
    # The README's local ports and this stack's own; a section that uses another local port adds it here.
    yield running, {"7071": running.env["PORT"], "9000": str(free_port()),
                    "7073": str(urlparse(running.graph_url).port)}
    stop_stack(running)


def test_the_readme_has_blocks_that_run_and_blocks_that_only_show():
    assert sum(block.runs for block in BLOCKS) >= 5 and any(not block.runs for block in BLOCKS)
    for block in BLOCKS:
        assert set(block.flags) <= {readme_blocks.NO_RUN}, f"block {block.name}: unknown marker {block.flags}"


@pytest.mark.parametrize("block", [b for b in BLOCKS if b.runs], ids=lambda b: b.name)
def test_no_block_that_runs_starts_a_server_or_calls_another_make_target(block):
    assert not readme_blocks.misplaced_commands(block), (
        f"block {block.name} runs {readme_blocks.misplaced_commands(block)}: mark it ```sh no-run")


def _environment(stack, calls: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAKE", "MFLAGS"))}  # as in a terminal
    env.update({"PATH": f"{CURL_SHIM}{os.pathsep}{env.get('PATH', '')}", "REAL_CURL": shutil.which("curl"),
                "README_CALLS": str(calls), "AUTH_DEV_KEY_FILE": str(stack.key_file)})
    return env


def _calls(calls: Path) -> list[tuple[str, str, bytes]]:
    """(status, arguments, body) of each curl call, in order."""
    found = []
    for call in sorted(calls.glob("*.call")):
        status, _, arguments = call.read_text(encoding="utf-8").partition("\n")
        found.append((status, arguments, call.with_suffix(".body").read_bytes()))
    return found


def _without_token(arguments: str) -> str:
    return re.sub(r"Bearer \S+", "Bearer <token>", arguments)


def _checks_hold(block, answer, output_file: Path) -> list[str]:
    """The checks still false after CHECK_PATIENCE seconds, each with why."""
    deadline = time.monotonic() + CHECK_PATIENCE
    while True:
        output = output_file.read_text(encoding="utf-8", errors="replace")
        failing = []
        for check in block.checks:
            try:
                if not eval(check, {**readme_blocks.check_names(answer, output)}):  # the README's own expressions
                    failing.append(f"false: {check}")
            except Exception as error:  # noqa: BLE001 - reported with the check
                failing.append(f"{type(error).__name__} {error}: {check}")
        if not failing or time.monotonic() > deadline:
            return failing
        time.sleep(0.25)


@pytest.mark.timeout(BLOCK_TIMEOUT + CHECK_PATIENCE + 60)
@pytest.mark.parametrize("block", [b for b in BLOCKS if b.runs], ids=lambda b: b.name)
def test_each_readme_block_runs_and_answers_what_the_readme_says(readme_stack, block, tmp_path):
    import json

    stack, ports = readme_stack
    script = re.sub(rf"\b({'|'.join(ports)})\b", lambda m: ports[m.group(1)], block.text)
    calls = tmp_path / "calls"
    calls.mkdir()
    output_file = tmp_path / "output.txt"
    with open(output_file, "wb") as output:
        shell = subprocess.Popen(["bash", "-e", "-o", "pipefail", "-c", script], cwd=ROOT, stdin=subprocess.DEVNULL,
                                 stdout=output, stderr=subprocess.STDOUT, env=_environment(stack, calls),
                                 start_new_session=True)
    try:
        code = shell.wait(timeout=BLOCK_TIMEOUT)
        made = _calls(calls)
        printed = output_file.read_text(encoding="utf-8", errors="replace")
        assert code == 0, f"block {block.name} exited {code}:\n{printed[-3000:]}"
        assert made, f"block {block.name} made no HTTP call"
        refused = [f"HTTP {status}: curl {_without_token(arguments)[:300]}"
                   for status, arguments, _ in made if not status.startswith("2")]
        assert not refused, "\n".join(refused)
        body = made[-1][2]
        answer = json.loads(body) if body.strip() else None
        if block.shown is not None:
            wrong = readme_blocks.mismatch(block.shown, answer)
            assert wrong is None, f"block {block.name}: {wrong}"
        failing = _checks_hold(block, answer, output_file)
        assert not failing, f"block {block.name}:\n" + "\n".join(failing)
    finally:
        try:
            os.killpg(shell.pid, signal.SIGTERM)  # what the block left running (a webhook receiver)
        except ProcessLookupError:
            pass
        shell.wait(timeout=10)
