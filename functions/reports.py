"""/reports (V3): capacity and service-level reports (contract section 25), as JSON or CSV, and the
reports page that shows them (served by the app, no token needed to open it; it calls the two
endpoints with the token the user pastes)."""

import functools
import html
from pathlib import Path
from urllib.parse import urlsplit

import azure.functions as func

from functions.http import Reply
from functions.request_parsing import preferred_media
from functions.routing import PUBLIC, Call, RouteGroup
from shared.auth import Role
from shared.bootstrap import get_context
from shared.errors import NotFound
from shared.models.reports import (
    MAX_CAPACITY_DAYS,
    MAX_REPORT_EMPLOYEES,
    MAX_SERVICE_LEVEL_DAYS,
    CapacityQuery,
    CapacityReport,
    ServiceLevelQuery,
    ServiceLevelReport,
)
from shared.rules import capacity, csv_text
from shared.services import reports

group = RouteGroup("reports", "reports", versions=("v3",))

JSON, CSV = "application/json", "text/csv"
PAGE = Path(__file__).with_name("reports_page")
ASSETS = {"reports.js": "text/javascript; charset=utf-8", "reports.css": "text/css; charset=utf-8"}
# The page's script and styles are files of its own: no inline script or style anywhere.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
       "base-uri 'self'; form-action 'none'; frame-ancestors 'none'")

CAPACITY = f"""Per organization-local day from `from` to `to` (both included, at most {MAX_CAPACITY_DAYS} days), for the
employees of exactly one of `serviceGroupId` (its members), `competenceGroupId` (its members and those of its child
groups, transitively) or `employeeIds` (at most {MAX_REPORT_EMPLOYEES:,} employees): `scheduledMinutes` (their workdays
within opening hours; closing days have none), `bookedMinutes` (meetings and active reservations within that time,
without buffers, as the daily cap counts), `bufferMinutes`, `outlookBusyMinutes` (Outlook time that is not booked),
`freeMinutes` (what none of those holds: scheduled = booked + buffer + outlookBusy + free), `workingElsewhereMinutes`
(the part of the free time an advisor's Outlook shows them working elsewhere, where no Physical meeting is offered),
`utilization` (booked over scheduled, null when nothing was scheduled) and `slots`: the number of entries
`/time-slots/available` returns for that day in a customer's search of these employees by name (`explicitEmployeeIds`,
`employeeTypes=Explicit`, `isCustomerInitiated=true`, `requireEmployeeParticipation=false`) for the report's `topic`
(given, else the group's one topic) and meeting types (given, else a service group's trigger types). Minutes are whole
minutes, or to two decimals. `totals` sums the window; with `groupBy=Employee`, `employees` gives the same per employee,
with `excluded` when the search leaves the employee out entirely (the codes of `/time-slots/available/explain`).

With `Accept: text/csv` the answer is CSV (RFC 4180, UTF-8, CRLF, a header row): one row per day, or per employee and
day with `groupBy=Employee`; text cells that a spreadsheet would run as a formula start with an apostrophe."""

SERVICE_LEVEL = f"""The service group's `serviceLevel` beside what was measured over the customer bookings made from
`from` to `to` (organization-local days, both included, at most {MAX_SERVICE_LEVEL_DAYS} days): bookings by `Customer`
or `PortalCustomer`, made (`dateCreated`) in the window, with an employee who is a member of the group now and was
already when it was booked, whose meeting still stands (a cancelled booking does not count; a moved one counts with its
new start). Of those, how many started (or start) within `maxResponseTime` of the moment they were booked, as a share of
0 to 100 against `targetPercentage`, and the median and 90th percentile of that lead time. `firstFreeSlot` is the first
slot a customer search of the group's members (for the trigger's topic and meeting types) offers now, within the booking
horizon."""


@group.get("capacity", role=Role.CONFIG, query=CapacityQuery, response=CapacityReport, description=CAPACITY,
           media=(CSV,))
async def capacity_report(call: Call):
    """Capacity per organization-local day: scheduled, booked, Outlook and free minutes, utilization, slots."""
    found = await reports.capacity_report(await get_context(), call.query)
    if preferred_media(call.request.headers.get("Accept"), (JSON, CSV)) == CSV:
        header, rows = capacity.csv_rows(found)
        name = f"capacity-{found['from']}-{found['to']}.csv"
        return func.HttpResponse(csv_text.to_csv(header, rows), headers={
            "Content-Type": "text/csv; charset=utf-8; header=present",
            "Content-Disposition": f'attachment; filename="{name}"'})
    return Reply(found, json_ready=True)


@group.get("service-level", role=Role.CONFIG, query=ServiceLevelQuery, response=ServiceLevelReport,
           description=SERVICE_LEVEL)
async def service_level_report(call: Call):
    """A service group's service level: its target beside what its customer bookings measured."""
    return Reply(await reports.service_level_report(await get_context(), call.query), json_ready=True)


@group.get(role=PUBLIC, documented=False)
async def reports_page(call: Call):
    """The reports page: a heatmap of utilization and the service level against its target."""
    path = urlsplit(call.request.url).path
    base = path.rstrip("/") + "/"
    page = _file("index.html").replace("{base}", html.escape(base, quote=True))
    return func.HttpResponse(page, mimetype="text/html", charset="utf-8", headers={
        "Content-Security-Policy": CSP, "Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer"})


@group.get("assets/{name}", role=PUBLIC, documented=False, text_params=("name",))
async def reports_page_asset(call: Call):
    """The reports page's script and styles."""
    name = call.params["name"]
    if name not in ASSETS:
        raise NotFound(f"No asset {name[:100]!r}.")
    return func.HttpResponse(_file(name), headers={"Content-Type": ASSETS[name], "Cache-Control": "no-cache",
                                                   "X-Content-Type-Options": "nosniff"})


@functools.cache
def _file(name: str) -> str:
    return (PAGE / name).read_text(encoding="utf-8")
