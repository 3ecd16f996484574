"""The organization-settings singleton over HTTP (V3 only): defaults, JSON Patch, closing days."""

import asyncio
import random
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest

from shared.demo import bank
from shared.models.common import format_utc
from shared.rules.timezones import zone_id

BASE = "/bookme/config/organization-settings"
WRITABLE = ("timeZoneId", "openingTime", "closingTime", "maxTimeFromBookingToMeeting", "maxMeetingTimePerDay",
            "minimumBookingNotice", "isFilterShowTimesAsCustomerEnabled", "meetingTypeLabels", "employeeLabels",
            "extendedOpeningHoursEmail", "closingDays", "iCalMeetingTitle", "iCalMeetingDescription",
            "personalDataRetention", "bufferBefore", "bufferAfter")


@pytest.fixture(autouse=True)
def restore_settings(api):
    """Other tests (and the demo) rely on the settings: put back what was there."""
    before = api.get(BASE).json()
    yield
    current = api.get(BASE).json()
    restored = api.patch(f"{BASE}/{current['id']}",
                         json=[{"op": "replace", "path": f"/{k}", "value": before[k]} for k in WRITABLE])
    assert restored.status_code == 200, restored.text


def settings(api) -> tuple[dict, str]:
    response = api.get(BASE)
    assert response.status_code == 200
    return response.json(), response.headers["ETag"]


def test_get_returns_the_settings_with_an_etag_and_the_expanded_time_zone(api):
    body, etag = settings(api)
    assert etag.startswith('"')
    assert uuid.UUID(body["id"])
    assert body["timeZoneId"] == zone_id("Europe/Copenhagen")
    assert body["timeZone"]["identifier"] == "Europe/Copenhagen"
    assert body["timeZone"]["id"] == body["timeZoneId"]
    assert body["timeZone"]["displayName"].endswith(") Copenhagen")


def test_the_demo_bank_closes_on_christmas_eve(api):
    body, _ = settings(api)
    assert any(day.endswith("-12-24T00:00:00.000Z") for day in body["closingDays"])


def test_after_delete_the_next_get_recreates_the_defaults_with_the_same_id(api):
    body, etag = settings(api)
    assert api.delete(f"{BASE}/{body['id']}", headers={"If-Match": etag}).status_code == 204
    recreated, new_etag = settings(api)
    assert recreated["id"] == body["id"]
    assert new_etag != etag
    assert {k: v for k, v in recreated.items() if k not in ("id", "timeZone")} == {
        "timeZoneId": zone_id("Europe/Copenhagen"),
        "openingTime": "08:00:00",
        "closingTime": "17:00:00",
        "maxTimeFromBookingToMeeting": "30.00:00:00",
        "maxMeetingTimePerDay": "08:00:00",
        "minimumBookingNotice": "02:00:00",
        "bufferBefore": "00:00:00",
        "bufferAfter": "00:00:00",
        "isFilterShowTimesAsCustomerEnabled": True,
        "meetingTypeLabels": [
            {"name": "Physical", "label": "In-Person Meeting", "order": 1},
            {"name": "Online", "label": "Video Call", "order": 2},
            {"name": "Telephone", "label": "Phone Call", "order": 3},
            {"name": "Offsite", "label": "Offsite Meeting", "order": 4},
        ],
        "employeeLabels": [],
        "extendedOpeningHoursEmail": None,
        "closingDays": [],
        "iCalMeetingTitle": "Meeting with ",
        "iCalMeetingDescription": "Your scheduled meeting",
        "reminders": ["1.00:00:00"],  # the booking page's customers, a day before (contract section 24)
        "personalDataRetention": "365.00:00:00",
        "outlookSync": "Off",
    }


def test_racing_first_gets_over_http_create_one_document(api, stack):
    body, _ = settings(api)
    assert api.delete(f"{BASE}/{body['id']}").status_code == 204
    with ThreadPoolExecutor(max_workers=8) as pool:
        responses = list(pool.map(lambda _: api.get(BASE), range(8)))
    assert {r.status_code for r in responses} == {200}
    assert {r.json()["id"] for r in responses} == {body["id"]}
    assert len({r.headers["ETag"] for r in responses}) == 1


async def test_racing_first_reads_in_the_service_create_exactly_one_document(ctx):
    from shared.services.organization import current_settings, settings_store

    store = settings_store(ctx)
    for existing in await store.list():
        await store.delete(existing)
    results = await asyncio.gather(*(current_settings(ctx) for _ in range(10)))
    assert len({r.etag for r in results}) == 1
    assert len(await store.list()) == 1


