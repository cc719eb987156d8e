"""Rendering a message: the subject one short line, the HTML escaped, the text not."""

import pytest
from django.template import TemplateDoesNotExist

from rehabdesk.notifications.models import SUBJECT_MAX_LENGTH
from rehabdesk.notifications.rendering import render_message
from rehabdesk.notifications.testing import KINDS, booking_context


def test_it_escapes_the_html_and_leaves_the_text_as_written():
    rendered = render_message(
        "booking_confirmation",
        booking_context(greeting_name="Zoë O'Brien <script>alert(1)</script> & Sons"),
    )
    assert "Hello Zoë O'Brien <script>alert(1)</script> & Sons," in rendered.body_text
    assert "<script>" not in rendered.body_html
    assert (
        "Hello Zoë O&#x27;Brien &lt;script&gt;alert(1)&lt;/script&gt; &amp; Sons,"
        in rendered.body_html
    )


def test_it_does_not_escape_the_subject():
    rendered = render_message(
        "booking_confirmation", booking_context(start_local="Monday, May 3 at 9:00 AM & later")
    )
    assert rendered.subject == "Your appointment is booked for Monday, May 3 at 9:00 AM & later"


def test_it_makes_the_subject_one_line_and_tidies_the_text():
    rendered = render_message(
        "booking_confirmation", booking_context(start_local="Monday,\n  May 3  at 9:00 AM")
    )
    assert rendered.subject == "Your appointment is booked for Monday, May 3 at 9:00 AM"
    assert rendered.body_text.startswith("Hello Grace Green,\n\nYour appointment is booked.")
    assert rendered.body_text.endswith("please call.\n")
    assert "\n\n\n" not in rendered.body_text
    assert all(line == line.rstrip() for line in rendered.body_text.splitlines())


def test_it_gives_the_html_its_subject_as_title():
    rendered = render_message("booking_confirmation", booking_context())
    assert rendered.body_html.startswith("<!DOCTYPE html>")
    assert f"<title>{rendered.subject}</title>" in rendered.body_html
    assert '<html lang="en">' in rendered.body_html


def test_it_refuses_a_context_missing_a_name_the_template_uses():
    context = booking_context()
    del context["practitioner_name"]
    with pytest.raises(ValueError, match=r"uses \{\{ practitioner_name \}\}"):
        render_message("booking_confirmation", context)


def test_it_renders_none_as_empty():
    rendered = render_message("booking_cancelled", booking_context(cancel_reason=None))
    assert "None" not in rendered.body_text
    assert "has been cancelled.\n" in rendered.body_text


def test_it_refuses_a_subject_over_the_limit():
    with pytest.raises(ValueError, match=f"at most {SUBJECT_MAX_LENGTH}"):
        render_message("booking_confirmation", booking_context(start_local="x" * 100))


@pytest.mark.parametrize("name", ["../secrets", "Booking", "booking.html", ""])
def test_it_refuses_a_malformed_template_name(name):
    with pytest.raises(ValueError, match="lower-case slug"):
        render_message(name, booking_context())


def test_it_refuses_a_kind_without_templates():
    with pytest.raises(TemplateDoesNotExist, match="no_such_kind_subject.txt"):
        render_message("no_such_kind", booking_context())


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_renders_text_and_html(kind):
    rendered = render_message(kind, booking_context())
    assert 0 < len(rendered.subject) <= SUBJECT_MAX_LENGTH
    assert "Grace Green" in rendered.body_text
    assert "Grace Green" in rendered.body_html
    assert "Wednesday, March 10, 2027 at 10:00 AM" in rendered.body_text
