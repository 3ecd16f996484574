"""functions/http.py: every HTTP function answers with a request id, failures as problem details."""

import json

import azure.functions as func

from functions.http import with_request_id
from shared import request_ids
from shared.errors import NotFound


def _request(headers: dict[str, str] | None = None) -> func.HttpRequest:
    return func.HttpRequest("GET", "http://localhost/api/x", headers=headers or {}, body=b"")


async def test_an_unexpected_failure_is_a_500_problem_with_the_request_id():
    @with_request_id
    async def broken(req: func.HttpRequest) -> func.HttpResponse:
        raise RuntimeError("boom")

    response = await broken(_request({"X-Request-Id": "client-1"}))
    assert response.status_code == 500
    assert response.mimetype == "application/problem+json"
    assert json.loads(response.get_body())["status"] == 500
    assert response.headers["X-Request-Id"] == "client-1"


async def test_the_handler_runs_inside_its_request_id_and_errors_map_to_their_status():
    seen = []

    @with_request_id
    async def missing(req: func.HttpRequest) -> func.HttpResponse:
        seen.append(request_ids.current())
        raise NotFound("No such thing.")

    response = await missing(_request({"X-Request-Id": "bad id with spaces"}))
    assert response.status_code == 404
    assert seen == [response.headers["X-Request-Id"]] and seen[0] != "bad id with spaces"
    assert request_ids.current() == "-"


def test_the_wrapped_function_keeps_its_name_for_the_functions_index():
    async def employees(req: func.HttpRequest) -> func.HttpResponse:
        return func.HttpResponse("")

    assert with_request_id(employees).__name__ == "employees"


async def test_an_unexpected_failure_is_logged_without_its_message(caplog):
    email, cpr = "anne@example" + ".com", "010190" + "-1234"  # not in the source lines the frames show

    @with_request_id
    async def leaky(req: func.HttpRequest) -> func.HttpResponse:
        raise ValueError(f"customer {email} has cpr {cpr}")

    await leaky(_request())
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "Unhandled ValueError" in logged and "leaky" in logged
    assert "anne@example.com" not in logged and "010190" not in logged
