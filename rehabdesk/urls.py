from django.contrib import admin
from django.urls import include, path

from rehabdesk.api.urls import api

admin.site.site_header = "Rehabdesk clinic configuration"
admin.site.site_title = "Rehabdesk"
admin.site.index_title = "Clinic configuration"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("fhir/", include("rehabdesk.fhir.urls")),
    path("", include("rehabdesk.web.urls")),
]
