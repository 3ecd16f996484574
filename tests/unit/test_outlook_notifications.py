"""Graph's notifications as queue messages (contract section 23): the validation handshake, the
clientState check, one message per subscription."""

import json

from shared.rules.outlook_notifications import messages, validation_token

SECRET = "client-state-secret"


def post(*notifications: dict) -> bytes:
    return json.dumps({"value": list(notifications)}).encode()


def change(subscription: str = "s1", client_state: str = SECRET, **fields) -> dict:
    return {"subscriptionId": subscription, "clientState": client_state, "changeType": "updated",
            "resource": "Users/u1/Events/AAMk1", "tenantId": "t1", **fields}


def test_the_validation_request_is_recognised_by_its_token_whatever_the_case_of_its_name():
    assert validation_token({"validationToken": "Validation: Testing client application"}) == \
        "Validation: Testing client application"
    assert validation_token({"validationtoken": "x"}) == "x"
    assert validation_token({}) is None


def test_many_changes_of_one_subscription_are_one_message_and_lifecycle_events_are_their_own():
    found, refused = messages(post(change(), change(), change("s2"), change(lifecycleEvent="missed"),
                                   change(lifecycleEvent="subscriptionRemoved")), SECRET)
    assert refused == 0
    assert found == [
        {"kind": "notification", "subscriptionId": "s1", "lifecycleEvent": None},
        {"kind": "notification", "subscriptionId": "s2", "lifecycleEvent": None},
        {"kind": "notification", "subscriptionId": "s1", "lifecycleEvent": "missed"},
        {"kind": "notification", "subscriptionId": "s1", "lifecycleEvent": "subscriptionRemoved"}]


def test_notifications_without_bookmes_client_state_are_dropped():
    found, refused = messages(post(change(client_state="guess"), change(client_state=None), change()), SECRET)
    assert (len(found), refused) == (1, 2)
    assert messages(post(change()), "") == ([], 1), "no client state configured: nothing is trusted"


def test_a_body_that_is_not_a_notification_queues_nothing():
    assert messages(b"not json", SECRET) == ([], 1)
    assert messages(b'{"value": 3}', SECRET) == ([], 1)
    assert messages(post({"clientState": SECRET}), SECRET) == ([], 1)


def test_a_body_nested_beyond_the_limit_is_refused_as_any_request_body_is():
    assert messages(b"[" * 200_000, "secret") == ([], 1)
