"""On generated banks (tests/utils/availability_strategies.py: report_banks), the capacity report's
slots are the entries /time-slots/available returns per local day and employee, and the slot
counts and exclusions /time-slots/available/explain gives; its minutes add up, and a day with
slots has at least a meeting's length of free time (contract sections 14 and 25)."""

import asyncio
import uuid
from collections import Counter
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given

from shared import kinds
from shared.models.common import format_utc
from shared.models.directory import Employee
from shared.models.organization import OrganizationSetting
from shared.models.schedules import EmployeeSchedule
from shared.models.time_slots import AvailableSlotsQuery
from shared.ports import Op
from shared.rules import timezones
from shared.rules.timespan import format_timespan
from shared.services import availability, organization, reports
from tests.utils.availability_strategies import examples, report_banks
from tests.utils.fakes import fake_context
from tests.utils.report_builders import add_competence_group, add_topic, capacity_query


def employee_id(name: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"report-bank:{name}"))


async def load(ctx, bank: dict) -> tuple[list[str], str]:
    """The bank's documents in the fakes, as the directory, the configuration and the sync write them."""
    current = await organization.current_settings(ctx)
    given = {**bank["settings"], "timeZoneId": timezones.zone_id(bank["settings"]["timeZoneId"])}
    settings = OrganizationSetting.model_validate({**current.item.to_json(), **given})
    await ctx.store(kinds.ORGANIZATION_SETTING).replace(settings, current)
    zone = ZoneInfo(settings.zone)
    topic = await add_topic(ctx, minutes=bank["duration"])
    ids = []
    for advisor in bank["advisors"]:
        id = employee_id(advisor["id"])
        ids.append(id)
        await ctx.store(kinds.EMPLOYEE).create(Employee(
            id=id, name=advisor["id"], email=f"{advisor['id']}@bank.example", is_active=advisor["active"]))
        if advisor["schedule"] is not None:
            await ctx.store(kinds.EMPLOYEE_SCHEDULE).create(EmployeeSchedule.model_validate(
                {"id": str(uuid.uuid4()), "employeeId": id, **advisor["schedule"]}))
        documents: dict[tuple[str, str], list[dict]] = {}
        for index, entry in enumerate(advisor["entries"]):
            outlook = entry["kind"] == "outlook"
            day = entry["start"].astimezone(zone).date().isoformat()
            documents.setdefault((f"outlook:employee:{id}" if outlook else f"employee:{id}", day), []).append({
                **entry, "ref": f"{entry['ref']}-{index}", "start": format_utc(entry["start"]),
                "end": format_utc(entry["end"]),
                "expiresAt": format_utc(entry["expiresAt"]) if entry["expiresAt"] else None})
        for (document_id, day), entries in documents.items():
            await ctx.bookings.commit(day, [Op("upsert", document_id, {
                "id": document_id, "type": "calendar", "resource": f"employee:{id}", "day": day, "entries": entries})])
    await add_competence_group(ctx, *(i for i, a in zip(ids, bank["advisors"], strict=True) if a["qualified"]),
                               topic_ids=(topic,))
    return ids, topic


async def compare(bank: dict) -> None:
    ctx = fake_context()
    ids, topic = await load(ctx, bank)
    first, last = bank["first"], bank["last"]
    report = await reports.capacity_report(ctx, capacity_query(first.isoformat(), last.isoformat(), employeeIds=ids,
                                                               topic=topic, groupBy="Employee"))
    zone = ZoneInfo(report["timeZone"])
    start = datetime.combine(first, time(0), zone)
    end = datetime.combine(last + timedelta(days=1), time(0), zone)
    search = AvailableSlotsQuery.model_validate({
        "explicitEmployeeIds": ids, "employeeTypes": ["Explicit"], "requireEmployeeParticipation": False,
        "isCustomerInitiated": True, "topic": topic, "startDate": format_utc(start),
        "lookForwardTime": format_timespan(end - start)})
    offered = await availability.available_slots(ctx, search)
    explained = await availability.explain_slots(ctx, search)

    per_day = Counter(datetime.fromisoformat(s["startDate"]).astimezone(zone).date().isoformat() for s in offered)
    assert [day["slots"] for day in report["days"]] == [per_day[day["date"]] for day in report["days"]]
    assert report["totals"]["slots"] == len(offered) == explained["slotCount"]
    notes = {employee["employeeId"]: employee for employee in explained["employees"]}
    for employee in report["employees"]:
        note = notes[employee["employeeId"]]
        assert employee["excluded"] == note["excluded"]
        counts = {day["date"]: day["slotCount"] for day in note["days"]}
        for day in employee["days"]:
            assert day["slots"] == counts.get(day["date"], 0)
            assert day["scheduledMinutes"] == (day["bookedMinutes"] + day["bufferMinutes"] + day["outlookBusyMinutes"]
                                               + day["freeMinutes"])
            assert 0 <= day["workingElsewhereMinutes"] <= day["freeMinutes"]
            if day["slots"]:
                assert day["freeMinutes"] >= bank["duration"]
            if "ClosingDay" in {reason for d in note["days"] if d["date"] == day["date"] for reason in d["reasons"]}:
                assert day["scheduledMinutes"] == 0


@examples(80)
@given(report_banks())
def test_the_reports_slots_and_minutes_agree_with_the_search_and_its_explanation(bank):
    asyncio.run(compare(bank))
