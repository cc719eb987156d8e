"""The portal's packages, /my/packages/: each pre-paid package of the signed-in patient
and of each dependent whose bookings they manage — the offer's name, the visits left of
its visits, the expiry date, and whether it has expired.

HTTP only: rehabdesk.access.billing authorizes (VIEW_BILLING) and puts the look on
file, one event linking everyone listed.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from rehabdesk.access.billing import packages_of_family_for
from rehabdesk.web.portal.my_views import own_patient_id


@never_cache
@require_GET
@login_required
def my_packages(request: HttpRequest) -> HttpResponse:
    own_id = own_patient_id(request)
    people = packages_of_family_for(user=request.user, on=timezone.localdate())
    return render(request, "web/my/packages.html", {"people": people, "own_id": own_id})


urlpatterns: list[URLPattern] = [
    path("my/packages/", my_packages, name="my-packages"),
]
