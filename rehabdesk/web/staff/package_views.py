"""The desk sells a package from the patient's account: the clinic's active offers
(name, visits, price with tax, days valid), one chosen, sold in one service call
(billing.services.package_sell: an invoice with one package line), then the new
invoice's page, where the desk takes payment as for any invoice.

HTTP only: access/billing.py authorizes (CHANGE_BILLING on the patient) and puts the
look on file; the service refuses (an offer no longer sold, a closed location's clinic)
and the refusal is shown beside the form.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from rehabdesk.access.accessors import require
from rehabdesk.access.billing import billing_patient_for
from rehabdesk.access.policy import Action, Capability
from rehabdesk.billing import services as billing
from rehabdesk.billing.errors import BillingError
from rehabdesk.billing.numbering import display_number
from rehabdesk.billing.selectors import package_offers_quoted
from rehabdesk.clinic.selectors import location_home_among, locations_active
from rehabdesk.core.money import format_money
from rehabdesk.web.refusals import page_status
from rehabdesk.web.staff.billing_forms import PackageSellForm, refusal_to_form
from rehabdesk.web.staff.billing_links import acting_user


@require_http_methods(["GET", "POST"])
@login_required
def package_sell(request: HttpRequest, patient_id: int) -> HttpResponse:
    require(user=request.user, capability=Capability.RUN_THE_DESK)
    patient = billing_patient_for(
        user=request.user,
        patient_id=patient_id,
        action=Action.CHANGE_BILLING,
        summary="package sale",
        view=request.method == "GET",
    )
    locations = list(locations_active())
    home = location_home_among(user_id=request.user.pk, locations=locations) if locations else None
    clinic_id = home.clinic_id if home else None
    offers = (
        package_offers_quoted(clinic_id=clinic_id, on=timezone.localdate())
        if clinic_id is not None
        else []
    )
    form = PackageSellForm(
        request.POST if request.method == "POST" else None,
        offers=offers,
        initial={"location": home},
    )
    refusal = None
    if request.method == "POST" and form.is_valid():
        try:
            package = billing.package_sell(
                patient=patient,
                offer=form.chosen_offer(),
                location=form.cleaned_data["location"],
                by=acting_user(request),
                now=timezone.now(),
            )
        except BillingError as refused:
            refusal = refused
            refusal_to_form(form, refused)
        else:
            invoice = package.invoice
            messages.success(
                request,
                f"{package.offer.name} sold: invoice {display_number(invoice.number)}, "
                f"{format_money(invoice.total)}.",
            )
            return redirect("billing-invoice", invoice_id=invoice.pk)
    return render(
        request,
        "web/billing/package_sell.html",
        {"patient": patient, "form": form, "offers": offers},
        status=page_status(refusal),
    )


urlpatterns: list[URLPattern] = [
    path(
        "staff/patients/<int:patient_id>/packages/sell/",
        package_sell,
        name="billing-package-sell",
    ),
]
