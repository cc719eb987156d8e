"""The desk takes money and gives it back: a payment (method, amount — what is owed,
unless the desk types another — and the terminal's reference), all that a patient
owes paid at once, and a refund of a patient's credit with a reason.

HTTP only: access/billing.py authorizes (CHANGE_BILLING on the patient) and
billing.services write, allocate and audit; a refusal (a closed day, more than was
paid, nothing owing) is shown beside the form.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from rehabdesk.access.accessors import require
from rehabdesk.access.billing import billing_patient_for, invoice_for, payment_for
from rehabdesk.access.policy import Action, Capability
from rehabdesk.billing import services as billing
from rehabdesk.billing.errors import BillingError
from rehabdesk.billing.models import ZERO, Invoice
from rehabdesk.billing.numbering import display_number
from rehabdesk.billing.selectors.accounts import unallocated_by_payment
from rehabdesk.clinic.selectors import location_home_among, locations_active
from rehabdesk.core.money import format_money
from rehabdesk.patients.models import Patient
from rehabdesk.web.refusals import page_status
from rehabdesk.web.staff.billing_forms import (
    PayAllForm,
    PayerPaymentForm,
    PaymentForm,
    RefundForm,
    refusal_to_form,
)
from rehabdesk.web.staff.billing_links import acting_user, owed_by_party


def _invoice_of(request: HttpRequest, patient: Patient) -> Invoice | None:
    """The invoice a payment is for (`invoice` in the address or the form), the
    patient's own; None: the patient's oldest owing invoices first."""
    raw = request.POST.get("invoice") or request.GET.get("invoice") or ""
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 18:
        raise Http404("No such invoice.")
    invoice = invoice_for(
        user=request.user, invoice_id=int(raw), action=Action.CHANGE_BILLING, view=False
    )
    if invoice.patient_id != patient.pk:
        raise Http404("No such invoice.")
    return invoice


def _home_location(request: HttpRequest) -> object:
    return location_home_among(user_id=request.user.pk, locations=list(locations_active()))


@require_http_methods(["GET", "POST"])
@login_required
def payment_new(request: HttpRequest, patient_id: int) -> HttpResponse:
    require(user=request.user, capability=Capability.RUN_THE_DESK)
    patient = billing_patient_for(
        user=request.user,
        patient_id=patient_id,
        action=Action.CHANGE_BILLING,
        summary="payment",
        view=request.method == "GET",
    )
    invoice = _invoice_of(request, patient)
    owing = owed_by_party(invoice)[0] if invoice else None
    # The payer's share paid by the payer: only on an invoice billed to one.
    payer = invoice.payer if invoice and request.POST.get("for_payer") else None
    form = (PayerPaymentForm if payer else PaymentForm)(
        request.POST if request.method == "POST" else None,
        initial={
            "amount": owing or None,
            "method": "debit",
            "location": invoice.location if invoice else _home_location(request),
        },
    )
    refusal = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            payment = billing.payment_record(
                patient=patient,
                location=data["location"],
                amount=data["amount"],
                method=data["method"],
                by=acting_user(request),
                now=timezone.now(),
                reference=data["reference"].strip(),
                invoices=[invoice] if invoice else None,
                payer=payer,
            )
        except BillingError as refused:
            refusal = refused
            refusal_to_form(form, refused)
        else:
            messages.success(
                request,
                f"{format_money(payment.amount)} by {payment.get_method_display().lower()} "
                f"recorded for {payer.name if payer else patient.full_name}.",
            )
            if invoice:
                return redirect("billing-invoice", invoice_id=invoice.pk)
            return redirect("billing-patient", patient_id=patient.pk)
    return render(
        request,
        "web/billing/payment.html",
        {
            "patient": patient,
            "invoice": invoice,
            "number": display_number(invoice.number) if invoice else "",
            "owing": owing,
            "form": form,
        },
        status=page_status(refusal),
    )


@require_POST
@login_required
def pay_all(request: HttpRequest, patient_id: int) -> HttpResponse:
    require(user=request.user, capability=Capability.RUN_THE_DESK)
    patient = billing_patient_for(
        user=request.user, patient_id=patient_id, action=Action.CHANGE_BILLING, summary="payment"
    )
    form = PayAllForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose where and how the patient pays.")
        return redirect("billing-patient", patient_id=patient.pk)
    data = form.cleaned_data
    try:
        payments = billing.pay_all_outstanding(
            patient=patient,
            location=data["location"],
            method=data["method"],
            by=acting_user(request),
            now=timezone.now(),
            reference=data["reference"].strip(),
            family=data["family"],
        )
    except BillingError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request,
            "Everything outstanding paid: "
            f"{format_money(sum((payment.amount for payment in payments), ZERO))} recorded.",
        )
    return redirect("billing-patient", patient_id=patient.pk)


@require_http_methods(["GET", "POST"])
@login_required
def payment_refund(request: HttpRequest, payment_id: int) -> HttpResponse:
    require(user=request.user, capability=Capability.RUN_THE_DESK)
    payment = payment_for(
        user=request.user,
        payment_id=payment_id,
        action=Action.CHANGE_BILLING,
        view=request.method == "GET",
    )
    left = unallocated_by_payment([payment.pk]).get(payment.pk, ZERO)
    form = RefundForm(
        request.POST if request.method == "POST" else None, initial={"amount": left or None}
    )
    refusal = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            refund = billing.payment_refund(
                payment=payment,
                amount=data["amount"],
                reason=data["reason"].strip(),
                by=acting_user(request),
                now=timezone.now(),
                method=data["method"] or None,
            )
        except BillingError as refused:
            refusal = refused
            refusal_to_form(form, refused)
        else:
            messages.success(request, f"Refunded {format_money(refund.amount)}.")
            return redirect("billing-patient", patient_id=payment.patient_id)
    return render(
        request,
        "web/billing/refund.html",
        {
            "payment": payment,
            "left": left,
            "patient": payment.patient,
            "form": form,
            "back": reverse("billing-patient", kwargs={"patient_id": payment.patient_id}),
        },
        status=page_status(refusal),
    )


urlpatterns: list[URLPattern] = [
    path("staff/patients/<int:patient_id>/payments/new/", payment_new, name="billing-payment-new"),
    path("staff/patients/<int:patient_id>/pay-all/", pay_all, name="billing-pay-all"),
    path("staff/payments/<int:payment_id>/refund/", payment_refund, name="billing-refund"),
]
