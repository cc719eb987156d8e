from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Rehabdesk clinic configuration"
admin.site.site_title = "Rehabdesk"
admin.site.index_title = "Clinic configuration"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("rehabdesk.web.urls")),
]
