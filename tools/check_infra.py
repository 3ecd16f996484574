"""Check the Bicep in infra/: it parses, checkov passes it, and it matches the app.

Usage (from anywhere; needs requirements-infra.txt installed):

    python tools/check_infra.py

Exits non-zero when any of these fails:

1. parse: every .bicep file under infra/ parses with pycep (the parser checkov's bicep
   framework uses) and keeps every declaration. checkov skips a file it cannot parse and
   pycep silently drops some declarations (several nested child resources), so a file that
   checkov "passed" may not have been checked at all; here either is an error.
2. checkov: `checkov --framework bicep` finds no failed check and no parsing error, and
   every skipped check carries a reason (`// checkov:skip=CKV_X:reason` inside the resource).
3. drift: the Cosmos containers in infra/app/cosmos.bicep equal
   shared.adapters.cosmos_layout.CONTAINERS, and the Function App's app settings in
   infra/app/api.bicep match the keys of local.settings.sample.json "Values" (when that
   file exists).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
INFRA = REPO / "infra"
COSMOS_BICEP = INFRA / "app" / "cosmos.bicep"
API_BICEP = INFRA / "app" / "api.bicep"
LOCAL_SETTINGS_SAMPLE = REPO / "local.settings.sample.json"

# Settings that exist only on one side, by base name (the part before any "__").
# Local only: the emulator key, the development token key, the local mail sink, the local
# host's port and worker options, and the demo bank (never deployed: .funcignore). The first two must never reach Azure.
FORBIDDEN_IN_AZURE = {"AUTH_DEV_KEY_FILE", "COSMOS_KEY"}
LOCAL_ONLY_SETTINGS = FORBIDDEN_IN_AZURE | {
    "AzureWebJobsFeatureFlags",
    "AzureWebJobsSecretStorageType",
    "BOOKME_DEMO_DATA",
    "FUNCTIONS_WORKER_RUNTIME",
    "PORT",
    "OIDC_PORT",
    # The local Microsoft Graph stand-in's port (tools/graph_standin).
    "GRAPH_PORT",
    "SMTP_HOST",
    "SMTP_PORT",
    # Local telemetry without Application Insights (console or an OTLP collector).
    "BOOKME_TRACES",
    "OTEL_EXPORTER_OTLP_ENDPOINT",
}
# Azure only: the identity the app runs as and the identity-based telemetry settings.
AZURE_ONLY_SETTINGS = {
    "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
    "AZURE_CLIENT_ID",
}

# Top-level declarations: keyword at column 0. Resources may also be nested (indented).
_DECLARATION = re.compile(r"^(param|var|output|module|resource)\s+([A-Za-z_]\w*)\s", re.MULTILINE)
_NESTED_RESOURCE = re.compile(r"^[ \t]+resource\s+([A-Za-z_]\w*)\s+'", re.MULTILINE)
_SECTION = {
    "param": "parameters",
    "var": "variables",
    "output": "outputs",
    "module": "modules",
    "resource": "resources",
}


class CheckFailed(Exception):
    """Raised by a check with the lines that explain the failure."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def bicep_files() -> list[Path]:
    return sorted(INFRA.rglob("*.bicep"))


# ------------------------------------------------------------------------------------------
# 1. parse
# ------------------------------------------------------------------------------------------


def declared_symbols(text: str) -> dict[str, set[str]]:
    """Symbols declared in Bicep text, by pycep section name."""
    found: dict[str, set[str]] = {section: set() for section in _SECTION.values()}
    for keyword, symbol in _DECLARATION.findall(text):
        found[_SECTION[keyword]].add(symbol)
    found["resources"].update(_NESTED_RESOURCE.findall(text))
    return found


def parsed_symbols(template: dict[str, Any]) -> dict[str, set[str]]:
    """Symbols pycep kept, by section; nested resources appear as parent__child."""
    kept = {section: set((template.get(section) or {}).keys()) for section in _SECTION.values()}
    kept["resources"] |= {name.split("__")[-1] for name in kept["resources"]}
    return kept


def parse_bicep(path: Path) -> dict[str, Any]:
    """Parse one file with pycep; raise CheckFailed if it fails or drops a declaration."""
    from pycep import BicepParser

    text = path.read_text(encoding="utf-8")
    try:
        template = BicepParser().parse(text=text)
    except Exception as error:  # lark raises many types; any of them means "not parsed"
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
        raise CheckFailed([f"{rel(path)}: does not parse: {type(error).__name__}: {first_line}"]) from None
    problems = []
    declared, kept = declared_symbols(text), parsed_symbols(template)
    for section, symbols in declared.items():
        for symbol in sorted(symbols - kept[section]):
            problems.append(
                f"{rel(path)}: pycep dropped {section[:-1]} '{symbol}' (checkov would not see it;"
                " declare child resources at top level with parent:)"
            )
    if problems:
        raise CheckFailed(problems)
    return template


