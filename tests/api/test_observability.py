"""Section 18 over the whole stack: request ids on every response and in the logs, the booking's
id and trace carried to its e-mail, and no personal data in anything the host logged.

A stack of its own, with spans printed to its log (BOOKME_TRACES=console), so the scan covers
log lines and spans alike.
"""

import json
import re
import time
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from shared.models.common import format_utc
from shared.settings import Settings
from tests.utils.http_builders import NOT_IN_OUTLOOK
from tests.utils.stack import start_stack, stop_stack
from tests.utils.tokens import ALL_ROLES, bearer, token

CPR = "150372-4821"
PHONE = "+4561827364"
NOTE = "Kunden-hemmelighed-Q7"
GUEST = f"guest-{uuid.uuid4().hex[:8]}@example.com"
ADVISOR = f"advisor-{uuid.uuid4().hex[:8]}@nordhavnbank.example"
BOOKING_ID = "pii-scan-booking.1"


@pytest.fixture(scope="module")
def traced(tmp_path_factory):
    running = start_stack(tmp_path_factory.mktemp("observability"),
                          {"BOOKME_TRACES": "console", "OTEL_BSP_SCHEDULE_DELAY": "100"})
    yield running
    stop_stack(running)


def _client(stack, roles: list[str] | None = None) -> httpx.Client:
    return httpx.Client(base_url=f"{stack.base_url}/v3/bookme", headers=bearer(stack.key_file, roles), timeout=30)


def _log(stack) -> str:
    return stack.log_file.read_text(encoding="utf-8", errors="replace")


def _wait_for_log(stack, text: str, timeout: float = 20) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in (log := _log(stack)):
            return log
        time.sleep(0.1)
    raise AssertionError(f"{text!r} never appeared in {stack.log_file}")


@pytest.fixture(scope="module")
def portal_meeting(traced):
    """A portal booking carrying every kind of personal data, made with a client request id."""
    with _client(traced) as api:
        employee_id = str(uuid.uuid4())
        assert api.put(f"/employees/{employee_id}", json={"name": "Rådgiver Log", "email": ADVISOR,
                                                          "location": "CPH-HQ", **NOT_IN_OUTLOOK}).status_code == 201
        portal = api.post("/bookme/config/portals", json={
            "name": f"Portal {uuid.uuid4().hex[:6]}", "location": "CPH-HQ", "authenticationType": "MitID",
            "icalEnabled": True,
            "fields": [{"name": "phone", "type": "Phone"}, {"name": "note", "type": "Text"},
                       {"name": "email", "type": "Email"}]})
        assert portal.status_code == 201, portal.text
        start = datetime(2046, 3, 5, 9, tzinfo=UTC)
        booked = api.post("/meetings", headers={"X-Request-Id": BOOKING_ID}, json={
            "bookedBy": "PortalPartner", "salesforceId": "sf-log", "employeeId": employee_id, "customerId": "cust-log",
            "type": "Online", "startDate": format_utc(start), "endDate": format_utc(start + timedelta(hours=1)),
            "portalId": portal.json()["id"], "cpr": CPR,
            "customFields": [{"key": "phone", "value": PHONE}, {"key": "note", "value": NOTE},
                             {"key": "email", "value": GUEST}],
            "externalAttendees": [{"name": "Gæst Gæstesen", "email": GUEST}]})
        assert booked.status_code == 201, booked.text
        assert booked.headers["X-Request-Id"] == BOOKING_ID
        traced.wait_for_mail(1, predicate=lambda m: ADVISOR in m["X-Envelope-To"])
        return booked.json()


def _spans(log: str) -> list[dict]:
    """The spans the console exporter printed: JSON objects from a line "{" to a line "}"."""
    return [json.loads(block) for block in re.findall(r"^\{\n.*?^\}$", log, re.S | re.M)]


def test_the_e_mail_of_a_booking_is_logged_and_traced_with_the_booking(traced, portal_meeting):
    _wait_for_log(traced, f"[{BOOKING_ID}]: Sent REQUEST for {portal_meeting['id']}")
    spans = _spans(_wait_for_log(traced, '"name": "smtp.send"'))
    request = next(s for s in spans if s["name"] == "POST meetings"
                   and s["attributes"].get("bookme.request_id") == BOOKING_ID)
    trace = request["context"]["trace_id"]
    in_trace = {s["name"] for s in spans if s["context"]["trace_id"] == trace}
    # The queue function continues the booking's trace: its e-mail, and the Cosmos calls beneath.
    assert {"notifications.deliver", "smtp.send", "ContainerProxy.execute_item_batch"} <= in_trace
    deliver = next(s for s in spans if s["name"] == "notifications.deliver" and s["context"]["trace_id"] == trace)
    assert deliver["attributes"]["bookme.request_id"] == BOOKING_ID


