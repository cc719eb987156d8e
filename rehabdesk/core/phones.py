"""Phone numbers in one form, E.164 ("+14165550199"), read as Canadian unless they say
otherwise: what text-message providers expect, and what makes two spellings of one
number ("416-555-0199", "(416) 555 0199") the same number."""

from __future__ import annotations

import phonenumbers

DEFAULT_REGION = "CA"


class PhoneNumberInvalid(ValueError):
    """Not a number anyone can be called or texted at."""


def to_e164(raw: str, *, region: str = DEFAULT_REGION) -> str:
    """`raw` as E.164; PhoneNumberInvalid when it is not a valid number (too short, too
    long, a made-up area code). A number without a country code is read in `region`."""
    text = (raw or "").strip()
    if not text or len(text) > 40:
        raise PhoneNumberInvalid("Not a phone number.")
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as error:
        raise PhoneNumberInvalid("Not a phone number.") from error
    if not phonenumbers.is_valid_number(number):
        raise PhoneNumberInvalid("Not a valid phone number.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def e164_or_blank(raw: str, *, region: str = DEFAULT_REGION) -> str:
    """`raw` as E.164, or "" when it is not a valid number (old records kept as typed)."""
    try:
        return to_e164(raw, region=region)
    except PhoneNumberInvalid:
        return ""
