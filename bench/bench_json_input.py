"""Reading hostile request bodies (contract section 22: any body up to 1 MiB, of any shape, is
answered within one second).

    python -m bench.bench_json_input [--runs N] [--no-http]

1. parse_json on each 1 MiB shape of tests/utils/hostile_shapes.py, in this process with the
   garbage collector on (as in a server): median and worst of N runs.
2. The depth scan this one replaced (a regular expression that backtracks) on the first shape at
   4, 8 and 16 KB: its time quadruples when the size doubles; the new one reads the 1 MiB shape.
3. apply_patch on a meeting with each large JSON Patch of that module.
4. Through the local host (a stack of its own): the time to the 4xx answer of each shape sent
   to POST /meetings, PATCH /meetings/{id}, POST /time-slots/reserve and POST
   /bookme/config/locations.

Prints the numbers and writes them to .local/bench/json_input.json.
"""

import argparse
import json
import os
import platform
import re
import statistics
import tempfile
import time
from pathlib import Path

from shared.errors import BookMeError
from shared.models.meetings import Meeting
from shared.rules.json_input import JsonInputError, parse_json
from shared.rules.patching import apply_patch
from tests.utils.hostile_shapes import PATCHES, SHAPES

OUTPUT = Path(".local/bench/json_input.json")
# The scan before issue 16: strings removed by a regular expression that, on a string never
# closed, tries every quote as a start and reads to the end from each.
_OLD_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
TARGETS = [("POST", "/meetings"), ("PATCH", "/meetings/{meeting}"), ("POST", "/time-slots/reserve"),
           ("POST", "/bookme/config/locations")]


def _timed(work, runs: int) -> tuple[float, float, str]:
    """Median and worst milliseconds of `runs` calls, and how the last one ended."""
    samples, outcome = [], ""
    for _ in range(runs):
        started = time.perf_counter()
        try:
            work()
            outcome = "accepted"
        except BookMeError as error:
            outcome = f"{error.status}: {error.detail[:60]}"
        except JsonInputError as error:
            outcome = f"refused: {str(error)[:60]}"
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), max(samples), outcome


def parse_times(runs: int) -> dict:
    print(f"\nparse_json, 1 MiB each (median / worst of {runs}, ms)")
    results = {}
    for name, body in SHAPES.items():
        median, worst, outcome = _timed(lambda body=body: parse_json(body), runs)
        results[name] = {"median_ms": round(median, 1), "worst_ms": round(worst, 1), "outcome": outcome}
        print(f"  {name:44} {median:7.1f} {worst:7.1f}  {outcome}")
    return results


def old_scan_times() -> dict:
    print("\nthe depth scan before issue 16 on an unterminated string of escaped quotes (ms)")
    results = {}
    for size in (4096, 8192, 16384):
        body = b'"' + b'\\"' * (size // 2)
        started = time.perf_counter()
        _OLD_STRING.sub(b'""', body)
        results[f"{size // 1024} KB"] = round((time.perf_counter() - started) * 1000, 1)
        print(f"  {size // 1024:3} KB {results[f'{size // 1024} KB']:9.1f}")
    return results


def patch_times(meeting: dict, runs: int) -> dict:
    print(f"\napply_patch on a meeting (median / worst of {runs}, ms)")
    results = {}
    for name, body in PATCHES.items():
        operations = json.loads(body)
        median, worst, outcome = _timed(lambda ops=operations: apply_patch(meeting, ops, Meeting, ["/id"]), runs)
        results[name] = {"median_ms": round(median, 1), "worst_ms": round(worst, 1), "outcome": outcome}
        print(f"  {name:52} {median:7.1f} {worst:7.1f}  {outcome}")
    return results


def http_times(runs: int) -> tuple[dict, dict]:
    """Answer times through the local host, and a meeting it booked (for the patch benchmark)."""
    import httpx

    from tests.api.test_meetings import meeting_body, new_day
    from tests.utils.stack import start_stack, stop_stack, timer_schedules
    from tests.utils.tokens import bearer

    results: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        stack = start_stack(Path(tmp), {"BOOKME_DEMO_DATA": "true", **timer_schedules("0 0 0 1 1 *")})
        try:
            headers = {**bearer(stack.key_file), "Content-Type": "application/json"}
            with httpx.Client(base_url=f"{stack.base_url}/v3/bookme", timeout=60, headers=headers) as client:
                booked = client.post("/meetings", content=json.dumps(meeting_body(new_day(), 9)))
                assert booked.status_code == 201, booked.text
                meeting = booked.json()
                print(f"\nthrough the local host: time to the answer (median / worst of {runs}, ms)")
                for method, path in TARGETS:
                    url = path.format(meeting=meeting["id"])
                    client.request(method, url, content=b"{")  # imports the route group: not timed
                    for name, body in {**SHAPES, **(PATCHES if method == "PATCH" else {})}.items():
                        samples, status = [], 0
                        for _ in range(runs):
                            started = time.perf_counter()
                            status = client.request(method, url, content=body).status_code
                            samples.append((time.perf_counter() - started) * 1000)
                        median, worst = statistics.median(samples), max(samples)
                        results[f"{method} {path} {name}"] = {"median_ms": round(median, 1),
                                                              "worst_ms": round(worst, 1), "status": status}
                        print(f"  {method:5} {path:26} {name:52} {median:7.1f} {worst:7.1f}  {status}")
        finally:
            stop_stack(stack)
    return results, meeting


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-http", action="store_true", help="skip the measurements through the local host")
    args = parser.parse_args()
    print(f"hostile bodies ({platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} cores, "
          f"load {os.getloadavg()[0]:.1f})")
    report: dict = {"parse": parse_times(args.runs), "old_scan": old_scan_times()}
    if not args.no_http:
        report["http"], meeting = http_times(args.runs)
        report["patch"] = patch_times(meeting, args.runs)
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
