"""The README's examples as tests/api/test_readme.py runs them: its shell blocks, the answers it
shows after them, and the claims it states (README, "The README is tested")."""

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from shared.demo import bank

SHELLS = {"sh", "bash", "shell"}
NO_RUN = "no-run"
# make targets a run block may call: they only print (a token, the examples' day).
PRINTING_TARGETS = {"token", "demo-day"}
# Commands that start or stop servers or change the working tree: only in no-run blocks.
_COMMAND_START = r"(?:^|\$\(|[;&|]|\bthen\b|\bdo\b)\s*"
_MAKE = re.compile(_COMMAND_START + r"make\b((?:\s+(?:-\S+|\w+=(?:\"[^\"]*\"|'[^']*'|\S*)))*)\s*([\w.-]*)", re.M)
_SERVERS = re.compile(_COMMAND_START + r"(func\s+start|azd\b|npm\s+(?:ci|install|start)|npx\s+azurite|"
                      r"node\s+tools/cosmosdb-server)", re.M)
_FENCE = re.compile(r"^```([^\n`]*)\n(.*?)^```[ \t]*$", re.M | re.S)
_CHECK = re.compile(r"^<!--\s*check:\s*(.*?)\s*-->[ \t]*$", re.M | re.S)
_HEADING = re.compile(r"^#{1,6} +(.+)$", re.M)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
COPENHAGEN = ZoneInfo("Europe/Copenhagen")


@dataclass
class Block:
    """One fenced shell block and what the README says it answers."""

    number: int
    heading: str
    flags: list[str]
    text: str
    line: int
    shown: Any = None  # the JSON block after it: its last HTTP call's answer
    checks: list[str] = field(default_factory=list)

    @property
    def runs(self) -> bool:
        return NO_RUN not in self.flags

    @property
    def name(self) -> str:
        return f"{self.number}: {self.heading} (line {self.line})"


def blocks(readme: Path) -> list[Block]:
    """The shell blocks in order, each with the JSON block and the checks that follow it (up to
    the next shell block or heading)."""
    text = readme.read_text(encoding="utf-8")
    found: list[Block] = []
    marks = sorted([(m.start(), "fence", m) for m in _FENCE.finditer(text)] +
                   [(m.start(), "check", m) for m in _CHECK.finditer(text)] +
                   [(m.start(), "heading", m) for m in _HEADING.finditer(text)], key=lambda mark: mark[0])
    heading, current = "README", None
    fences = [(m.start(), m.end()) for m in _FENCE.finditer(text)]
    for position, kind, match in marks:
        if any(start < position < end for start, end in fences):
            continue  # a "# comment" or "<!--" inside a code block
        if kind == "heading":
            heading, current = match.group(1).strip(), None
        elif kind == "check":
            if current is None or not current.runs:
                raise ValueError(f"line {_line(text, position)}: a check belongs after a block that runs")
            current.checks.append(" ".join(match.group(1).split()))
        else:
            words = match.group(1).split()
            language, flags = (words[0].lower(), words[1:]) if words else ("", [])
            if language in SHELLS:
                current = Block(len(found) + 1, heading, flags, match.group(2), _line(text, position))
                found.append(current)
            elif language == "json" and current is not None and current.runs and current.shown is None:
                try:
                    current.shown = json.loads(match.group(2))
                except json.JSONDecodeError as error:
                    raise ValueError(f"line {_line(text, position)}: the JSON block is not JSON: {error}") from None
    return found


def _line(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def misplaced_commands(block: Block) -> list[str]:
    """What a block that runs must not do: start servers or run make targets other than the printing ones."""
    wrong = [m.group(1) for m in _SERVERS.finditer(block.text)]
    for match in _MAKE.finditer(block.text):
        target = match.group(2)
        if target not in PRINTING_TARGETS:
            wrong.append(f"make {target}".strip())
    return wrong


def mismatch(shown: Any, actual: Any, where: str = "answer") -> str | None:
    """Why `actual` does not match what the README shows, or None. Keys shown must be there with
    the same values, list items shown must appear in order, "..." is any value, and dates and
    date-times match by format."""
    if shown == "...":
        return None
    if isinstance(shown, dict):
        if not isinstance(actual, dict):
            return f"{where}: an object was shown, the answer has {actual!r:.200}"
        for key, value in shown.items():
            if key not in actual:
                return f"{where}.{key} is shown but not in the answer"
            if found := mismatch(value, actual[key], f"{where}.{key}"):
                return found
        return None
    if isinstance(shown, list):
        if not isinstance(actual, list):
            return f"{where}: a list was shown, the answer has {actual!r:.200}"
        at = 0
        for index, item in enumerate(shown):
            while at < len(actual) and mismatch(item, actual[at]) is not None:
                at += 1
            if at == len(actual):
                return f"{where}[{index}] = {json.dumps(item)} is not in the answer after the items before it"
            at += 1
        return None
    for pattern in (_DATE, _DATE_TIME):
        if isinstance(shown, str) and pattern.match(shown):
            if isinstance(actual, str) and pattern.match(actual):
                return None
            return f"{where}: {actual!r} is not a date like {shown!r}"
    if shown == actual and type(shown) is type(actual):
        return None
    return f"{where}: the answer has {actual!r:.200}, the README shows {shown!r}"


_NAMES = {employee.id: employee.name for employee in bank.EMPLOYEES}


def employee(employee_id: str) -> str:
    """The demo bank's name for an employee id."""
    return _NAMES.get(employee_id, employee_id)


def per_employee(slots: list[dict]) -> dict[str, int]:
    """How many slots each employee has, by name."""
    return dict(Counter(employee(slot["employeeId"]) for slot in slots))


def starts(slots: list[dict]) -> dict[str, tuple[str, str]]:
    """Each employee's first and last start, hh:mm in Copenhagen time, by name."""
    found: dict[str, list[str]] = {}
    for slot in slots:
        start = datetime.fromisoformat(slot["startDate"].replace("Z", "+00:00")).astimezone(COPENHAGEN)
        found.setdefault(employee(slot["employeeId"]), []).append(start.strftime("%H:%M"))
    return {name: (min(times), max(times)) for name, times in found.items()}


def check_names(answer: Any, output: str) -> dict[str, Any]:
    """What a `<!-- check: ... -->` expression may use."""
    return {"answer": answer, "output": output, "Counter": Counter, "employee": employee,
            "per_employee": per_employee, "starts": starts}
