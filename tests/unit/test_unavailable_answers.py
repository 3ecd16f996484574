"""Cosmos DB errors that outlast the SDK's retries become 503s that say when to come back."""

import json

import pytest
from azure.core.exceptions import ServiceResponseError
from azure.cosmos import exceptions as cosmos_errors

from functions.http import error_response
from shared.adapters.cosmos import translate
from shared.errors import BookMeError, Conflict, ServiceUnavailable
from tools.faultproxy import Faults


class Response:
    def __init__(self, status: int, headers: dict[str, str]):
        self.status_code, self.headers, self.reason = status, headers, "injected"

    def text(self) -> str:
        return ""


def cosmos_error(status: int, **headers: str) -> cosmos_errors.CosmosHttpResponseError:
    return cosmos_errors.CosmosHttpResponseError(status_code=status, message="injected",
                                                 response=Response(status, headers))


def test_a_throttle_past_the_retries_asks_for_the_wait_cosmos_asked_for_rounded_up():
    error = translate(cosmos_error(429, **{"x-ms-retry-after-ms": "2300"}))
    assert isinstance(error, ServiceUnavailable) and error.retry_after == 3


@pytest.mark.parametrize("status", [408, 410, 449, 500, 503])
def test_outages_timeouts_and_moved_partitions_are_503s(status):
    error = translate(cosmos_error(status))
    assert isinstance(error, ServiceUnavailable) and error.retry_after == 2


def test_a_lost_connection_is_a_503_and_a_conflict_stays_a_conflict():
    assert isinstance(translate(ServiceResponseError("gone")), ServiceUnavailable)
    assert isinstance(translate(cosmos_error(409)), Conflict)


def test_every_503_answer_carries_retry_after_in_whole_seconds():
    throttled = error_response(ServiceUnavailable("busy", retry_after=7))
    assert throttled.status_code == 503 and throttled.headers["Retry-After"] == "7"
    assert throttled.mimetype == "application/problem+json"
    assert json.loads(throttled.get_body())["status"] == 503

    class OtherUnavailable(BookMeError):
        status = 503

    assert error_response(OtherUnavailable("identity provider down")).headers["Retry-After"] == "2"
    assert "Retry-After" not in error_response(Conflict("taken")).headers


def test_the_fault_proxy_meets_each_fault_in_its_share_of_draws():
    faults = Faults(throttle=0.4, unavailable=0.15, lost_answer=0.05)
    assert [faults.pick(d) for d in (0.0, 0.39, 0.4, 0.54, 0.55, 0.59, 0.61, 0.99)] == [
        "throttle", "throttle", "unavailable", "unavailable", "lost_answer", "lost_answer", None, None]


@pytest.mark.parametrize("status", [404, 409, 412])
def test_a_refused_batch_that_escapes_answers_as_the_refusal_it_carries_never_a_500(status):
    from shared.errors import NotFound, PreconditionFailed
    from shared.ports import BatchRejected, Op

    carried = {404: NotFound, 409: Conflict, 412: PreconditionFailed}[status]("refused")
    response = error_response(BatchRejected(Op("replace", "m1", {}, "e1"), carried))
    assert response.status_code == status
    assert json.loads(response.get_body())["detail"] == "refused"


def test_a_413_from_cosmos_is_a_400_not_a_500():
    assert translate(cosmos_error(413)).status == 400
