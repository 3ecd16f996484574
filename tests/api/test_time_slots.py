"""GET /time-slots/available and GET /time-slots over HTTP, with advisors made per test
on a fixed future week (Monday 2027-03-01, Copenhagen winter time, UTC+1)."""

import uuid

import pytest

MONDAY = "2027-03-01T00:00:00Z"


def _advisor(api, location: str, days=("Monday",), hours=("09:00:00", "12:00:00"), types=("Physical", "Online"),
             **schedule) -> str:
    employee_id = str(uuid.uuid4())
    assert api.put(f"/employees/{employee_id}", json={"name": f"Advisor {employee_id[:8]}",
                                                      "email": f"a{employee_id[:8]}@bank.example"}).status_code == 201
    workdays = [{"dayOfWeek": d, "from": hours[0], "to": hours[1], "location": location,
                 "availableMeetingTypes": [{"type": t} for t in types]} for d in days]
    response = api.post("/bookme/config/employee-schedules",
                        json={"employeeId": employee_id, "workdays": workdays, **schedule})
    assert response.status_code == 201, response.text
    return employee_id


def _search(api, **params):
    defaults = {"startDate": MONDAY, "lookForwardTime": "1.00:00:00", "requireEmployeeParticipation": "false",
                "employeeTypes": "Explicit", "meetingDuration": "01:00:00"}
    return api.get("/time-slots/available", params={**defaults, **params})


@pytest.fixture
def location():
    return f"Test-{uuid.uuid4().hex[:8]}"


def test_slots_start_every_half_hour_inside_the_workday_for_each_type(api, location):
    advisor = _advisor(api, location)
    response = _search(api, explicitEmployeeIds=advisor)
    assert response.status_code == 200, response.text
    slots = response.json()
    starts = sorted({s["startDate"] for s in slots})
    assert starts == [f"2027-03-01T{h}.000Z" for h in ("08:00:00", "08:30:00", "09:00:00", "09:30:00", "10:00:00")]
    assert {s["meetingType"] for s in slots} == {"Physical", "Online"}
    assert all(set(s) == {"startDate", "endDate", "meetingType", "employeeId"} for s in slots)
    assert slots == sorted(slots, key=lambda s: (s["startDate"], s["employeeId"], s["meetingType"]))


def test_meeting_types_filter_and_case_insensitive_values(api, location):
    advisor = _advisor(api, location)
    slots = _search(api, explicitEmployeeIds=advisor, meetingTypes="online").json()
    assert slots and {s["meetingType"] for s in slots} == {"Online"}


def test_repeated_and_comma_separated_ids_both_work(api, location):
    first, second = _advisor(api, location), _advisor(api, location)
    repeated = api.get("/time-slots/available", params=[
        ("startDate", MONDAY), ("lookForwardTime", "1.00:00:00"), ("requireEmployeeParticipation", "false"),
        ("employeeTypes", "Explicit"), ("explicitEmployeeIds", first), ("explicitEmployeeIds", second)]).json()
    comma = _search(api, explicitEmployeeIds=f"{first},{second}").json()
    assert repeated == comma
    assert {s["employeeId"] for s in comma} == {first, second}


def test_all_listed_employees_together_name_the_others_as_additional(api, location):
    first = _advisor(api, location, hours=("09:00:00", "11:00:00"))
    second = _advisor(api, location, hours=("10:00:00", "12:00:00"), types=("Online",))
    slots = _search(api, explicitEmployeeIds=f"{first},{second}", requireEmployeeParticipation="true").json()
    assert [(s["startDate"], s["meetingType"]) for s in slots] == [("2027-03-01T09:00:00.000Z", "Online")]
    assert slots[0]["employeeId"] == first and slots[0]["additionalEmployees"] == [second]


def test_the_local_pool_matches_the_workday_location(api, location):
    advisor = _advisor(api, location)
    slots = _search(api, employeeTypes="Local", customerLocation=location.upper()).json()
    assert {s["employeeId"] for s in slots} == {advisor}


def test_the_service_group_pool_takes_its_members_and_their_cap(api, location):
    advisor = _advisor(api, location, hours=("08:00:00", "17:00:00"))
    group = api.post("/bookme/config/service-groups", json={"name": f"Team {location}", "employeeIds": [advisor],
                                                            "maxMeetingTimePerDay": "00:30:00"})
    assert group.status_code == 201, group.text
    hour = _search(api, employeeTypes="ServiceGroup").json()
    assert hour and advisor not in {s["employeeId"] for s in hour}  # a 1-hour meeting exceeds its 30-minute cap
    half_hour = _search(api, employeeTypes="ServiceGroup", meetingDuration="00:30:00").json()
    assert advisor in {s["employeeId"] for s in half_hour}


