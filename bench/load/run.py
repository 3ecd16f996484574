"""`make load`: a fresh local stack on loopback, locust against it, then a consistency scan.

    LOAD_SECONDS=60 LOAD_USERS=40 make load

Starts the Cosmos DB API server, Azurite, an SMTP server and the local host on free loopback
ports (as the API tests do), runs bench/load/locustfile.py headless for LOAD_SECONDS with
LOAD_USERS users, waits for the mail to settle, scans every document of the bookings
container (bench/load/consistency.py) and prints the summary: throughput and p50/p95/p99
per operation, answers by status, and the closing lines the on-call runbook reads
(docs/operations.md). Exits 1 when anything is inconsistent or any answer was a 5xx.
"""

import asyncio
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.load.consistency import Findings, scan
from shared.demo import bank
from tests.utils.stack import Stack, start_stack, stop_stack
from tests.utils.tokens import bearer

ROOT = Path(__file__).resolve().parents[2]
LOCUSTFILE = Path(__file__).with_name("locustfile.py")
MAIL_PATIENCE_SECONDS = 45


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))] if ordered else 0.0


def run_locust(stack: Stack, seconds: int, users: int, record: Path) -> None:
    env = {**os.environ, "LOAD_ADVISORS": json.dumps([e.id for e in bank.EMPLOYEES]),
           "LOAD_AUTHORIZATION": bearer(stack.key_file, None)["Authorization"], "LOAD_RECORD": str(record)}
    host = stack.base_url.removesuffix("/api")
    with open(record.with_name("locust.log"), "wb") as log:  # locust's own report; ours is the summary
        subprocess.run([sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--host", host,
                        "-u", str(users), "-r", str(max(1, users // 5)), "-t", f"{seconds}s", "--stop-timeout",
                        "10", "--only-summary", "--loglevel", "WARNING", "--exit-code-on-error", "0"],
                       cwd=ROOT, env=env, check=True, timeout=seconds + 120, stdout=log, stderr=subprocess.STDOUT)


def mail_methods(stack: Stack) -> dict[str, set[str]]:
    from icalendar import Calendar

    found: dict[str, set[str]] = {}
    for message in list(stack.mail.messages):
        for part in message.walk():
            if part.get_content_type() == "text/calendar":
                calendar = Calendar.from_ical(part.get_payload(decode=True))
                found.setdefault(str(calendar.walk("VEVENT")[0]["UID"]), set()).add(str(calendar["METHOD"]))
    return found


async def bookings_documents(stack: Stack) -> list[dict]:
    from shared.adapters.cosmos import connect
    from shared.adapters.cosmos_layout import BOOKINGS
    from shared.settings import Settings

    settings = Settings(**{k: v for k, v in stack.env.items() if k in Settings.model_fields})
    account = connect(settings)
    try:
        container = account.container(BOOKINGS.name)
        return [d async for d in container.query_items("SELECT * FROM c", max_item_count=-1)]
    finally:
        await account.close()


def settle_and_scan(stack: Stack, booked: list[str], cancelled: list[str]) -> Findings:
    """Scan once the mail has arrived, or after MAIL_PATIENCE_SECONDS (the outbox timer's turn)."""
    deadline = time.monotonic() + MAIL_PATIENCE_SECONDS
    while True:
        findings = scan(asyncio.run(bookings_documents(stack)), datetime.now(UTC), mail_methods(stack),
                        booked, cancelled)
        if not findings.lost_notifications or time.monotonic() > deadline:
            return findings
        time.sleep(1)


def summary(record: dict, seconds: int, users: int, findings: Findings) -> list[str]:
    lines = [f"BookMe load: {users} users for {seconds} s on {platform.node()} ({platform.machine()}, "
             f"{os.cpu_count()} cores, Python {platform.python_version()})",
             f"{'operation':34} {'requests':>8} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}  statuses"]
    total, server_errors = 0, 0
    by_status: dict[int, int] = {}
    for name in sorted(record["timings"]):
        times, statuses = record["timings"][name], {int(k): v for k, v in record["statuses"][name].items()}
        total += len(times)
        for status, count in statuses.items():
            by_status[status] = by_status.get(status, 0) + count
            server_errors += count if status >= 500 or status == 0 else 0
        lines.append(f"{name:34} {len(times):8d} {len(times) / seconds:7.1f} {percentile(times, .5):8.0f} "
                     f"{percentile(times, .95):8.0f} {percentile(times, .99):8.0f}  "
                     + ", ".join(f"{s}: {c}" for s, c in sorted(statuses.items())))
    lines += [f"throughput: {total / seconds:.1f} requests/s ({total} requests)",
              "answers by status: " + ", ".join(f"{s}: {c}" for s, c in sorted(by_status.items())),
              "errors by status: " + (", ".join(f"{s}: {c}" for s, c in sorted(by_status.items())
                                                if s >= 400 or s == 0) or "none"),
              f"explain endpoint in the mix: {'yes' if record['explain'] else 'no (it did not answer 200)'}",
              f"meetings booked: {len(record['booked'])}, cancelled: {len(record['cancelled'])}"]
    for title, found in (("unheld meetings", findings.unheld_meetings), ("stale holds", findings.stale_holds)):
        lines.append(f"{title}: {len(found)}")
    for problem in (findings.double_bookings + findings.orphaned_reservations + findings.unheld_meetings
                    + findings.stale_holds + findings.lost_notifications)[:20]:
        lines.append(f"  ! {problem}")
    lines += [f"double bookings: {len(findings.double_bookings)}", f"5xx: {server_errors}",
              f"orphaned reservations: {len(findings.orphaned_reservations)}",
              f"lost notifications: {len(findings.lost_notifications)}"]
    return lines


def main() -> int:
    seconds = int(os.environ.get("LOAD_SECONDS", "60"))
    users = int(os.environ.get("LOAD_USERS", "40"))
    workdir = Path(tempfile.mkdtemp(prefix="bookme-load-"))
    print(f"Starting a fresh local stack in {workdir} ...", flush=True)
    stack = start_stack(workdir)
    try:
        record_file = workdir / "record.json"
        print(f"Running {users} users for {seconds} s against {stack.base_url} ...", flush=True)
        run_locust(stack, seconds, users, record_file)
        record = json.loads(record_file.read_text())
        findings = settle_and_scan(stack, record["booked"], record["cancelled"])
    finally:
        stop_stack(stack)
    lines = summary(record, seconds, users, findings)
    print("\n".join(lines))
    failed = any(line.split(": ")[1] != "0" for line in lines[-4:-2]) or findings.unheld_meetings \
        or findings.stale_holds or findings.lost_notifications or findings.orphaned_reservations
    if failed:
        print(f"Logs of the run are kept in {workdir} (host.log, locust.log, logs/).")
        return 1
    shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
