"""The portal's receipts, /my/receipts/?year=YYYY: a patient's receipts of a year, and
those of each dependent whose bookings they manage, each as a PDF, and each person's
whole year as one PDF (what a plan or the tax return asks for).

HTTP only: rehabdesk.access.receipts authorizes (VIEW_BILLING) and puts each look and
each copy on file; billing.pdf lays the copies out. Anyone else's receipt is the same
404 as one that does not exist.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from rehabdesk.access.receipts import receipt_copy_for, receipts_of_year_for, year_copy_for
from rehabdesk.billing.pdf import receipts_pdf
from rehabdesk.core.bounds import EARLIEST_DAY
from rehabdesk.web.portal.my_views import own_patient_id

# The years the page offers, newest first.
YEARS_OFFERED = 7


def chosen_year(request: HttpRequest) -> tuple[int, bool]:
    """The year asked for (this year by default) and whether it was a year we keep:
    from 2000 to this year."""
    this_year = timezone.localdate().year
    text = request.GET.get("year", "")
    if not text:
        return this_year, True
    if not (text.isascii() and text.isdigit() and len(text) == 4):
        return this_year, False
    year = int(text)
    if not EARLIEST_DAY.year <= year <= this_year:
        return this_year, False
    return year, True


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@never_cache
@require_GET
@login_required
def my_receipts(request: HttpRequest) -> HttpResponse:
    """Each person's receipts of the year, with the year's file per person."""
    own_id = own_patient_id(request)
    year, good = chosen_year(request)
    people = receipts_of_year_for(user=request.user, year=year)
    this_year = timezone.localdate().year
    return render(
        request,
        "web/my/receipts.html",
        {
            "year": year,
            "years": range(this_year, max(EARLIEST_DAY.year, this_year - YEARS_OFFERED) - 1, -1),
            "people": people,
            "own_id": own_id,
            "bad_year": not good,
        },
        status=200 if good else 400,
    )


@never_cache
@require_GET
@login_required
def my_receipt_pdf(request: HttpRequest, invoice_id: int) -> HttpResponse:
    """One receipt as a PDF (a duplicate after the first copy)."""
    own_patient_id(request)
    receipt = receipt_copy_for(
        user=request.user, invoice_id=invoice_id, how="downloaded", now=timezone.now()
    )
    return pdf_response(receipts_pdf([receipt], made_at=timezone.now()), receipt.filename)


@never_cache
@require_GET
@login_required
def my_receipts_year_pdf(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Every receipt of one person's year (?year=YYYY) in one PDF; a year we do not keep
    is answered 400."""
    own_patient_id(request)
    year, good = chosen_year(request)
    if not good:
        return HttpResponseBadRequest("Not a year we keep receipts for.", content_type="text/plain")
    now = timezone.now()
    copies = year_copy_for(user=request.user, patient_id=patient_id, year=year, now=now)
    pdf = receipts_pdf(copies, made_at=now, title=f"Receipts of {year}")
    # The chart number, not the name: a downloaded file's name is seen by many.
    return pdf_response(pdf, f"receipts-{year}-{patient_id}.pdf")


urlpatterns: list[URLPattern] = [
    path("my/receipts/", my_receipts, name="my-receipts"),
    path("my/receipts/<int:invoice_id>.pdf", my_receipt_pdf, name="my-receipt-pdf"),
    path(
        "my/people/<int:patient_id>/receipts.pdf",
        my_receipts_year_pdf,
        name="my-receipts-year-pdf",
    ),
]
