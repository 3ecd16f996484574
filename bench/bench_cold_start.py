"""Cold start: importing function_app (what every new instance does) against importing the four
SDKs it cannot avoid.

    python -m bench.bench_cold_start [--runs N]

Each run is a fresh interpreter; the two commands alternate so that disk cache and machine load
weigh on both alike. Prints the medians of wall time and their ratio (target: at most 1.3), and
the same for CPU time (user + system of the child), which other processes on a shared machine
disturb less, and writes the numbers to .local/bench/cold_start.json.
"""

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / ".local" / "bench" / "cold_start.json"
APP = "import function_app"
SDKS = "import azure.functions, azure.cosmos.aio, pydantic, azure.identity.aio"
TARGET = 1.3


def _child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(statement: str) -> tuple[float, float]:
    """Wall and CPU seconds of one fresh interpreter running `statement`."""
    cpu, started = _child_cpu(), time.perf_counter()
    subprocess.run([sys.executable, "-c", statement], cwd=ROOT, check=True)
    return time.perf_counter() - started, _child_cpu() - cpu


def measure(runs: int) -> dict[str, dict[str, list[float]]]:
    timed(APP), timed(SDKS)  # warm the file cache and the bytecode caches first
    samples: dict[str, dict[str, list[float]]] = {APP: {"wall": [], "cpu": []}, SDKS: {"wall": [], "cpu": []}}
    for _ in range(runs):
        for statement in (APP, SDKS):
            wall, cpu = timed(statement)
            samples[statement]["wall"].append(wall)
            samples[statement]["cpu"].append(cpu)
    return samples


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    samples = measure(runs)
    print(f"cold start, median of {runs} alternating runs ({platform.python_implementation()} "
          f"{platform.python_version()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f})")
    results = {}
    for clock in ("wall", "cpu"):
        app, sdks = statistics.median(samples[APP][clock]), statistics.median(samples[SDKS][clock])
        results[clock] = {"app_s": app, "sdks_s": sdks, "ratio": app / sdks}
        print(f"  {clock} time: {APP} {app * 1000:.0f} ms, {SDKS} {sdks * 1000:.0f} ms")
        print(f"    ratio {app / sdks:.2f} (target at most {TARGET}); the app's own share {(app - sdks) * 1000:.0f} ms")
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(json.dumps({"runs": runs, **results, "samples": samples}, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