def check_parse(templates: dict[Path, dict[str, Any]]) -> None:
    """Parse every file into templates; raise CheckFailed listing every file that failed."""
    files = bicep_files()
    if not files:
        raise CheckFailed([f"no .bicep file under {rel(INFRA)}"])
    problems = []
    for path in files:
        try:
            templates[path] = parse_bicep(path)
        except CheckFailed as failed:
            problems.extend(failed.problems)
    if problems:
        raise CheckFailed(problems)
    print(f"parse: {len(files)} Bicep files parsed, every declaration kept")


# ------------------------------------------------------------------------------------------
# 2. checkov
# ------------------------------------------------------------------------------------------


def run_checkov() -> dict[str, Any]:
    command = [
        sys.executable, "-m", "checkov.main",
        "--directory", str(INFRA),
        "--framework", "bicep",
        "--output", "json",
        "--skip-download",  # no network: no Prisma Cloud guidelines or custom policies
    ]  # fmt: skip
    completed = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)
    try:
        report = json.loads(completed.stdout)
    except json.JSONDecodeError:
        tail = (completed.stderr or completed.stdout).strip().splitlines()[-5:]
        raise CheckFailed(["checkov did not produce a JSON report:", *tail]) from None
    if isinstance(report, list):  # one entry per framework when several ran
        report = next((item for item in report if item.get("check_type") == "bicep"), {})
    if report.get("check_type") != "bicep":
        raise CheckFailed(["checkov ran no bicep check (is infra/ empty?)"])
    return report


def check_checkov() -> dict[str, int]:
    report = run_checkov()
    summary, results = report["summary"], report["results"]
    problems = []
    for result in results.get("failed_checks", []):
        problems.append(
            f"checkov FAILED {result['check_id']} ({result['check_name']}) on {result['resource']}"
            f" in infra{result['file_path']}:{result['file_line_range'][0]}"
        )
    for result in results.get("skipped_checks", []):
        reason = ((result.get("check_result") or {}).get("suppress_comment") or "").strip()
        if not reason or reason == "No comment provided":
            problems.append(
                f"checkov skip of {result['check_id']} on {result['resource']} has no reason:"
                " write // checkov:skip=CKV_X:why"
            )
    if summary.get("parsing_errors"):
        problems.append(f"checkov could not parse {summary['parsing_errors']} file(s)")
    counts = {key: int(summary.get(key, 0)) for key in ("passed", "failed", "skipped", "parsing_errors")}
    if problems:
        raise CheckFailed([*problems, f"checkov summary: {counts}"])
    print(
        f"checkov {summary.get('checkov_version', '?')}: {counts['passed']} passed,"
        f" {counts['failed']} failed, {counts['skipped']} skipped (each with a reason)"
    )
    return counts


# ------------------------------------------------------------------------------------------
# 3. drift between infra and the app
# ------------------------------------------------------------------------------------------


def literal(value: Any) -> Any:
    """A pycep value as a Python literal: strings, ints, null, and negative ints."""
    if value is None or isinstance(value, (str, int)):
        return value
    if isinstance(value, dict):
        operator = value.get("operator") or {}
        operands = operator.get("operands") or {}
        if operator.get("type") == "minus" and isinstance(operands.get("integer_value"), int):
            return -operands["integer_value"]
    raise ValueError(f"not a literal: {value!r}")


def bicep_containers(template: dict[str, Any]) -> set[tuple]:
    """(name, partition key path, defaultTtl, composite indexes) of each container cosmos.bicep declares."""
    containers = (template.get("variables") or {}).get("containers")
    if containers is None:
        raise CheckFailed([f"{rel(COSMOS_BICEP)}: no 'var containers' declaration"])
    if not any(
        resource["type"] == "Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers"
        and ((resource["config"].get("loop_type") or {}).get("detail") or {}).get("array_name") == "containers"
        for resource in template["resources"].values()
    ):
        raise CheckFailed([f"{rel(COSMOS_BICEP)}: no container resource loops over 'containers'"])
    found = set()
    for item in containers["value"]:
        try:
            composite = tuple(tuple((literal(part["path"]), literal(part["order"])) for part in index)
                              for index in item.get("compositeIndexes") or [])
            found.add((literal(item["name"]), literal(item["partitionKeyPath"]), literal(item.get("defaultTtl")),
                       composite))
        except (KeyError, ValueError) as error:
            raise CheckFailed([f"{rel(COSMOS_BICEP)}: container entry {item!r} is not plain data ({error})"]) from None
    return found


