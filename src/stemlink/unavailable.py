"""When the database cannot be reached: answer 503 with Retry-After, never a traceback or a 500.

A database that is restarting, failing over or cut off by the network raises Django's
`OperationalError` or `InterfaceError` from wherever the request first touches it (a view, the
session or authentication middleware). Django then calls the 500 handler inside its exception
handling; `server_error` below looks at that exception and, for these two, answers:

- under `/api/`: the API's JSON envelope, `errorCode` `unavailable`, HTTP 503, `Retry-After`;
- elsewhere (the back office): a plain 503 page saying to try again shortly.

One more path reaches the same answer: a back-office request whose session cannot be saved at its
end (the database went away while the view ran, e.g. a sign-in during an outage) makes Django's
session middleware raise `SessionInterrupted`, a `BadRequest`, which Django answers through its
400 handler, not the 500 one. `bad_request` looks at that exception's chain the same way, so the
sender gets the 503 saying to retry, not a 400 saying their request was wrong.

Nothing was written: the request's transaction, if any, did not commit. The connection is
dropped by Django's usual end-of-request check (CONN_HEALTH_CHECKS), so the same processes serve
again as soon as the database is back, without a restart. Anything else stays a 500.
"""

from __future__ import annotations

import sys

import orjson
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.views import defaults

RETRY_AFTER_SECONDS = 5
API_PREFIX = "/api/"
UNAVAILABLE_MESSAGE = (
    "The service is briefly unavailable (its database cannot be reached). Nothing was changed; "
    "please retry in a few seconds, with the same Idempotency-Key for writes."
)
INTERNAL_ERROR_MESSAGE = (
    "Something went wrong on our side while answering this call; it has been logged. "
    "Please try again, and contact the wholesaler if it keeps happening."
)
PAGE = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8">'
    "<title>Briefly unavailable · Stemlink</title></head><body>"
    "<h1>Stemlink is briefly unavailable</h1>"
    "<p>Its database cannot be reached just now. Nothing you sent was saved; please try again in "
    'a few seconds.</p><p><a href="/">Home</a></p></body></html>'
)


def is_database_unavailable(exc: BaseException | None) -> bool:
    """Tell whether an exception means the database could not be reached or the connection broke."""
    while exc is not None:
        if isinstance(exc, OperationalError | InterfaceError):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def unavailable_response(request: HttpRequest) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        body = orjson.dumps(
            {
                "status": 0,
                "message": UNAVAILABLE_MESSAGE,
                "errorCode": "unavailable",
                "retryAfter": RETRY_AFTER_SECONDS,
            }
        )
        response = HttpResponse(body, status=503, content_type="application/json")
    else:
        response = HttpResponse(PAGE, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's handler400: 503 when the request failed because the database went away."""
    if is_database_unavailable(exception):
        return unavailable_response(request)
    return defaults.bad_request(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's handler500: 503 for an unreachable database, the usual 500 answer otherwise."""
    if is_database_unavailable(sys.exc_info()[1]):
        return unavailable_response(request)
    if request.path.startswith(API_PREFIX):
        body = orjson.dumps({"status": 0, "message": INTERNAL_ERROR_MESSAGE, "errorCode": "internal_error"})
        return HttpResponse(body, status=500, content_type="application/json")
    return defaults.server_error(request)
