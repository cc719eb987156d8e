"""The booking kinds keep their promises to template authors and to patients
(templates/notifications/README.md)."""

import pytest

from rehabdesk.notifications.models import SUBJECT_MAX_LENGTH
from rehabdesk.notifications.rendering import render_message
from rehabdesk.notifications.testing import KINDS, booking_context

COMMON_KEYS = {
    "clinic_name",
    "clinic_phone",
    "patient_name",
    "greeting_name",
    "whose_appointment",
    "for_whom",
    "service_name",
    "practitioner_name",
    "location_name",
    "location_address",
    "location_phone",
    "start_local",
    "duration_minutes",
    "cancellation_notice_hours",
    "price_text",
    "manage_link",
    "what_to_bring",
}
EXTRA_KEYS = {
    "booking_confirmation": set(),
    "booking_changed": {"previous_start_local"},
    "booking_cancelled": {"cancel_reason", "late_cancellation_fee_text"},
    "waitlist_offer": {"offer_expires_local", "respond_text"},
    "booking_outside_hours": {"other_times"},
}
# The longest a formatted time gets: the longest weekday and month names.
LONGEST_START = "Wednesday, September 29, 2027 at 10:30 AM"


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_needs_only_the_documented_context(kind):
    keys = COMMON_KEYS | EXTRA_KEYS[kind]
    context = {key: value for key, value in booking_context().items() if key in keys}
    rendered = render_message(kind, context)
    assert rendered.body_text
    assert rendered.body_html


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("whose", [("Your appointment", "you"), ("Maya's appointment", "Maya")])
def test_no_subject_carries_health_detail_or_names(kind, whose):
    context = booking_context(
        whose_appointment=whose[0],
        for_whom=whose[1],
        service_name="Internal pelvic physiotherapy assessment",
        practitioner_name="Jordan Physio-Lee",
        patient_name="Grace Green",
        cancel_reason="concussion flare-up",
        start_local=LONGEST_START,
        previous_start_local=LONGEST_START,
        offer_expires_local=LONGEST_START,
    )
    subject = render_message(kind, context).subject
    assert len(subject) <= SUBJECT_MAX_LENGTH
    for detail in ("pelvic", "physio", "Jordan", "Grace", "Maya", "concussion", "Pro Fusion"):
        assert detail.lower() not in subject.lower()
    assert LONGEST_START in subject


@pytest.mark.parametrize("kind", KINDS)
def test_each_html_is_simple_and_accessible(kind):
    html = render_message(kind, booking_context()).body_html
    assert '<html lang="en">' in html
    assert 'role="article"' in html
    assert '<th scope="row"' in html or kind == "booking_cancelled"
    assert "<img" not in html
    assert "<script" not in html
    assert "<style" not in html  # inline styles only: mail programs strip style blocks


def test_a_cancellation_mentions_the_reason_and_fee_only_when_given():
    plain = render_message("booking_cancelled", booking_context()).body_text
    assert "fee" not in plain
    assert "cancelled." in plain
    charged = render_message(
        "booking_cancelled",
        booking_context(cancel_reason="at your request", late_cancellation_fee_text="$47.50"),
    )
    assert "has been cancelled (at your request)." in charged.body_text
    assert "late-cancellation fee of $47.50 applies" in charged.body_text
    assert "<strong>$47.50</strong>" in charged.body_html


def test_a_change_shows_the_time_before_and_after():
    rendered = render_message(
        "booking_changed",
        booking_context(previous_start_local="Tuesday, March 9, 2027 at 2:30 PM"),
    )
    assert "booked for Tuesday, March 9, 2027 at 2:30 PM" in rendered.body_text
    assert "When:   Wednesday, March 10, 2027 at 10:00 AM" in rendered.body_text
    assert (
        rendered.subject
        == "Your appointment has changed: now Wednesday, March 10, 2027 at 10:00 AM"
    )


def test_a_waitlist_offer_says_until_when_and_how_to_take_it():
    rendered = render_message(
        "waitlist_offer",
        booking_context(
            offer_expires_local="Tuesday, March 9, 2027 at 6:00 PM",
            respond_text="call us at 905-555-0142",
        ),
    )
    text = rendered.body_text
    assert "until Tuesday, March 9, 2027 at 6:00 PM. To take it, or to let it go" in text
    link = "https://clinic.example/manage/sample-token/"
    assert f"{link}\nYou can also call us at 905-555-0142." in text
    assert 'href="https://clinic.example/manage/sample-token/"' in rendered.body_html
