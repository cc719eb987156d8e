from django.contrib.auth import views as auth_views
from django.urls import path

from rehabdesk.web import (
    booking_views,
    desk_views,
    manage_views,
    my_views,
    online_views,
    password_views,
    patient_views,
    public_views,
    schedule_views,
    views,
)

urlpatterns = [
    path("start/", views.start, name="start"),
    path(
        "sign-in/",
        auth_views.LoginView.as_view(
            template_name="web/sign_in.html", redirect_authenticated_user=True
        ),
        name="sign-in",
    ),
    path("sign-out/", auth_views.LogoutView.as_view(), name="sign-out"),
    path(
        "staff/registrations/expiring/",
        views.registrations_expiring,
        name="registrations-expiring",
    ),
    path("staff/patients/", patient_views.patient_search, name="patient-search"),
    path("staff/patients/new/", patient_views.patient_new, name="patient-new"),
    path("staff/patients/<int:patient_id>/", patient_views.patient_detail, name="patient-detail"),
    path("staff/patients/<int:patient_id>/edit/", patient_views.patient_edit, name="patient-edit"),
    path(
        "staff/patients/<int:patient_id>/access-log/",
        patient_views.patient_access_log,
        name="patient-access-log",
    ),
    path(
        "staff/patients/<int:patient_id>/care-team/",
        patient_views.patient_care_add,
        name="patient-care-add",
    ),
    path(
        "staff/patients/<int:patient_id>/care-team/<int:assignment_id>/end/",
        patient_views.patient_care_end,
        name="patient-care-end",
    ),
    path(
        "staff/patients/<int:patient_id>/family/",
        patient_views.patient_family_add,
        name="patient-family-add",
    ),
    path(
        "staff/patients/<int:patient_id>/family/<int:link_id>/end/",
        patient_views.patient_family_end,
        name="patient-family-end",
    ),
    path(
        "staff/patients/<int:patient_id>/deactivate/",
        patient_views.patient_deactivate,
        name="patient-deactivate",
    ),
    path(
        "staff/patients/<int:patient_id>/reactivate/",
        patient_views.patient_reactivate,
        name="patient-reactivate",
    ),
    path(
        "staff/patients/<int:patient_id>/coverage/new/",
        patient_views.patient_coverage,
        name="patient-coverage-new",
    ),
    path(
        "staff/patients/<int:patient_id>/coverage/<int:coverage_id>/",
        patient_views.patient_coverage,
        name="patient-coverage-edit",
    ),
]

urlpatterns += (
    schedule_views.urlpatterns
    + booking_views.urlpatterns
    + desk_views.urlpatterns
    + public_views.urlpatterns
    + online_views.urlpatterns
    + my_views.urlpatterns
    + manage_views.urlpatterns
    + password_views.urlpatterns
)
