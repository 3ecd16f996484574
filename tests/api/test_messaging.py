"""Messaging over the whole stack, with the local queues failing for a while: every recipient is
mailed once and every subscriber gets each event once, however often the timer re-publishes;
and an erasure reaches the e-mails and webhooks still waiting, so the mail sink and a real
receiver get no erased value."""

import re
import time
import uuid
from datetime import timedelta

import pytest

from tests.utils.http_builders import book, new_day, new_employee, new_portal

EMAIL_FIELDS = [{"name": "Email", "type": "Email"}, {"name": "Phone", "type": "Phone"}]


def log_shows(stack, pattern: str, timeout: float = 40) -> bool:
    """Wait until the host's log has a line matching `pattern`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if re.search(pattern, stack.log_file.read_text(errors="replace")):
            return True
        time.sleep(0.1)
    return False


def mails_to(stack, address: str, wait: float) -> list:
    stack.wait_for_mail(10 ** 6, timeout=wait, predicate=lambda m: address in m["X-Envelope-To"])
    return [m for m in stack.mail.messages if address in m["X-Envelope-To"]]


def mail_text(message) -> str:
    parts = [p.get_payload(decode=True).decode(errors="replace") for p in message.walk() if not p.is_multipart()]
    return "\n".join([str(message.items()), *parts])


@pytest.fixture
def faulty_queues(stack):
    yield stack.queue_fault
    stack.queue_fault("")


def test_a_booking_made_while_the_queue_fails_reaches_every_recipient_and_subscriber_once(
        stack, api, receiver, subscribe, faulty_queues):
    for query in ("a", "b"):
        subscribe(f"{receiver.url}?to={query}", ["meeting.created"])
    employee_id, advisor = new_employee(api)
    guest = f"guest-{uuid.uuid4().hex[:8]}@example.com"
    faulty_queues("refuse")  # Service Bus down: nothing is taken
    meeting = book(api, employee_id, new_day() + timedelta(hours=9), externalAttendees=[{"email": guest}],
                   bookedBy="PortalPartner", portalId=new_portal(api)["id"])
    outbox = rf"Outbox outbox:\S+ of meeting {meeting['id']}"
    assert log_shows(stack, rf"{outbox} not published, attempt 2 failed"), "the timer tried again"
    faulty_queues("lose-answers")  # back, but its answers are lost: every send is taken and looks failed
    assert log_shows(stack, rf"{outbox} not published, attempt 4 failed"), "and again, twice, each one taken"
    faulty_queues("")
    assert log_shows(stack, rf"{outbox} published on attempt 5")

    for address in (advisor, guest):
        assert len(mails_to(stack, address, wait=3)) == 1, f"{address} is mailed once"
    ours = [r for r in receiver.received if r.payload["data"]["id"] == meeting["id"]]
    assert sorted(r.path for r in ours) == ["/hook?to=a", "/hook?to=b"], "each subscriber once"


def test_an_erasure_reaches_the_mails_and_webhooks_still_waiting(stack, api, receiver, subscribe, faulty_queues):
    receiver.stop()  # the receiver is down: its deliveries wait in their retries
    subscribe(receiver.url, ["meeting.created", "meeting.updated"])
    employee_id, advisor = new_employee(api)
    portal = new_portal(api, icalEnabled=True, fields=EMAIL_FIELDS)
    customer = f"cust-{uuid.uuid4().hex[:8]}"

    def personal_booking(hour: int, tag: str) -> tuple[dict, list[str]]:
        values = [f"{tag}-kunde@example.com", f"{tag}-guest@example.com", f"Gæst {tag}", f"+45{tag}",
                  f"Loan talk {tag}", f"https://meet.example/{tag}"]
        meeting = book(api, employee_id, new_day() + timedelta(hours=hour), bookedBy="PortalPartner",
                       portalId=portal["id"], customerId=customer, cpr="311299-9876", description=values[4],
                       videoLink=values[5], externalAttendees=[{"name": values[2], "email": values[1]}],
                       customFields=[{"key": "Email", "value": values[0]}, {"key": "Phone", "value": values[3]}])
        return meeting, values

    queued, queued_values = personal_booking(9, str(uuid.uuid4().int)[:8])  # its webhook waits in the queue
    assert mails_to(stack, f"{queued_values[1]}", wait=15), "its mails went out before the erasure"
    faulty_queues("refuse")
    held, held_values = personal_booking(11, str(uuid.uuid4().int)[:8])  # its mails and webhook wait in the outbox
    erased = api.delete(f"/customers/{customer}/personal-data")
    assert erased.status_code == 200 and erased.json() == {"meetingsErased": 2}
    faulty_queues("")
    receiver.start()

    ids = {queued["id"], held["id"]}

    def ours(received):
        return [r for r in received if r.payload["data"]["id"] in ids]

    got = ours(receiver.wait_for(lambda r: len(ours(r)) >= 4, timeout=60))
    assert sorted(r.payload["type"] for r in got) == ["meeting.created"] * 2 + ["meeting.updated"] * 2
    bodies = "\n".join(r.body.decode() for r in got)
    for value in [*queued_values, *held_values, "311299-9876"]:
        assert value not in bodies
    assert len(mails_to(stack, advisor, wait=20)) == 2, "the advisor is still invited to the held meeting"
    mail = "\n".join(mail_text(m) for m in stack.mail.messages if held["id"] in mail_text(m))
    assert held["id"] in mail
    for value in held_values:
        assert value not in mail
    assert not [m for m in stack.mail.messages if held_values[0] in m["X-Envelope-To"]
                or held_values[1] in m["X-Envelope-To"]]
