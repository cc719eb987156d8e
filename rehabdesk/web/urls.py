"""Every page's address, by audience: each module keeps its own urlpatterns."""

from django.urls import URLPattern

from rehabdesk.web import (
    csp_reports,
    factor_views,
    feed_views,
    security_views,
    sms_webhooks,
    views,
)
from rehabdesk.web.online import details_views, done_views, review_views, time_views
from rehabdesk.web.portal import consent_views as portal_consent_views
from rehabdesk.web.portal import exercise_views as portal_exercise_views
from rehabdesk.web.portal import feed_views as portal_feed_views
from rehabdesk.web.portal import (
    intake_views,
    manage_views,
    my_views,
    password_views,
    receipt_views,
)
from rehabdesk.web.portal import lockbox_views as portal_lockbox_views
from rehabdesk.web.portal import measure_views as portal_measure_views
from rehabdesk.web.portal import package_views as portal_package_views
from rehabdesk.web.portal import privacy_access_views as portal_privacy_access_views
from rehabdesk.web.portal import privacy_views as portal_privacy_views
from rehabdesk.web.public import guide_views, pictures_views
from rehabdesk.web.public import views as public_views
from rehabdesk.web.staff import (
    account_views,
    api_token_views,
    billing_views,
    book_at_views,
    booking_views,
    chart_views,
    checkout_views,
    consent_views,
    dayend_views,
    desk_views,
    document_views,
    exercise_views,
    hours_views,
    lockbox_views,
    measure_views,
    note_overdue_views,
    note_sign_views,
    note_views,
    patient_status_views,
    patient_views,
    payment_views,
    plan_booking_views,
    plan_views,
    privacy_access_views,
    privacy_views,
    registrations_views,
    report_views,
    safety_views,
    schedule_views,
    series_views,
    waitlist_views,
    webhook_views,
)
from rehabdesk.web.staff import (
    feed_views as staff_feed_views,
)
from rehabdesk.web.staff import (
    intake_views as staff_intake_views,
)
from rehabdesk.web.staff import (
    package_views as staff_package_views,
)
from rehabdesk.web.staff import (
    receipt_views as staff_receipt_views,
)

urlpatterns: list[URLPattern] = (
    views.urlpatterns
    # Signing in with two factors, each person's account security, the manager's resets.
    + factor_views.urlpatterns
    + security_views.urlpatterns
    # The staff: patients, schedules, booking by phone, the desk and hours.
    + registrations_views.urlpatterns
    + patient_views.urlpatterns
    + patient_status_views.urlpatterns
    + schedule_views.urlpatterns
    + booking_views.urlpatterns
    + book_at_views.urlpatterns
    + series_views.urlpatterns
    + desk_views.urlpatterns
    + waitlist_views.urlpatterns
    + hours_views.urlpatterns
    + staff_intake_views.urlpatterns
    + safety_views.urlpatterns
    + consent_views.urlpatterns
    + note_views.urlpatterns
    + note_sign_views.urlpatterns
    + note_overdue_views.urlpatterns
    + chart_views.urlpatterns
    + measure_views.urlpatterns
    + plan_views.urlpatterns
    + plan_booking_views.urlpatterns
    + report_views.urlpatterns
    + document_views.urlpatterns
    + exercise_views.urlpatterns
    # The lockbox: openings past it, the desk's directives, the privacy officer's review.
    + lockbox_views.urlpatterns
    # Sign-ins: a patient's (reset link, e-mail), one's own password, lockouts.
    + account_views.urlpatterns
    # API tokens: each member of staff's own, the manager's of every one.
    + api_token_views.urlpatterns
    # Webhooks: the manager's endpoints, their delivery log and test events.
    + webhook_views.urlpatterns
    # The desk's billing: check-out, invoices, payments, day-end.
    + checkout_views.urlpatterns
    + billing_views.urlpatterns
    + payment_views.urlpatterns
    + staff_package_views.urlpatterns
    + dayend_views.urlpatterns
    + staff_receipt_views.urlpatterns
    # The privacy officer: access and correction requests, the breach log.
    + privacy_views.urlpatterns
    # The privacy officer: the clinic-wide access report.
    + privacy_access_views.urlpatterns
    # Everyone: the public site, and booking online.
    + public_views.urlpatterns
    + pictures_views.urlpatterns
    + guide_views.urlpatterns
    + time_views.urlpatterns
    + details_views.urlpatterns
    + review_views.urlpatterns
    + done_views.urlpatterns
    # Patients: the portal, a booking managed from its e-mailed link, passwords.
    + my_views.urlpatterns
    + portal_consent_views.urlpatterns
    + manage_views.urlpatterns
    + intake_views.urlpatterns
    + password_views.urlpatterns
    + receipt_views.urlpatterns
    + portal_package_views.urlpatterns
    + portal_exercise_views.urlpatterns
    + portal_measure_views.urlpatterns
    + portal_lockbox_views.urlpatterns
    + portal_privacy_views.urlpatterns
    + portal_privacy_access_views.urlpatterns
    # Browsers: what the Content-Security-Policy blocked.
    + csp_reports.urlpatterns
    # Twilio: delivery reports and patients' replies to text messages (signed).
    + sms_webhooks.urlpatterns
    # Calendar feeds: subscribing (a practitioner, a patient), the manager's list, and
    # the feeds calendar programs fetch by their secret address.
    + staff_feed_views.urlpatterns
    + portal_feed_views.urlpatterns
    + feed_views.urlpatterns
)
