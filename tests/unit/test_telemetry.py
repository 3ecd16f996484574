"""shared/telemetry.py: a no-op until configured; spans cross the queue through message properties."""

from shared import request_ids, telemetry


def test_without_configuration_everything_is_a_no_op():
    assert not telemetry.enabled()
    telemetry.count("bookme.bookings", action="created")
    telemetry.measure("bookme.notification_lag", 1.5)
    with telemetry.span("smtp.send") as span:
        assert span is None


def test_every_documented_metric_is_a_counter_or_a_histogram():
    assert {kind for kind, _, _ in telemetry.METRICS.values()} <= {"counter", "histogram"}
    assert all(name.startswith("bookme.") for name in telemetry.METRICS)


def test_a_queue_message_carries_the_request_id_of_the_request_that_queued_it():
    with request_ids.scope("booking-42"):
        properties = telemetry.message_properties()
    assert telemetry.message_request_id(properties) == "booking-42"
    # Service Bus hands properties over as bytes.
    assert telemetry.message_request_id({b"x-request-id": b"booking-42"}) == "booking-42"
    assert telemetry.message_request_id({}) != "booking-42"


def test_application_insights_is_reached_with_the_named_managed_identity():
    from shared.telemetry import _entra_credential

    assert _entra_credential("") is None
    assert _entra_credential("InstrumentationKey=x") is None
    assert type(_entra_credential("ClientId=0000;Authorization=AAD")).__name__ == "ManagedIdentityCredential"
