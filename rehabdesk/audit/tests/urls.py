"""A page that records an audit event, for the request-context tests only."""

from django.http import HttpResponse
from django.urls import path

from rehabdesk.audit.choices import AuditAction
from rehabdesk.audit.services import audit_record


def chart(request, patient_id):
    event = audit_record(
        actor=request.user,
        action=AuditAction.VIEW,
        object_type="patients.patient",
        object_id=patient_id,
        patient_ids=[patient_id],
        summary="patient record",
    )
    return HttpResponse(str(event.pk))


urlpatterns = [path("chart/<int:patient_id>/", chart)]
