"""Availability engine against the naive reference on the generated bank, and a capacity report
(the engine's pass with minutes, contract section 25) against one search of its size.

    python -m bench.bench_availability [--runs N] [--naive-runs N]

Prints a table and writes the numbers to .local/bench/availability.json. Exits 1 when the engine
and the naive reference disagree on any case, or the report's pass finds other slots.
"""

import argparse
import gc
import json
import os
import platform
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.generate_bank import Bank, generate_bank
from bench.naive_availability import naive_find_slots
from shared.rules.availability import Advisor, MeetingType, Minutes, Notes, Room, SlotQuery, find_slots

OUTPUT = Path(".local/bench/availability.json")
EXPLAINED_CASES = ("topic: 50 advisors, 14 days", "all 1,000 advisors, 30 days")
EXPLAIN_TARGET = 1.5  # explanations may cost at most this much over the plain engine
REPORT_TARGET = 1.5  # a capacity report may cost at most this much over one search of its size (section 25)


@dataclass(frozen=True)
class Case:
    name: str
    advisors: list[Advisor]
    rooms: list[Room]
    query: SlotQuery


def cases(bank: Bank) -> list[Case]:
    def window(days: int, **fields) -> SlotQuery:
        return SlotQuery(bank.now, bank.now, bank.now + timedelta(days=days), timedelta(hours=1), **fields)

    topic = [advisor for advisor in bank.advisors if advisor.employee_id in set(bank.topic_advisor_ids)]
    # Three colleagues who all take online meetings, so that joint slots can exist.
    online = [advisor for advisor in topic if any(MeetingType.ONLINE in day.meeting_types for day in advisor.workdays)]
    joint = [advisor for advisor in online if advisor.can_be_booked][:3]
    return [
        Case("1 advisor, 14 days", topic[:1], [], window(14)),
        Case("topic: 50 advisors, 14 days", topic, [], window(14)),
        Case(
            "topic: 50 advisors, 14 days, customer, Physical, room, buffers",
            topic,
            bank.rooms,
            window(
                14,
                meeting_types=frozenset({MeetingType.PHYSICAL}),
                customer_initiated=True,
                require_room=True,
                explicit_ids=tuple(bank.topic_advisor_ids),
                buffer_before=timedelta(minutes=15),
                buffer_after=timedelta(minutes=15),
            ),
        ),
        Case("all 1,000 advisors, 30 days", bank.advisors, [], window(30)),
        Case(
            "require_all: 3 advisors, 30 days",
            joint,
            [],
            window(30, require_all=True, explicit_ids=tuple(advisor.employee_id for advisor in joint)),
        ),
    ]


def median_seconds(call: Callable[[], object], runs: int) -> float:
    timings = []
    for _ in range(runs):
        gc.collect()
        started = time.perf_counter()
        result = call()
        timings.append(time.perf_counter() - started)
        del result
    return statistics.median(timings)