def test_patch_changes_opening_hours_and_returns_a_new_etag(config_api):
    body, etag = settings(config_api)
    response = config_api.patch(f"{BASE}/{body['id']}", headers={"If-Match": etag}, json=[
        {"op": "replace", "path": "/openingTime", "value": "09:00:00"},
        {"op": "replace", "path": "/closingTime", "value": "18:00:00"},
    ])
    assert response.status_code == 200
    assert response.headers["ETag"] != etag
    assert (response.json()["openingTime"], response.json()["closingTime"]) == ("09:00:00", "18:00:00")
    assert settings(config_api)[0]["closingTime"] == "18:00:00"


def test_the_time_zone_cannot_change_while_a_meeting_lies_ahead(api):
    day = datetime(2042, 3, 4, tzinfo=UTC) + timedelta(days=random.randrange(300))
    start = day + timedelta(hours=9)
    booked = api.post("/meetings", json={
        "bookedBy": "Employee", "salesforceId": "sf-tz", "employeeId": bank.employee_named("Ida Larsen").id,
        "customerId": "cust-tz", "type": "Online", "startDate": format_utc(start),
        "endDate": format_utc(start + timedelta(hours=1))})
    assert booked.status_code == 201, booked.text
    body, etag = settings(api)
    response = api.patch(f"{BASE}/{body['id']}", json=[
        {"op": "replace", "path": "/timeZoneId", "value": zone_id("America/New_York")}])
    assert response.status_code == 409
    assert response.headers["Content-Type"].startswith("application/problem+json")
    assert "time zone cannot change" in response.json()["detail"]
    after, etag_after = settings(api)
    assert (after["timeZoneId"], etag_after) == (body["timeZoneId"], etag)
    assert api.delete(f"/meetings/{booked.json()['id']}").status_code == 204


def test_patched_closing_days_are_normalised(api):
    body, _ = settings(api)
    response = api.patch(f"{BASE}/{body['id']}", json=[
        {"op": "replace", "path": "/closingDays", "value": ["2030-01-02T15:00:00Z", "2030-01-01", "2030-01-02"]}])
    assert response.status_code == 200
    assert response.json()["closingDays"] == ["2030-01-01T00:00:00.000Z", "2030-01-02T00:00:00.000Z"]


@pytest.mark.parametrize("operations", [
    [{"op": "replace", "path": "/openingTime", "value": "18:00:00"}],
    [{"op": "replace", "path": "/closingTime", "value": "08:00:00"}],
    [{"op": "replace", "path": "/openingTime", "value": 42}],
    [{"op": "replace", "path": "/maxMeetingTimePerDay", "value": "four hours"}],
    [{"op": "replace", "path": "/maxTimeFromBookingToMeeting", "value": "00:00:00"}],
    [{"op": "replace", "path": "/minimumBookingNotice", "value": "-01:00:00"}],
    [{"op": "replace", "path": "/timeZoneId", "value": str(uuid.uuid4())}],
    [{"op": "replace", "path": "/timeZoneId", "value": "Europe/Copenhagen"}],
    [{"op": "replace", "path": "/extendedOpeningHoursEmail", "value": "not an address"}],
    [{"op": "replace", "path": "/meetingTypeLabels/0/name", "value": "Carrier pigeon"}],
    [{"op": "add", "path": "/closingDays/-", "value": "someday"}],
    [{"op": "replace", "path": "/id", "value": str(uuid.uuid4())}],
    [{"op": "replace", "path": "/timeZone", "value": {"identifier": "UTC"}}],
    [{"op": "replace", "path": "/timeZone/identifier", "value": "UTC"}],
    [{"op": "replace", "path": "/openingTime"}],
    [{"op": "jump", "path": "/openingTime", "value": "09:00:00"}],
    [{"op": "remove", "path": "/noSuchField/deeper"}],
    {"op": "replace", "path": "/openingTime", "value": "09:00:00"},
])
def test_invalid_patches_are_400_and_change_nothing(api, operations):
    body, etag = settings(api)
    response = api.patch(f"{BASE}/{body['id']}", json=operations)
    assert response.status_code == 400, response.text
    assert response.headers["Content-Type"].startswith("application/problem+json")
    assert settings(api)[1] == etag


def test_a_failed_patch_test_is_409(api):
    body, _ = settings(api)
    response = api.patch(f"{BASE}/{body['id']}", json=[{"op": "test", "path": "/openingTime", "value": "06:00:00"},
                                                       {"op": "replace", "path": "/openingTime", "value": "07:00:00"}])
    assert response.status_code == 409