def app_containers() -> set[tuple]:
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    from shared.adapters.cosmos_layout import CONTAINERS

    return {(spec.name, spec.partition_key_path, spec.default_ttl, spec.composite_indexes) for spec in CONTAINERS}


def parsed(templates: dict[Path, dict[str, Any]], path: Path) -> dict[str, Any]:
    if path not in templates:
        raise CheckFailed([f"drift: {rel(path)} was not parsed, so it was not compared"])
    return templates[path]


def check_containers(templates: dict[Path, dict[str, Any]]) -> None:
    in_bicep, in_app = bicep_containers(parsed(templates, COSMOS_BICEP)), app_containers()
    if in_bicep != in_app:
        raise CheckFailed(
            [
                "Cosmos containers differ (name, partition key path, defaultTtl, composite indexes):",
                f"  only in {rel(COSMOS_BICEP)}: {sorted(in_bicep - in_app, key=str)}",
                f"  only in shared/adapters/cosmos_layout.py: {sorted(in_app - in_bicep, key=str)}",
            ]
        )
    print(f"drift: {len(in_bicep)} Cosmos containers match shared/adapters/cosmos_layout.py")


def bicep_app_setting_names(template: dict[str, Any]) -> set[str]:
    settings = (template.get("variables") or {}).get("appSettings")
    if settings is None or not isinstance(settings.get("value"), dict):
        raise CheckFailed([f"{rel(API_BICEP)}: no 'var appSettings = {{...}}' object"])
    if not any(
        resource["type"] == "Microsoft.Web/sites/config"
        and resource["config"].get("name") == "appsettings"
        and resource["config"].get("properties") == "appSettings"
        for resource in template["resources"].values()
    ):
        raise CheckFailed([f"{rel(API_BICEP)}: the appsettings config resource does not use var appSettings"])
    return set(settings["value"])


def base_name(setting: str) -> str:
    return setting.split("__", 1)[0]


def check_app_settings(templates: dict[Path, dict[str, Any]]) -> None:
    in_bicep = bicep_app_setting_names(parsed(templates, API_BICEP))
    forbidden = sorted(name for name in in_bicep if base_name(name) in FORBIDDEN_IN_AZURE)
    if forbidden:
        raise CheckFailed([f"{rel(API_BICEP)} sets local-only settings in Azure: {forbidden}"])
    if not LOCAL_SETTINGS_SAMPLE.exists():
        print(f"drift: {rel(LOCAL_SETTINGS_SAMPLE)} does not exist yet; app settings not compared")
        return
    values = json.loads(LOCAL_SETTINGS_SAMPLE.read_text(encoding="utf-8")).get("Values") or {}
    # Identity-based connections differ in their suffixes locally (a connection string, an
    # emulator key) and in Azure (__accountName, __credential...): compare the base names.
    azure = {base_name(name) for name in in_bicep} - AZURE_ONLY_SETTINGS
    local = {base_name(name) for name in values} - LOCAL_ONLY_SETTINGS
    problems = []
    if azure - local:
        problems.append(
            f"app settings in {rel(API_BICEP)} missing from {rel(LOCAL_SETTINGS_SAMPLE)}: {sorted(azure - local)}"
        )
    if local - azure:
        problems.append(
            f"settings in {rel(LOCAL_SETTINGS_SAMPLE)} missing from {rel(API_BICEP)}: {sorted(local - azure)}"
        )
    if problems:
        raise CheckFailed(problems)
    print(f"drift: {len(in_bicep)} app settings match {rel(LOCAL_SETTINGS_SAMPLE)}")


# ------------------------------------------------------------------------------------------


def rel(path: Path) -> str:
    try:
        return str(path.relative_to(REPO))
    except ValueError:
        return str(path)


def main() -> int:
    started = time.monotonic()
    failures: list[str] = []
    templates: dict[Path, dict[str, Any]] = {}
    checks = [
        lambda: check_parse(templates),
        check_checkov,
        lambda: check_containers(templates),
        lambda: check_app_settings(templates),
    ]
    for check in checks:
        try:
            check()
        except CheckFailed as failed:
            failures.extend(failed.problems)
    elapsed = time.monotonic() - started
    if failures:
        print("\n".join(f"FAIL {line}" for line in failures), file=sys.stderr)
        print(f"check_infra: FAILED in {elapsed:.1f}s", file=sys.stderr)
        return 1
    print(f"check_infra: OK in {elapsed:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