def paired_medians(first: Callable[[], object], second: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median seconds of each, run alternately so that load from other processes hits both alike."""
    timings: tuple[list[float], list[float]] = ([], [])
    for _ in range(runs):
        for call, found in ((first, timings[0]), (second, timings[1])):
            gc.collect()
            started = time.perf_counter()
            result = call()
            found.append(time.perf_counter() - started)
            del result
    return statistics.median(timings[0]), statistics.median(timings[1])


def peak_bytes(call: Callable[[], object]) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        result = call()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del result
    return peak


def measure(case: Case, bank: Bank, runs: int, naive_runs: int) -> dict:
    def engine() -> list:
        return find_slots(bank.organization, case.advisors, case.rooms, case.query)

    def naive() -> list:
        return naive_find_slots(bank.organization, case.advisors, case.rooms, case.query)

    def explained() -> list:
        return find_slots(bank.organization, case.advisors, case.rooms, case.query, Notes())

    engine_slots, naive_slots = engine(), naive()
    same = engine_slots == naive_slots == explained()
    slot_count = len(engine_slots)
    del engine_slots, naive_slots
    if case.name in EXPLAINED_CASES:
        engine_seconds, explained_seconds = paired_medians(engine, explained, runs)
        explain_ratio = round(explained_seconds / engine_seconds, 2)
    else:
        engine_seconds, explained_seconds, explain_ratio = median_seconds(engine, runs), None, None
    naive_runs = 1 if len(case.advisors) > 100 else naive_runs  # the naive full-bank run takes many seconds
    naive_seconds = median_seconds(naive, naive_runs)
    return {
        "case": case.name,
        "advisors": len(case.advisors),
        "days": (case.query.end - case.query.start).days,
        "slots": slot_count,
        "engine_ms": round(engine_seconds * 1000, 2),
        "explained_ms": round(explained_seconds * 1000, 2) if explained_seconds is not None else "-",
        "explain_ratio": explain_ratio if explain_ratio is not None else "-",
        "engine_runs": runs,
        "naive_ms": round(naive_seconds * 1000, 1),
        "naive_runs": naive_runs,
        "speedup": round(naive_seconds / engine_seconds, 1),
        "engine_peak_mib": round(peak_bytes(engine) / 2**20, 2),
        "engine_equals_naive": same,
    }


def measure_report(bank: Bank, runs: int) -> dict:
    """A capacity report over every advisor and 30 days (the engine's one pass with minutes) against
    one customer search of the same size, paired."""
    query = SlotQuery(bank.now, bank.now, bank.now + timedelta(days=30), timedelta(hours=1), customer_initiated=True)

    def search() -> list:
        return find_slots(bank.organization, bank.advisors, [], query)

    def report() -> list:
        return find_slots(bank.organization, bank.advisors, [], query, minutes=Minutes())

    same = search() == report()
    search_seconds, report_seconds = paired_medians(search, report, runs)
    return {"case": f"capacity report: all {len(bank.advisors):,} advisors, 30 days", "search_ms":
            round(search_seconds * 1000, 1), "report_ms": round(report_seconds * 1000, 1),
            "report_ratio": round(report_seconds / search_seconds, 2), "runs": runs, "same_slots": same}


def table(rows: list[dict]) -> str:
    columns = [
        ("case", "case", "<"),
        ("slots", "slots", ">"),
        ("engine_ms", "engine ms (median)", ">"),
        ("explained_ms", "with notes ms", ">"),
        ("explain_ratio", "notes/engine", ">"),
        ("naive_ms", "naive ms", ">"),
        ("naive_runs", "naive runs", ">"),
        ("speedup", "naive/engine", ">"),
        ("engine_peak_mib", "peak MiB", ">"),
        ("engine_equals_naive", "same", "^"),
    ]
    widths = [max(len(title), *(len(str(row[key])) for row in rows)) for key, title, _ in columns]
    lines = [" | ".join(f"{title:{align}{width}}" for (_, title, align), width in zip(columns, widths, strict=True))]
    lines.append("-+-".join("-" * width for width in widths))
    for row in rows:
        lines.append(
            " | ".join(f"{row[key]!s:{align}{width}}" for (key, _, align), width in zip(columns, widths, strict=True))
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="engine runs per case (median reported)")
    parser.add_argument("--naive-runs", type=int, default=3, help="naive runs per small case (median reported)")
    options = parser.parse_args(argv)

    bank = generate_bank()
    rows = []
    for case in cases(bank):
        rows.append(measure(case, bank, options.runs, options.naive_runs))
        print(f"measured: {case.name}", file=sys.stderr, flush=True)
    print(table(rows))
    capacity = measure_report(bank, options.runs)
    print(f"\n{capacity['case']}: {capacity['report_ms']} ms against {capacity['search_ms']} ms for one search "
          f"of its size: {capacity['report_ratio']}x (target at most {REPORT_TARGET}x)")

    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "bank": {
            "advisors": len(bank.advisors),
            "busy_per_advisor": round(statistics.mean(len(advisor.busy) for advisor in bank.advisors), 1),
            "rooms": len(bank.rooms),
        },
        "cases": rows,
        "capacity_report": capacity,
    }
    OUTPUT.write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nwritten to {OUTPUT}")
    differing = [row["case"] for row in rows if not row["engine_equals_naive"]]
    if differing:
        print(f"engine and naive reference differ: {', '.join(differing)}", file=sys.stderr)
        return 1
    slow = [row["case"] for row in rows if row["explain_ratio"] != "-" and row["explain_ratio"] > EXPLAIN_TARGET]
    if slow:
        print(f"explanations cost more than {EXPLAIN_TARGET}x the engine: {', '.join(slow)}", file=sys.stderr)
    if not capacity["same_slots"]:
        print("the capacity report's pass found other slots than the search", file=sys.stderr)
        return 1
    if capacity["report_ratio"] > REPORT_TARGET:
        print(f"the capacity report costs more than {REPORT_TARGET}x a search", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
