"""POST /api/outlook/notifications: Microsoft Graph's change and lifecycle notifications for the
advisors' mailboxes (contract section 23). Not part of BookMe's API (no token: Graph cannot send
one); each notification must carry BookMe's clientState (OUTLOOK_CLIENT_STATE).

Graph's validation request (a `validationToken` query parameter) is answered with the token as
text/plain; a notification is answered 202 as soon as it is queued, well within Graph's 3 s, and
the delta query runs in the Outlook sync queue's function.
"""

import azure.functions as func

from functions.http import with_request_id
from shared.bootstrap import get_context

bp = func.Blueprint()


@bp.route(route="outlook/notifications", methods=["POST"], auth_level=func.AuthLevel.ANONYMOUS)
@with_request_id
async def outlook_notifications(req: func.HttpRequest) -> func.HttpResponse:
    from shared.rules.outlook_notifications import validation_token
    from shared.services.outlook import inbound  # imported by the first notification, not at cold start

    token = validation_token(dict(req.params))
    if token is not None:
        return func.HttpResponse(token, status_code=200, mimetype="text/plain", charset="utf-8")
    await inbound.accept(await get_context(), req.get_body())
    return func.HttpResponse(status_code=202)
