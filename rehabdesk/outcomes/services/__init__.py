"""Writes of outcome measures, each owning its transaction: requests (requests.py),
results (results.py), the clinic's licensed wording (wording.py)."""

from rehabdesk.outcomes.services.requests import (
    measure_link,
    measure_request_create,
    measure_request_send,
    measure_requests_cancel,
    measure_requests_send_due,
    token_digest,
)
from rehabdesk.outcomes.services.results import measure_result_record
from rehabdesk.outcomes.services.wording import wording_check, wording_publish

__all__ = [
    "measure_link",
    "measure_request_create",
    "measure_request_send",
    "measure_requests_cancel",
    "measure_requests_send_due",
    "measure_result_record",
    "token_digest",
    "wording_check",
    "wording_publish",
]
