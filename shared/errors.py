"""The one error hierarchy of BookMe. Adapters translate third-party errors into these;
the HTTP layer maps them to problem details in exactly one place."""


class BookMeError(Exception):
    """Base of every error BookMe raises on purpose."""

    status = 500
    title = "Internal Server Error"

    def __init__(self, detail: str = "", errors: dict[str, list[str]] | None = None,
                 extensions: dict[str, object] | None = None):
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.errors = errors
        self.extensions = extensions or {}  # extra top-level members of the problem details (RFC 9457)


class InvalidRequest(BookMeError):
    """The request is malformed or fails validation."""

    status = 400
    title = "Bad Request"


def invalid(field: str, message: str) -> InvalidRequest:
    """A 400 naming the one field (or parameter) that is wrong."""
    return InvalidRequest(message, {field: [message]})


class Unauthenticated(BookMeError):
    """No bearer token, or one that is not valid here."""

    status = 401
    title = "Unauthorized"


class Forbidden(BookMeError):
    """A valid token without the role the operation needs."""

    status = 403
    title = "Forbidden"


class NotFound(BookMeError):
    """No such route or resource."""

    status = 404
    title = "Not Found"


class MethodNotAllowed(BookMeError):
    """The route exists but not for this HTTP method."""

    status = 405
    title = "Method Not Allowed"


class Conflict(BookMeError):
    """The change collides with the current state: time taken, duplicate name, in use."""

    status = 409
    title = "Conflict"


class HoldLost(Conflict):
    """The time a booking-page customer held has run out, or was taken before they confirmed."""


class SignInRequired(Forbidden):
    """The booking page's portal signs its customers in, and this one has not (or no longer is)."""


class Unprocessable(BookMeError):
    """Well-formed, but cannot be processed as sent: an Idempotency-Key reused with another body."""

    status = 422
    title = "Unprocessable Content"


class PreconditionFailed(BookMeError):
    """If-Match does not match the current version."""

    status = 412
    title = "Precondition Failed"


class PayloadTooLarge(BookMeError):
    """The request body is over the limit."""

    status = 413
    title = "Payload Too Large"


class TooManyRequests(BookMeError):
    """A client made more of something than its limit allows in a while (the booking page's holds)."""

    status = 429
    title = "Too Many Requests"


class BadGateway(BookMeError):
    """A service behind BookMe answered, but not with anything usable (an identity provider's ID token)."""

    status = 502
    title = "Bad Gateway"


class ServiceUnavailable(BookMeError):
    """A backing service is down or throttling; the client may retry after `retry_after` seconds.
    Raised only when the request changed nothing (see shared/services/booking for commits)."""

    status = 503
    title = "Service Unavailable"

    def __init__(self, detail: str = "", retry_after: int = 2):
        super().__init__(detail)
        self.retry_after = max(1, retry_after)


class UnreadableMessage(BookMeError):
    """A queue message no retry can make readable: it is set aside at once (shared/services/queue_messages.py)."""


class TargetUnreachable(ServiceUnavailable):
    """A webhook receiver gave no answer: refused, timed out, or its address is not allowed."""


class GraphUnavailable(ServiceUnavailable):
    """Microsoft Graph gave no answer in time or failed (5xx): the Outlook sync tries again later."""


class GraphThrottled(GraphUnavailable):
    """Graph throttled a mailbox (429, or 503 with Retry-After): its next call waits `retry_after` seconds."""


class GraphRefused(BadGateway):
    """Graph refused a request in a way no retry changes (a 4xx other than 404, 410 and 429)."""


class DeltaExpired(BookMeError):
    """Graph no longer knows where a mailbox's delta query stood (410 Gone): sync it again from scratch."""
