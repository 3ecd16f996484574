"""GET /api/health, and problem details for every route no function serves."""

import json

import azure.functions as func

from functions.http import asked_path, problem, with_request_id

bp = func.Blueprint()


@bp.route(route="health", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
@with_request_id
async def health(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse(json.dumps({"status": "ok"}), mimetype="application/json")


# The catch-all route has the lowest precedence in the Functions host, so it answers
# only what no other function matches.
@bp.route(route="{*path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"], auth_level=func.AuthLevel.ANONYMOUS)
@with_request_id
async def not_found(req: func.HttpRequest) -> func.HttpResponse:
    return problem(404, "Not Found", f"No resource at {asked_path(req.url)}.")