def test_a_stale_if_match_is_412_for_patch_and_delete(api):
    body, etag = settings(api)
    assert api.patch(f"{BASE}/{body['id']}", json=[
        {"op": "replace", "path": "/iCalMeetingTitle", "value": "Møde med "}]).status_code == 200
    stale = {"If-Match": etag}
    assert api.patch(f"{BASE}/{body['id']}", headers=stale, json=[
        {"op": "replace", "path": "/iCalMeetingTitle", "value": "Meeting with "}]).status_code == 412
    assert api.delete(f"{BASE}/{body['id']}", headers=stale).status_code == 412
    assert api.post(f"{BASE}/{body['id']}/closing-days", headers=stale,
                    params={"closingDays": "2031-01-01"}).status_code == 412


def test_unknown_or_malformed_settings_ids_are_404(api):
    unknown = str(uuid.uuid4())
    patch = [{"op": "replace", "path": "/openingTime", "value": "09:00:00"}]
    assert api.patch(f"{BASE}/{unknown}", json=patch).status_code == 404
    assert api.delete(f"{BASE}/{unknown}").status_code == 404
    assert api.post(f"{BASE}/{unknown}/closing-days", params={"closingDays": "2031-01-01"}).status_code == 404
    assert api.delete(f"{BASE}/{unknown}/closing-days", params={"closingDays": "2031-01-01"}).status_code == 404
    assert api.patch(f"{BASE}/not-a-uuid", json=patch).status_code == 404


def test_readers_may_read_but_not_change_the_settings(reader):
    body, _ = settings(reader)
    patch = [{"op": "replace", "path": "/openingTime", "value": "09:00:00"}]
    assert reader.patch(f"{BASE}/{body['id']}", json=patch).status_code == 403
    assert reader.delete(f"{BASE}/{body['id']}").status_code == 403
    assert reader.post(f"{BASE}/{body['id']}/closing-days", params={"closingDays": "2031-01-01"}).status_code == 403
    assert reader.delete(f"{BASE}/{body['id']}/closing-days", params={"closingDays": "2031-01-01"}).status_code == 403


def test_deleting_the_settings_needs_admin_not_config(config_api):
    body, _ = settings(config_api)
    response = config_api.delete(f"{BASE}/{body['id']}")
    assert response.status_code == 403
    assert settings(config_api)[0]["id"] == body["id"]


def test_closing_days_are_added_as_midnight_utc_dates_once_and_sorted(config_api):
    body, _ = settings(config_api)
    response = config_api.post(f"{BASE}/{body['id']}/closing-days", params={
        "closingDays": ["2031-12-26T00:00:00Z", "2031-12-25", "2031-12-25T10:30:00Z", "2031-12-26T00:00:00+01:00"]})
    assert response.status_code == 200
    assert response.headers["ETag"]
    days = response.json()["closingDays"]
    assert [d for d in days if d.startswith("2031")] == ["2031-12-25T00:00:00.000Z", "2031-12-26T00:00:00.000Z"]
    assert days == sorted(days)
    again = config_api.post(f"{BASE}/{body['id']}/closing-days", params={"closingDays": "2031-12-25,2031-12-31"})
    assert [d for d in again.json()["closingDays"] if d.startswith("2031")] == [
        "2031-12-25T00:00:00.000Z", "2031-12-26T00:00:00.000Z", "2031-12-31T00:00:00.000Z"]


def test_closing_days_are_removed_with_204(config_api):
    body, _ = settings(config_api)
    config_api.post(f"{BASE}/{body['id']}/closing-days", params={"closingDays": ["2032-05-01", "2032-05-02"]})
    response = config_api.delete(f"{BASE}/{body['id']}/closing-days",
                                 params={"closingDays": ["2032-05-01T12:00:00Z", "2032-05-03"]})
    assert response.status_code == 204
    days = settings(config_api)[0]["closingDays"]
    assert "2032-05-02T00:00:00.000Z" in days
    assert "2032-05-01T00:00:00.000Z" not in days


@pytest.mark.parametrize("params", [{}, {"closingDays": ""}, {"closingDays": "christmas"},
                                    {"closingdays": "2031-13-01"}])
def test_closing_days_must_be_given_as_dates(api, params):
    body, etag = settings(api)
    assert api.post(f"{BASE}/{body['id']}/closing-days", params=params).status_code == 400
    assert api.delete(f"{BASE}/{body['id']}/closing-days", params=params).status_code == 400
    assert settings(api)[1] == etag


def test_settings_do_not_exist_under_v2(api_v2, api):
    body, _ = settings(api)
    assert api_v2.get(BASE).status_code == 404
    assert api_v2.post(f"{BASE}/{body['id']}/closing-days", params={"closingDays": "2031-01-01"}).status_code == 404
