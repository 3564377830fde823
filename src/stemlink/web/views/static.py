"""The back office's own CSS and JavaScript (and the admin's), served by the application itself.

Stemlink runs on one machine under gunicorn with nothing in front of it, so there is no web
server to hand /static/ to. The files are found where `collectstatic` would find them (the apps'
static folders), read-only, never outside them, with a cache lifetime so a browser asks once.
"""

from __future__ import annotations

import mimetypes

from django.contrib.staticfiles import finders
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_safe

CACHE_SECONDS = 3600


@require_safe
def static_file(request: HttpRequest, path: str) -> FileResponse:
    found = finders.find(path)
    if not found or isinstance(found, list):
        raise Http404("No such static file.")
    content_type, encoding = mimetypes.guess_type(found)
    response = FileResponse(open(found, "rb"), content_type=content_type or "application/octet-stream")  # noqa: SIM115
    if encoding:
        response.headers["Content-Encoding"] = encoding
    response.headers["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
