"""Cold start: importing function_app (what every new instance does) against importing the four
SDKs it cannot avoid.

    python -m bench.bench_cold_start [--runs N]

Each run is a fresh interpreter; the two commands alternate so that disk cache and machine load
weigh on both alike. Prints the medians and their ratio (target: at most 1.3) and writes the
numbers to .local/bench/cold_start.json.
"""

import argparse
import json
import os
import platform
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


def timed(statement: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", statement], cwd=ROOT, check=True,
                   env={**os.environ, "PYTHONDONTWRITEBYTECODE": "0"})
    return time.perf_counter() - started


def measure(runs: int) -> dict[str, list[float]]:
    timed(APP), timed(SDKS)  # warm the file cache and the bytecode caches first
    samples: dict[str, list[float]] = {APP: [], SDKS: []}
    for _ in range(runs):
        for statement in (APP, SDKS):
            samples[statement].append(timed(statement))
    return samples


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    samples = measure(runs)
    app, sdks = statistics.median(samples[APP]), statistics.median(samples[SDKS])
    ratio = app / sdks
    print(f"cold start, median of {runs} alternating runs ({platform.python_implementation()} "
          f"{platform.python_version()}, {os.cpu_count()} cores)")
    print(f"  {APP:<70} {app * 1000:7.0f} ms")
    print(f"  {SDKS:<70} {sdks * 1000:7.0f} ms")
    print(f"  ratio {ratio:.2f} (target at most {TARGET}); the app's own share {(app - sdks) * 1000:.0f} ms")
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(json.dumps({"runs": runs, "app_s": app, "sdks_s": sdks, "ratio": ratio,
                                  "samples": samples}, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
