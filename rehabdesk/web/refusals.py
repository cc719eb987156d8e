"""The status of a page that shows a refusal: the one table's (access/refusals.py),
read the way pages are read.

A rule the request breaks as it stands (422 in the table) is shown beside the form,
with the form again, like any form's errors: 200, as Django answers an invalid form.
A refusal that stands in place of what was asked keeps the table's status: a time
taken meanwhile, shown with the nearest free times (409), or too many requests (429).
"""

from __future__ import annotations

from http import HTTPStatus

from rehabdesk.access.refusals import http_status
from rehabdesk.core.errors import DomainError


def page_status(refusal: DomainError | None) -> HTTPStatus:
    if refusal is None:
        return HTTPStatus.OK
    status = http_status(refusal.code)
    return HTTPStatus.OK if status == HTTPStatus.UNPROCESSABLE_ENTITY else status
