"""Where the billing pages send the desk next: back to the page it came from (a path
on this site only), and the receipt links of the receipts' pages when they exist."""

from __future__ import annotations

from decimal import Decimal

from django.http import Http404, HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme

from rehabdesk.accounts.models import User
from rehabdesk.billing.models import ZERO, Invoice
from rehabdesk.billing.selectors import outstanding_invoices
from rehabdesk.billing.selectors.accounts import payer_outstanding_invoices


def owed_by_party(invoice: Invoice) -> tuple[Decimal, Decimal]:
    """What the patient, and what the payer, still owe on the invoice (two queries at
    most: billing.selectors.accounts splits what is owed by party)."""
    patient = next(
        (
            row.owing
            for row in outstanding_invoices([invoice.patient_id])
            if row.invoice.pk == invoice.pk
        ),
        ZERO,
    )
    payer = ZERO
    if invoice.payer_id is not None:
        payer = next(
            (
                row.owing
                for row in payer_outstanding_invoices(invoice.payer_id, invoice.patient_id)
                if row.invoice.pk == invoice.pk
            ),
            ZERO,
        )
    return patient, payer


def acting_user(request: HttpRequest) -> User:
    """Who acts, for the billing services (`by`): a signed-in account (the views are
    login_required, so anything else is a bug, answered 404)."""
    if not isinstance(request.user, User):
        raise Http404("Sign in first.")
    return request.user


def back_to(request: HttpRequest, default: str) -> str:
    """`next` from the form or the address, when it is a path of ours; else `default`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if (
        target.startswith("/")
        and not target.startswith("//")
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return default


def optional_url(name: str, **kwargs: int) -> str:
    """The address of a page another part of the staff site may offer (the receipt's
    download and e-mail), or "" while it has none."""
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return ""
