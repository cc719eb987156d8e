"""The one shape of a refusal: a code to branch on, a message for the person at the
screen, the field at fault; Django's own validation turned into the same shape."""

from __future__ import annotations

from enum import StrEnum

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from rehabdesk.core.errors import DomainError
from rehabdesk.core.validation import first_error, full_clean_or_raise


class Code(StrEnum):
    INVALID = "invalid"


class Refused(DomainError):
    pass


def test_a_refusal_carries_its_code_message_and_field():
    error = Refused(Code.INVALID, "Add an e-mail address first.", field="email")
    assert (error.code, error.message, error.field) == (
        Code.INVALID,
        "Add an e-mail address first.",
        "email",
    )
    assert str(error) == "Add an e-mail address first."
    assert error.code == "invalid"  # compares as its text, for the API's answers


def test_a_refusal_shows_itself_plainly_in_a_log():
    assert repr(Refused(Code.INVALID, "No.")) == "Refused(invalid, 'No.', field=None)"


@pytest.mark.django_db
def test_a_field_problem_becomes_a_refusal_naming_the_field():
    with pytest.raises(Refused) as refused:
        full_clean_or_raise(Group(name=""), error_class=Refused, code=Code.INVALID)
    assert (refused.value.code, refused.value.field) == (Code.INVALID, "name")
    assert refused.value.message == "This field cannot be blank."


@pytest.mark.django_db
def test_a_unique_check_is_part_of_it():
    Group.objects.create(name="Front desk clones")
    with pytest.raises(Refused) as refused:
        full_clean_or_raise(Group(name="Front desk clones"), error_class=Refused, code=Code.INVALID)
    assert refused.value.field == "name"
    assert "already exists" in refused.value.message


@pytest.mark.django_db
def test_excluded_fields_are_not_checked():
    full_clean_or_raise(Group(name=""), error_class=Refused, code=Code.INVALID, exclude=["name"])


@pytest.mark.django_db
def test_a_valid_instance_passes_untouched():
    group = Group(name="Reception")
    full_clean_or_raise(group, error_class=Refused, code=Code.INVALID)
    assert group.pk is None


def test_the_first_message_of_the_first_field_is_the_one_shown():
    error = ValidationError(
        {"first_name": ["Required.", "Too long."], "email": ["Not an address."]}
    )
    assert first_error(error) == ("first_name", "Required.")


def test_a_problem_with_the_whole_row_names_no_field():
    error = ValidationError({NON_FIELD_ERRORS: ["These two are already linked."]})
    assert first_error(error) == (None, "These two are already linked.")


def test_a_plain_validation_error_names_no_field():
    assert first_error(ValidationError(["Closed that day.", "And the next."])) == (
        None,
        "Closed that day.",
    )
    assert first_error(ValidationError("Closed.")) == (None, "Closed.")


def test_a_field_without_messages_is_skipped():
    error = ValidationError({"first_name": [], "email": ["Not an address."]})
    assert first_error(error) == ("email", "Not an address.")
