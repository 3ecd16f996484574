"""The report rules (contract section 25): days and scope, figures, service-level statistics, CSV."""

import csv
import io
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from shared.errors import InvalidRequest
from shared.models.groups import ServiceGroupDoc, ServiceLevel, ServiceTrigger
from shared.rules import capacity, csv_text, report_scope, service_level
from tests.utils.report_builders import members

SINCE = datetime(2030, 1, 1, tzinfo=UTC)


def booking(id: str, made: str, start: str, booked_by: str = "Customer", employee: str = "amy", **fields) -> dict:
    return {"id": id, "employeeId": employee, "bookedBy": booked_by, "dateCreated": made, "startDate": start,
            **fields}


def test_a_window_is_its_local_days_from_midnight_to_midnight_across_a_change_of_clocks():
    found = report_scope.window(date(2030, 3, 30), date(2030, 3, 31), "Europe/Copenhagen", 92)
    assert (found.start, found.end, found.days) == (datetime(2030, 3, 29, 23, tzinfo=UTC),
                                                    datetime(2030, 3, 31, 22, tzinfo=UTC), 2)


def test_a_window_longer_than_allowed_names_the_last_day_it_may_have():
    with pytest.raises(InvalidRequest) as refused:
        report_scope.window(date(2030, 1, 1), date(2030, 4, 3), "UTC", 92)
    assert "2030-04-02 at the latest" in refused.value.detail


def test_a_service_group_is_searched_for_its_one_trigger_topic_and_types_unless_told_otherwise():
    amy, bob, t1, t2, gone = (str(uuid.uuid4()) for _ in range(5))
    group = ServiceGroupDoc(id=str(uuid.uuid4()), name="Kundeservice", memberships=members(bob, amy),
                            service_trigger=ServiceTrigger(topic_ids=[t1, gone], meeting_types=["Online"]))
    scope = report_scope.service_group_scope(group, None, [], {t1, t2})
    assert scope == report_scope.Scope(tuple(sorted([amy, bob])), t1, ("Online",), "Kundeservice")
    assert report_scope.service_group_scope(group, t2, ["Physical"], {t1, t2}).topic_id == t2
    assert report_scope.service_group_scope(group, t2, ["Physical"], {t1, t2}).meeting_types == ("Physical",)


def test_minutes_are_whole_when_they_can_be_and_utilization_of_nothing_is_none():
    assert capacity.minutes(90 * capacity.MINUTE_US) == 90
    assert capacity.minutes(90 * capacity.MINUTE_US + 30_000_000) == 90.5
    assert capacity.utilization(0, 0) is None and capacity.utilization(1, 3) == 0.3333


def test_only_customer_bookings_of_members_since_before_the_booking_count():
    since = {"amy": SINCE, "late": datetime(2030, 3, 4, 12, tzinfo=UTC)}
    documents = [
        booking("1", "2030-03-04T08:00:00.000Z", "2030-03-04T10:00:00.000Z"),
        booking("2", "2030-03-04T08:00:00.000Z", "2030-03-05T08:00:00.000Z", "PortalCustomer"),
        booking("3", "2030-03-04T08:00:00.000Z", "2030-03-04T09:00:00.000Z", "PortalPartner"),
        booking("4", "2030-03-04T08:00:00.000Z", "2030-03-04T09:00:00.000Z", "Employee"),
        booking("5", "2030-03-04T08:00:00.000Z", "2030-03-04T09:00:00.000Z", employee="late"),
        booking("6", "2030-03-04T08:00:00.000Z", "2030-03-04T09:00:00.000Z", employee="stranger"),
    ]
    assert service_level.lead_times(documents, since) == [timedelta(hours=2), timedelta(days=1)]


def test_a_meeting_caught_in_a_move_counts_once_with_the_copy_that_decides():
    made = "2030-03-04T08:00:00.000Z"
    documents = [booking("m", made, "2030-03-05T08:00:00.000Z", sequence=0, pk="2030-03-05",
                         moving={"to": "2030-03-06", "moveId": "x"}),
                 booking("m", made, "2030-03-06T08:00:00.000Z", sequence=1, pk="2030-03-06", moveId="x"),
                 booking("n", made, "2030-03-04T09:00:00.000Z", sequence=2, pk="2030-03-04"),
                 booking("n", made, "2030-03-04T10:00:00.000Z", sequence=1, pk="2030-03-04")]
    assert service_level.lead_times(documents, {"amy": SINCE}) == [timedelta(hours=1), timedelta(days=2)]


def test_percentiles_are_linear_between_the_nearest_bookings():
    hours = [timedelta(hours=n) for n in (1, 2, 3, 10)]
    assert service_level.percentile(hours, 0.5) == timedelta(hours=2.5)
    assert service_level.percentile(hours, 0.9) == timedelta(hours=7.9)
    assert service_level.percentile(hours[:1], 0.9) == timedelta(hours=1)


def test_the_target_is_met_at_exactly_its_percentage():
    level = ServiceLevel(max_response_time=timedelta(hours=2), target_percentage=50)
    found = service_level.measured([timedelta(hours=1), timedelta(hours=2, seconds=1)], level)
    assert (found["percentage"], found["meetsTarget"], found["medianLeadTime"]) == (50.0, True, "01:30:00")


def test_csv_is_rfc_4180_and_defuses_what_a_spreadsheet_would_run():
    text = csv_text.to_csv(["date", "name", "slots", "utilization"], [
        ["2030-03-04", 'Anna "Bolig" Hansen, CPH', 3, 0.25],
        ["2030-03-05", "=HYPERLINK(\"http://evil.example\")", 0, None],
        ["2030-03-06", "+45 1234\nline", -1, 1.0],
        ["2030-03-07", "@SUM(A1)", 2, 0.5],
        ["2030-03-08", "Søren Æbelø", 1, 0.125],
    ])
    assert text.endswith("\r\n") and text.count("\r\n") == 6  # a line break inside quotes is data
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == ["date", "name", "slots", "utilization"]
    assert rows[1] == ["2030-03-04", 'Anna "Bolig" Hansen, CPH', "3", "0.25"]
    assert rows[2][1].startswith("'=") and rows[2][3] == ""
    assert rows[3][1] == "'+45 1234\nline" and rows[3][2] == "-1"
    assert rows[4][1] == "'@SUM(A1)" and rows[5][1] == "Søren Æbelø"


def test_more_than_a_thousand_employees_is_a_400_that_says_to_report_on_fewer():
    ids = [str(uuid.uuid4()) for _ in range(1001)]
    with pytest.raises(InvalidRequest) as refused:
        report_scope.capacity_scope(service_group_id=None, competence_group_id=None, employee_ids=ids, topic_id=None,
                                    meeting_types=[], service_groups=[], competence_groups=[],
                                    known_employees=set(ids), known_topics=set())
    assert list(refused.value.errors) == ["employeeIds"] and "at most 1,000" in refused.value.detail
    scope = report_scope.capacity_scope(service_group_id=None, competence_group_id=None, employee_ids=ids[:1000],
                                        topic_id=None, meeting_types=[], service_groups=[], competence_groups=[],
                                        known_employees=set(ids), known_topics=set())
    assert len(scope.employee_ids) == 1000
