"""The clinic's logo and practitioners' photos, served from the database.

A picture's address is its SHA-256 (clinic/models/pictures.py), so what an address
shows never changes: browsers and proxies may keep it for a year without asking again.
The type sent is the one read from the bytes at upload, and `nosniff` tells browsers to
believe it, so a picture is never run as anything else.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.urls import URLPattern, path, register_converter
from django.views.decorators.http import require_safe

from rehabdesk.clinic import selectors

KEPT_FOR_A_YEAR = "public, max-age=31536000, immutable"


class Sha256Converter:
    regex = "[0-9a-f]{64}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(Sha256Converter, "sha256")


@require_safe
def picture(request: HttpRequest, sha256: str) -> HttpResponse:
    etag = f'"{sha256}"'
    if etag in request.headers.get("If-None-Match", ""):
        response: HttpResponse = HttpResponseNotModified()
    else:
        shown = selectors.picture_shown(sha256=sha256)
        if shown is None:
            raise Http404("No such picture.")
        response = HttpResponse(bytes(shown.data), content_type=shown.content_type)
    response["ETag"] = etag
    response["Cache-Control"] = KEPT_FOR_A_YEAR
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


urlpatterns: list[URLPattern] = [
    path("pictures/<sha256:sha256>/", picture, name="picture"),
]
