"""A patient asks for their record; the privacy officer extends once, refuses with a
reason, or releases the export — a PDF and a JSON bundle of the record as it stands —
downloaded once through a signed link, audited as EXPORT, the patient told by e-mail
with nothing of the record in it."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, timedelta

import pytest
from django.core import signing

from rehabdesk.audit.choices import AuditAction
from rehabdesk.audit.models import AuditEvent
from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.privacy import services
from rehabdesk.privacy.choices import RequestStatus
from rehabdesk.privacy.errors import PrivacyError, PrivacyErrorCode
from rehabdesk.privacy.models import AccessRequest
from rehabdesk.scheduling.testing import at

pytestmark = pytest.mark.django_db


def ask(personas, patient=None, now=None):
    return services.access_request_create(
        actor=personas.patient_a.user,
        patient=patient or personas.patient_a,
        details="",
        now=now or at(10, 9),
    )


def download(personas, request, now):
    request_id, digest = services.export_request_id(services.export_token(request), now=now)
    assert request_id == request.pk
    return services.export_download(
        actor=personas.patient_a.user, request=request, digest=digest, now=now
    )


def test_a_request_is_due_30_days_after_it_is_received(personas):
    request = ask(personas)
    assert (request.status, request.due_on, request.due) == (
        RequestStatus.RECEIVED,
        date(2027, 4, 9),
        date(2027, 4, 9),
    )
    event = AuditEvent.objects.get(object_type="privacy.access_request", action=AuditAction.CREATE)
    assert list(event.patient_links.values_list("patient_id", flat=True)) == [personas.patient_a.pk]


@pytest.mark.parametrize(
    ("days", "reason", "code"),
    [(31, "Records in storage", PrivacyErrorCode.INVALID), (10, "  ", PrivacyErrorCode.INVALID)],
)
def test_an_extension_is_up_to_30_days_with_a_reason(personas, officer, days, reason, code):
    request = ask(personas)
    with pytest.raises(PrivacyError) as refused:
        services.access_request_extend(
            actor=officer, request=request, days=days, reason=reason, now=at(11, 9)
        )
    assert refused.value.code == code
    assert AccessRequest.objects.get(pk=request.pk).extended_to is None


def test_phipa_allows_one_extension(personas, officer):
    request = ask(personas)
    extended = services.access_request_extend(
        actor=officer, request=request, days=30, reason="Paper records off site", now=at(11, 9)
    )
    assert extended.due == date(2027, 5, 9)
    (notice,) = OutboxMessage.objects.filter(kind="privacy_request_extended")
    assert "May 9, 2027" in notice.body_text
    assert "Paper records off site" in notice.body_text
    with pytest.raises(PrivacyError) as refused:
        services.access_request_extend(
            actor=officer, request=extended, days=5, reason="Again", now=at(12, 9)
        )
    assert refused.value.code == PrivacyErrorCode.EXTENDED


def test_a_refusal_says_why_and_is_final(personas, officer):
    request = ask(personas)
    with pytest.raises(PrivacyError) as refused:
        services.access_request_refuse(actor=officer, request=request, reason="", now=at(11, 9))
    assert refused.value.field == "refusal_reason"
    done = services.access_request_refuse(
        actor=officer, request=request, reason="Not the requester's record", now=at(11, 9)
    )
    assert done.status == RequestStatus.REFUSED
    with pytest.raises(PrivacyError) as again:
        services.access_request_release(actor=officer, request=done, now=at(11, 10))
    assert again.value.code == PrivacyErrorCode.DECIDED
    assert AccessRequest.objects.get(pk=request.pk).export_sha256 == ""


def test_the_release_holds_the_record_as_it_stands(personas, officer, signed):
    request = ask(personas)
    released = services.access_request_release(actor=officer, request=request, now=at(11, 9))
    assert released.status == RequestStatus.GRANTED
    bundle = json.loads(released.export_json)
    assert (bundle["format"], bundle["version"]) == ("rehabdesk-record-export", 1)
    assert bundle["patient"]["last_name"] == personas.patient_a.last_name
    assert [a["id"] for a in bundle["appointments"]] == [signed.appointment_id]
    (note,) = bundle["notes"]
    assert note["id"] == signed.pk
    assert "Low back pain, right side" in json.dumps(note["sections"])
    assert bytes(released.export_pdf).startswith(b"%PDF")


def test_the_patient_is_told_without_any_of_the_record(personas, officer, signed):
    services.access_request_release(actor=officer, request=ask(personas), now=at(11, 9))
    (message,) = OutboxMessage.objects.filter(kind="privacy_export_ready")
    assert message.recipient == personas.patient_a.email
    for text in (message.subject, message.body_text):
        assert "back pain" not in text.lower()
        assert "/my/privacy/requests/" in message.body_text
    assert personas.patient_a.first_name not in message.subject


def test_the_export_downloads_once_and_is_an_export_on_file(personas, officer, signed):
    released = services.access_request_release(actor=officer, request=ask(personas), now=at(11, 9))
    export = download(personas, released, at(12, 9))
    with zipfile.ZipFile(io.BytesIO(export.data)) as archive:
        assert sorted(archive.namelist()) == ["record.json", "record.pdf"]
        assert json.loads(archive.read("record.json"))["notes"][0]["id"] == signed.pk
    event = AuditEvent.objects.get(object_type="privacy.access_request", action=AuditAction.EXPORT)
    assert list(event.patient_links.values_list("patient_id", flat=True)) == [personas.patient_a.pk]
    kept = AccessRequest.objects.get(pk=released.pk)
    assert (kept.downloaded_at, kept.export_json, bytes(kept.export_pdf)) == (at(12, 9), "", b"")
    with pytest.raises(PrivacyError) as again:
        download(personas, kept, at(12, 10))
    assert again.value.code == PrivacyErrorCode.LINK_USED
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).count() == 1


def test_a_link_past_its_days_or_forged_is_refused(personas, officer):
    released = services.access_request_release(actor=officer, request=ask(personas), now=at(11, 9))
    late = at(11, 9) + timedelta(days=services.LINK_DAYS, minutes=1)
    with pytest.raises(PrivacyError) as expired:
        services.export_download(
            actor=personas.patient_a.user,
            request=released,
            digest=released.export_sha256[:16],
            now=late,
        )
    assert expired.value.code == PrivacyErrorCode.LINK_EXPIRED
    forged = signing.dumps({"r": released.pk, "d": "0" * 16}, salt="another")
    with pytest.raises(PrivacyError) as bad:
        services.export_request_id(forged, now=at(11, 10))
    assert bad.value.code == PrivacyErrorCode.LINK_EXPIRED
    assert AccessRequest.objects.get(pk=released.pk).downloaded_at is None
