"""A receiver that is down for a while, then refuses a few more, still gets every event it
subscribed to, and nothing else, each with the webhook-id it was first tried with."""

import time
from collections import Counter
from datetime import timedelta

from tests.api.test_notifications import book, new_employee, start_of_new_day
from tests.utils.webhook_receiver import ReceiverThread

WEBHOOKS = "/bookme/config/webhooks"


def test_every_subscribed_event_arrives_after_an_outage_with_the_same_ids(api):
    receiver = ReceiverThread(failures=3).start()
    receiver.stop()  # down: every delivery is refused until it comes back
    created = []
    try:
        for query, events in (("a", ["meeting.created", "meeting.cancelled"]), ("b", ["meeting.rescheduled"])):
            response = api.post(WEBHOOKS, json={"url": f"{receiver.url}?to={query}", "events": events})
            assert response.status_code == 201
            created.append(response.json()["id"])
        employee_id, _ = new_employee(api)
        start = start_of_new_day()
        meetings = [book(api, employee_id, start + timedelta(hours=h))["id"] for h in (0, 2, 4)]
        moved = start + timedelta(hours=6)
        assert api.patch(f"/meetings/{meetings[0]}", json=[
            {"op": "replace", "path": "/startDate", "value": moved.isoformat()},
            {"op": "replace", "path": "/endDate", "value": (moved + timedelta(hours=1)).isoformat()},
            {"op": "replace", "path": "/title", "value": "Moved"}]).status_code == 200
        assert api.patch(f"/meetings/{meetings[1]}", json=[
            {"op": "replace", "path": "/title", "value": "Nobody subscribed to updates"}]).status_code == 200
        assert api.delete(f"/meetings/{meetings[2]}").status_code == 204
        time.sleep(4)  # several retries fail against the closed port
        receiver.start()
        expected = Counter({("/hook?to=a", "meeting.created"): 3, ("/hook?to=a", "meeting.cancelled"): 1,
                            ("/hook?to=b", "meeting.rescheduled"): 1})

        def ours(received):
            return [r for r in received if r.payload["data"]["id"] in meetings]

        got = ours(receiver.wait_for(lambda r: len(ours(r)) >= sum(expected.values()), timeout=60))
        assert Counter((r.path, r.payload["type"]) for r in got) == expected
        ids = {r.headers["webhook-id"] for r in got}
        assert len(ids) == len(got), "each event once"
        refused = [r for r in ours(receiver.attempted) if r.refused]
        assert len(refused) == 3
        assert {r.headers["webhook-id"] for r in refused} <= ids, "a retry keeps its webhook-id"
    finally:
        for id in created:
            api.delete(f"{WEBHOOKS}/{id}")
        receiver.close()