def test_topics_narrow_to_competence_group_members_including_child_groups(api, location):
    topic = api.post("/meeting-topics", json={"name": f"Topic {location}", "meetingDuration": "00:30:00"}).json()
    parent_member, child_member, outsider = (_advisor(api, location) for _ in range(3))
    child = api.post("/bookme/config/competence-groups", json={"name": f"Child {location}",
                                                               "employeeIds": [child_member]}).json()
    parent = api.post("/bookme/config/competence-groups", json={
        "name": f"Parent {location}", "employeeIds": [parent_member], "topicIds": [topic["id"]],
        "childGroupIds": [child["id"]]})
    assert parent.status_code == 201, parent.text
    slots = _search(api, explicitEmployeeIds=f"{parent_member},{child_member},{outsider}", topic=topic["id"],
                    meetingDuration="").json()
    assert {s["employeeId"] for s in slots} == {parent_member, child_member}
    assert all(s["endDate"] > s["startDate"] for s in slots)
    assert len({s["startDate"] for s in slots}) == 6  # 30-minute topic meetings from 09:00 to 11:30 local


def test_a_required_room_is_named_in_each_slot(api, location):
    advisor = _advisor(api, location)
    room_id = str(uuid.uuid4())
    room = {"name": "Test room", "capacity": 4, "location": location}
    assert api.put(f"/rooms/{room_id}", json=room).status_code == 201
    slots = _search(api, explicitEmployeeIds=advisor, requireRoom="true", meetingLocation=location).json()
    assert slots and {s["roomId"] for s in slots} == {room_id}
    assert _search(api, explicitEmployeeIds=advisor, requireRoom="true", meetingLocation="Nowhere").json() == []


def test_only_explicitly_available_advisors_appear_only_when_listed(api, location):
    advisor = _advisor(api, location, isOnlyExplicitlyAvailable=True)
    assert _search(api, explicitEmployeeIds=advisor).json()
    local = _search(api, employeeTypes="Local", customerLocation=location).json()
    assert advisor not in {s["employeeId"] for s in local}


def test_advisors_that_cannot_be_booked_never_appear(api, location):
    advisor = _advisor(api, location, canBeBooked=False)
    assert _search(api, explicitEmployeeIds=advisor).json() == []


def test_customer_initiated_searches_stay_within_the_booking_horizon(api, location):
    advisor = _advisor(api, location, days=("Monday", "Tuesday", "Wednesday", "Thursday", "Friday"))
    far = _search(api, explicitEmployeeIds=advisor, isCustomerInitiated="true").json()
    assert far == []  # 2027 is more than 30 days after today
    assert _search(api, explicitEmployeeIds=advisor).json()


@pytest.mark.parametrize(
    ("params", "field"),
    [({"requireEmployeeParticipation": None}, "requireEmployeeParticipation"),
     ({"employeeTypes": None}, "employeeTypes"),
     ({"employeeTypes": "Global"}, "employeeTypes"),
     ({"requireEmployeeParticipation": "true", "employeeTypes": None}, "explicitEmployeeIds"),
     ({"lookForwardTime": "a week"}, "lookForwardTime"),
     ({"meetingTypes": "Hologram"}, "meetingTypes.0"),
     ({"explicitEmployeeIds": "not-a-uuid"}, "explicitEmployeeIds.0"),
     ({"topic": str(uuid.uuid4())}, "topic"),
     ({"startDate": "soon"}, "startDate")],
)
def test_bad_parameters_are_400_naming_the_parameter(api, params, field):
    query = {"startDate": MONDAY, "requireEmployeeParticipation": "false", "employeeTypes": "Explicit", **params}
    response = api.get("/time-slots/available", params={k: v for k, v in query.items() if v is not None})
    assert response.status_code == 400, response.text
    assert field in response.json()["errors"]


def test_v2_serves_available_time_slots(api, api_v2, location):
    advisor = _advisor(api, location)
    assert _search(api_v2, explicitEmployeeIds=advisor).json() == _search(api, explicitEmployeeIds=advisor).json()


def test_time_slots_lists_an_employees_available_half_hours(api, location):
    advisor = _advisor(api, location)
    response = api.get("/time-slots", params={"employeeId": advisor, "startDate": MONDAY,
                                              "endDate": "2027-03-02T00:00:00Z"})
    assert response.status_code == 200, response.text
    slots = response.json()
    assert [s["startTime"][11:16] for s in slots] == ["08:00", "08:30", "09:00", "09:30", "10:00", "10:30"]
    assert all(s["status"] == "Available" and s["available"] and s["employeeId"] == advisor for s in slots)
    assert api.get("/time-slots", params={"employeeId": advisor, "startDate": MONDAY, "endDate": "2027-03-02",
                                          "status": "Booked"}).json() == []


def test_time_slots_of_a_room_follow_opening_hours(api, location):
    room_id = str(uuid.uuid4())
    api.put(f"/rooms/{room_id}", json={"name": "R", "capacity": 2, "location": location})
    slots = api.get("/time-slots", params={"roomId": room_id, "startDate": MONDAY,
                                           "endDate": "2027-03-02T00:00:00Z"}).json()
    assert slots[0]["startTime"] == "2027-03-01T07:00:00.000Z" and slots[-1]["endTime"] == "2027-03-01T16:00:00.000Z"


@pytest.mark.parametrize("params", [{"startDate": MONDAY, "endDate": "2027-03-02"},
                                    {"employeeId": str(uuid.uuid4()), "startDate": MONDAY},
                                    {"employeeId": str(uuid.uuid4()), "startDate": "2027-03-02", "endDate": MONDAY}])
def test_time_slots_needs_a_resource_and_a_range(api, params):
    assert api.get("/time-slots", params=params).status_code == 400