def test_nothing_logged_holds_personal_data_or_the_token(traced, portal_meeting):
    with _client(traced) as api:
        assert api.get(f"/meetings/{portal_meeting['id']}").json()["cpr"] == CPR
        api.get("/meetings", params={"employeeId": portal_meeting["employeeId"]})
        api.post("/meetings", json={"bookedBy": "PortalPartner", "cpr": CPR, "customFields": [
            {"key": "phone", "value": PHONE}], "externalAttendees": [{"email": GUEST}]})  # a 400 is logged too
    _wait_for_log(traced, '"name": "notifications.deliver"')
    time.sleep(0.5)  # the console exporter's last batch (OTEL_BSP_SCHEDULE_DELAY=100 ms)
    log = _log(traced)
    assert BOOKING_ID in log, "the scan reads the log the requests were written to"
    secrets = {"CPR": CPR, "CPR digits": CPR.replace("-", ""), "phone": PHONE, "note": NOTE, "guest e-mail": GUEST,
               "advisor e-mail": ADVISOR, "token": token(traced.key_file)[-40:]}
    found = {name: value for name, value in secrets.items() if value in log}
    assert not found, f"personal data in {traced.log_file}: {sorted(found)}"
    sender = traced.env.get("MAIL_SENDER") or Settings.model_fields["MAIL_SENDER"].default
    assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", log.replace(sender, "")), "no e-mail address at all in the log"


@pytest.mark.parametrize("roles", [[], ["BookMe.Config"]])
def test_cpr_is_null_for_callers_without_the_role(traced, portal_meeting, roles):
    with _client(traced, roles) as client:
        read = client.get(f"/meetings/{portal_meeting['id']}")
        assert read.status_code == 200 and read.json()["cpr"] is None
        assert read.json()["customFields"] == portal_meeting["customFields"]
        for leak in ([{"op": "copy", "from": "/cpr", "path": "/description"}],
                     [{"op": "test", "path": "/cpr", "value": CPR}]):
            refused = client.patch(f"/meetings/{portal_meeting['id']}", json=leak)
            assert refused.status_code == 403, refused.text
    with _client(traced) as admin:
        assert admin.get(f"/meetings/{portal_meeting['id']}").json() == {**portal_meeting}


@pytest.mark.parametrize("roles", [["BookMe.PersonalData"], ["BookMe.Admin"], [*ALL_ROLES, "BookMe.PersonalData"]])
def test_cpr_is_shown_to_admins_and_personal_data_readers_but_never_listed(traced, portal_meeting, roles):
    with _client(traced, roles) as client:
        assert client.get(f"/meetings/{portal_meeting['id']}").json()["cpr"] == CPR
        listed = client.get("/meetings", params={"employeeId": portal_meeting["employeeId"]}).json()
        assert [m["id"] for m in listed] == [portal_meeting["id"]] and "cpr" not in listed[0]


def test_personal_data_role_configures_nothing(traced):
    with _client(traced, ["BookMe.PersonalData"]) as client:
        assert client.post("/config/customer-types", json={"name": "X"}).status_code == 403


@pytest.mark.parametrize(("sent", "kept"), [("abc-123_X.y", True), ("x" * 128, True), ("x" * 129, False),
                                            ("has space", False), ("semi;colon", False), (None, False)])
def test_every_response_carries_a_request_id(traced, sent, kept):
    headers = {"X-Request-Id": sent} if sent is not None else {}
    auth = bearer(traced.key_file)
    base = traced.base_url
    answers = [
        httpx.get(f"{base}/health", headers=headers),
        httpx.get(f"{base}/nothing-here", headers=headers),
        httpx.get(f"{base}/v3/bookme/employees", headers=headers),  # 401
        httpx.get(f"{base}/v3/bookme/employees", headers={**headers, **auth}),
        httpx.get(f"{base}/v3/bookme/employees/{uuid.uuid4()}", headers={**headers, **auth}),  # 404
        httpx.request("PATCH", f"{base}/v3/bookme/employees", headers={**headers, **auth}),  # 405
        httpx.put(f"{base}/v3/bookme/employees/{uuid.uuid4()}", headers={**headers, **auth},
                  content=b"x" * (1024 * 1024 + 1)),  # 413
        httpx.get(f"{base}/v3/bookme/employees/%0A", headers={**headers, **auth}),  # newline in the path
        httpx.get(f"{base}/v3/bookme/openapi.json", headers={**headers, **auth}),
        httpx.get(f"http://{base.split('/')[2]}/not-under-the-prefix", headers=headers),  # the host's own 404
    ]
    statuses = [a.status_code for a in answers]
    assert statuses == [200, 404, 401, 200, 404, 405, 413, 404, 200, 404]
    ids = [a.headers.get("X-Request-Id") for a in answers]
    if kept:
        assert ids == [sent] * len(answers)
    else:
        assert all(i and re.fullmatch(r"[A-Za-z0-9._-]{1,128}", i) and i != sent for i in ids)
        assert len(set(ids)) == len(ids), "a new id for every request"
    for answer in answers:
        if answer.status_code >= 400:
            assert answer.headers["Content-Type"].startswith("application/problem+json"), answer.request.url
