"""The desk checks a visit out: the check-out page (the visit's line priced with its
tax, products, a discount with its reason, a third party billed from the patient's
coverage, a package drawn from) issues the invoice in one service call; a
late-cancellation or no-show fee is charged (an invoice) or waived with a reason.

HTTP only: access/billing.py decides who may (CHANGE_BILLING on the visit's patient)
and puts the look on file; billing.services decide the rules, write and audit. A
refusal is shown beside the form, never a 500.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from rehabdesk.access.billing import checkout_for
from rehabdesk.billing import services as billing
from rehabdesk.billing.errors import BillingError, BillingErrorCode
from rehabdesk.billing.models import Invoice
from rehabdesk.billing.numbering import display_number
from rehabdesk.billing.selectors import BillingState, VisitBilling, visit_billing
from rehabdesk.clinic.selectors import service_price_on
from rehabdesk.core.money import format_money
from rehabdesk.scheduling.models import Appointment
from rehabdesk.web.refusals import page_status
from rehabdesk.web.staff.billing_forms import CheckoutForm, FeeWaiveForm, refusal_to_form
from rehabdesk.web.staff.billing_links import acting_user, back_to


def _state(appointment: Appointment) -> VisitBilling | None:
    return visit_billing([appointment.pk]).get(appointment.pk)


@require_http_methods(["GET", "POST"])
@login_required
def checkout(request: HttpRequest, appointment_id: int) -> HttpResponse:
    appointment = checkout_for(
        user=request.user, appointment_id=appointment_id, view=request.method == "GET"
    )
    state = _state(appointment)
    if state and state.invoice_id and state.state in (BillingState.OWING, BillingState.PAID):
        messages.info(request, "This visit is invoiced already.")
        return redirect("billing-invoice", invoice_id=state.invoice_id)
    form = CheckoutForm(request.POST if request.method == "POST" else None, appointment=appointment)
    refusal = None
    if request.method == "POST" and form.is_valid():
        try:
            invoice = _issue(request, appointment, form)
        except BillingError as refused:
            standing = _state(appointment)
            if (
                refused.code == BillingErrorCode.ALREADY_INVOICED
                and standing
                and standing.invoice_id
            ):
                # Another desk checked the visit out a moment before: show theirs.
                messages.info(request, refused.message)
                return redirect("billing-invoice", invoice_id=standing.invoice_id)
            refusal = refused
            refusal_to_form(form, refused)
        else:
            messages.success(
                request,
                f"Invoice {display_number(invoice.number)} issued: {format_money(invoice.total)}.",
            )
            return redirect("billing-invoice", invoice_id=invoice.pk)
    zone = appointment.location.zone
    service_date = appointment.start.astimezone(zone).date()
    return render(
        request,
        "web/billing/checkout.html",
        {
            "appointment": appointment,
            "patient": appointment.patient,
            "local_start": appointment.start.astimezone(zone),
            "quote": service_price_on(service=appointment.service, on=service_date),
            "form": form,
        },
        status=page_status(refusal),
    )


def _issue(request: HttpRequest, appointment: Appointment, form: CheckoutForm) -> Invoice:
    data = form.cleaned_data
    third_party = None
    if data["payer"] is not None:
        third_party = billing.ThirdParty(
            payer=data["payer"],
            payer_share=data["payer_share"] or Decimal("0.00"),
            claim_number=data["claim_number"].strip(),
            coverage=data["coverage"],
        )
    return billing.invoice_for_visit(
        appointment=appointment,
        by=acting_user(request),
        now=timezone.now(),
        products=[
            billing.ProductLine(
                product=product, quantity=quantity, discount=discount, discount_reason=reason
            )
            for product, quantity, discount, reason in form.product_rows()
        ],
        discount=data["discount"] or Decimal("0.00"),
        discount_reason=data["discount_reason"].strip(),
        third_party=third_party,
        package=data["package"],
    )


@require_POST
@login_required
def fee_charge(request: HttpRequest, appointment_id: int) -> HttpResponse:
    appointment = checkout_for(user=request.user, appointment_id=appointment_id, view=False)
    try:
        invoice = billing.invoice_for_fee(
            appointment=appointment, by=acting_user(request), now=timezone.now()
        )
    except BillingError as refused:
        messages.error(request, refused.message)
        return redirect(back_to(request, _appointment_url(appointment)))
    messages.success(
        request,
        f"Fee charged: invoice {display_number(invoice.number)}, {format_money(invoice.total)}.",
    )
    return redirect("billing-invoice", invoice_id=invoice.pk)


@require_http_methods(["GET", "POST"])
@login_required
def fee_waive(request: HttpRequest, appointment_id: int) -> HttpResponse:
    appointment = checkout_for(
        user=request.user, appointment_id=appointment_id, view=request.method == "GET"
    )
    form = FeeWaiveForm(request.POST if request.method == "POST" else None)
    refusal = None
    if request.method == "POST" and form.is_valid():
        try:
            billing.fee_waive(
                appointment=appointment,
                reason=form.cleaned_data["reason"].strip(),
                by=acting_user(request),
                now=timezone.now(),
            )
        except BillingError as refused:
            refusal = refused
            refusal_to_form(form, refused)
        else:
            messages.success(request, "Fee waived.")
            return redirect(back_to(request, _appointment_url(appointment)))
    return render(
        request,
        "web/billing/fee_waive.html",
        {
            "appointment": appointment,
            "patient": appointment.patient,
            "local_start": appointment.start.astimezone(appointment.location.zone),
            "fee": format_money(appointment.fee_due) if appointment.fee_due else "",
            "form": form,
            "next": request.GET.get("next") or request.POST.get("next", ""),
        },
        status=page_status(refusal),
    )


def _appointment_url(appointment: Appointment) -> str:
    return reverse("appointment-detail", kwargs={"appointment_id": appointment.pk})


urlpatterns: list[URLPattern] = [
    path("staff/appointments/<int:appointment_id>/checkout/", checkout, name="billing-checkout"),
    path(
        "staff/appointments/<int:appointment_id>/fee/charge/", fee_charge, name="billing-fee-charge"
    ),
    path("staff/appointments/<int:appointment_id>/fee/waive/", fee_waive, name="billing-fee-waive"),
]
