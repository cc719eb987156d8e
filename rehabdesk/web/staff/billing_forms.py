"""Forms of the desk's billing pages: check-out, a payment, paying all that is owed, a
refund, a credit note, a waived fee, a statement's period and the day-end count.

They check the input's shape (an amount with two places, within bounds; a reason's
length); the billing services decide the rules and their refusals come back as errors
beside the field they name (`refusal_to_form`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django import forms

from rehabdesk.billing.choices import COUNTED_METHODS, PaymentMethod
from rehabdesk.billing.errors import BillingError
from rehabdesk.billing.models import InvoiceLine, Package, PackageOffer, Payer, Product
from rehabdesk.billing.selectors import (
    OfferQuote,
    coverages_active,
    package_balances,
    packages_of,
    payers_active,
    products_active,
)
from rehabdesk.clinic.selectors import locations_active
from rehabdesk.patients.models import Coverage
from rehabdesk.scheduling.models import Appointment
from rehabdesk.web.forms import DateInput, in_calendar_range

REASON_MAX = 200
MONEY_MAX = Decimal("99999.99")
# What the desk takes at the counter: package credit is drawn at check-out, EFT is how
# insurers pay (recorded with the payer's payments).
DESK_METHODS = [
    (value, label)
    for value, label in PaymentMethod.choices
    if value not in (PaymentMethod.PACKAGE_CREDIT, PaymentMethod.EFT)
]


def money_field(label: str, *, required: bool = True, minimum: str = "0.00") -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        max_digits=7,
        decimal_places=2,
        min_value=Decimal(minimum),
        max_value=MONEY_MAX,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )


def reason_field(label: str, *, required: bool = True) -> forms.CharField:
    return forms.CharField(label=label, max_length=REASON_MAX, required=required)


def refusal_to_form(form: forms.Form, refusal: BillingError) -> None:
    """A service's refusal shown beside the field it names, or above the form."""
    field = refusal.field if refusal.field in form.fields else None
    form.add_error(field, refusal.message)


class ProductRowForm(forms.Form):
    product: forms.ModelChoiceField[Product] = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="No product"
    )
    quantity = forms.IntegerField(min_value=1, max_value=99, initial=1, required=False)
    discount = money_field("Discount ($)", required=False)
    discount_reason = reason_field("Reason for the discount", required=False)

    def __init__(self, data: Mapping[str, Any] | None, *, clinic_id: int, row: int) -> None:
        super().__init__(data, prefix=f"p{row}")
        self.fields["product"].queryset = products_active(clinic_id=clinic_id)  # type: ignore[attr-defined]
        self.fields["product"].label = f"Product {row + 1}"
        self.fields["quantity"].label = f"Quantity {row + 1}"
        self.fields["discount"].label = f"Item {row + 1} discount ($)"
        self.fields["discount_reason"].label = f"Item {row + 1} discount reason"

    def clean(self) -> dict[str, Any]:
        """A discount needs a product, a reason, and is at most the line's price (the
        service checks it again; here it is shown beside the row)."""
        data = super().clean() or {}
        product, discount = data.get("product"), data.get("discount")
        if not discount:
            return data
        if product is None:
            self.add_error("discount", "Choose the product the discount is on.")
            return data
        if not (data.get("discount_reason") or "").strip():
            self.add_error("discount_reason", "Say why the discount is given.")
        line = product.price * (data.get("quantity") or 1)
        if discount > line:
            self.add_error("discount", f"A discount cannot be more than the line (${line:.2f}).")
        return data


PRODUCT_ROWS = 3


class CheckoutForm(forms.Form):
    """The visit's invoice: a discount with its reason, a third party billed from the
    patient's coverage with the claim number, a package to draw from."""

    discount = money_field("Discount on the visit ($)", required=False)
    discount_reason = reason_field("Reason for the discount", required=False)
    payer: forms.ModelChoiceField[Payer] = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="Nobody: the patient pays", label="Bill to"
    )
    coverage: forms.ModelChoiceField[Coverage] = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="No coverage", label="Patient's coverage"
    )
    claim_number = forms.CharField(label="Claim number", max_length=60, required=False)
    payer_share = money_field("Billed to the payer ($)", required=False)
    package: forms.ModelChoiceField[Package] = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="No package", label="Use a package"
    )

    def __init__(self, data: Mapping[str, Any] | None, *, appointment: Appointment) -> None:
        super().__init__(data)
        patient_id = appointment.patient_id
        assert patient_id is not None
        fields = self.fields
        fields["payer"].queryset = payers_active(clinic_id=appointment.location.clinic_id)  # type: ignore[attr-defined]
        coverages = coverages_active(patient_id=patient_id)
        fields["coverage"].queryset = coverages  # type: ignore[attr-defined]
        if len(coverages) == 1:  # the plan on file, for when the desk bills its insurer
            fields["coverage"].initial = coverages[0]
        usable = [
            balance.package_id
            for balance in package_balances(
                [patient_id], appointment.start.astimezone(appointment.location.zone).date()
            )
            if balance.usable and balance.service_id == appointment.service_id
        ]
        fields["package"].queryset = packages_of(patient_id=patient_id).filter(pk__in=usable)  # type: ignore[attr-defined]
        fields["package"].label_from_instance = _package_label  # type: ignore[attr-defined]
        self.products = [
            ProductRowForm(data, clinic_id=appointment.location.clinic_id, row=row)
            for row in range(PRODUCT_ROWS)
        ]

    def is_valid(self) -> bool:
        rows_valid = all(row.is_valid() for row in self.products)
        return super().is_valid() and rows_valid

    def product_rows(self) -> list[tuple[Product, int, Decimal, str]]:
        """(product, quantity, discount, reason) of each row that names a product."""
        return [
            (
                row.cleaned_data["product"],
                row.cleaned_data["quantity"] or 1,
                row.cleaned_data.get("discount") or Decimal("0.00"),
                (row.cleaned_data.get("discount_reason") or "").strip(),
            )
            for row in self.products
            if row.cleaned_data.get("product") is not None
        ]


def _package_label(package: Package) -> str:
    return f"{package.offer.name} (until {package.expires_on:%b %-d, %Y})"


class PackageSellForm(forms.Form):
    """A package offer to sell, and where it is sold (the sale's day and tax)."""

    offer = forms.TypedChoiceField(label="Package", coerce=int, empty_value=None)
    location = forms.ModelChoiceField(queryset=locations_active(), label="Sold at")

    def __init__(
        self, data: Mapping[str, Any] | None, *, offers: Sequence[OfferQuote], **kw: Any
    ) -> None:
        super().__init__(data, **kw)
        self.offers = {quoted.offer.pk: quoted.offer for quoted in offers}
        self.fields["offer"].choices = [  # type: ignore[attr-defined]
            (quoted.offer.pk, _offer_label(quoted)) for quoted in offers
        ]
        self.fields["offer"].widget = forms.RadioSelect(choices=self.fields["offer"].choices)  # type: ignore[attr-defined]

    def chosen_offer(self) -> PackageOffer:
        return self.offers[self.cleaned_data["offer"]]


def _offer_label(quoted: OfferQuote) -> str:
    offer = quoted.offer
    price = f"${quoted.total:,.2f} with tax" if quoted.total is not None else "no tax rate today"
    return f"{offer.name}: {offer.visits} visits, {price}, valid {offer.valid_days} days"


class PaymentForm(forms.Form):
    location = forms.ModelChoiceField(queryset=locations_active(), label="Taken at")
    method = forms.ChoiceField(choices=DESK_METHODS, label="Method")
    amount = money_field("Amount ($)", minimum="0.01")
    reference = forms.CharField(
        label="Reference",
        max_length=80,
        required=False,
        help_text="The terminal's reference or the cheque number.",
    )


class PayerPaymentForm(PaymentForm):
    """The insurer's or the WSIB's payment of its share: usually a deposit or a cheque."""

    method = forms.ChoiceField(
        choices=[
            (PaymentMethod.EFT.value, PaymentMethod.EFT.label),
            (PaymentMethod.CHEQUE.value, PaymentMethod.CHEQUE.label),
            (PaymentMethod.CREDIT_CARD.value, PaymentMethod.CREDIT_CARD.label),
            (PaymentMethod.E_TRANSFER.value, PaymentMethod.E_TRANSFER.label),
        ],
        label="Method",
    )
    for_payer = forms.BooleanField(widget=forms.HiddenInput, initial=True)


class PayAllForm(forms.Form):
    location = forms.ModelChoiceField(queryset=locations_active(), label="Taken at")
    method = forms.ChoiceField(choices=DESK_METHODS, label="Method")
    reference = forms.CharField(label="Reference", max_length=80, required=False)
    family = forms.BooleanField(
        label="Include the family members this patient pays for", required=False
    )


class RefundForm(forms.Form):
    amount = money_field("Amount to refund ($)", minimum="0.01")
    reason = reason_field("Reason")
    method = forms.ChoiceField(
        choices=[("", "The payment's own method"), *DESK_METHODS],
        required=False,
        label="Refund by",
    )


class CreditNoteForm(forms.Form):
    """A reason, and what to credit of each line (tax included); every amount empty:
    all that is left of the invoice."""

    reason = reason_field("Reason for the credit note")

    def __init__(self, data: Mapping[str, Any] | None, *, lines: Sequence[InvoiceLine]) -> None:
        super().__init__(data)
        for line in lines:
            self.fields[f"line_{line.pk}"] = money_field(
                f"Credit of “{line.description}” ($, tax included)",
                required=False,
                minimum="0.01",
            )

    def amounts(self) -> dict[int, Decimal] | None:
        """Invoice line id -> amount to credit, or None for the whole invoice."""
        chosen = {
            int(name.removeprefix("line_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("line_") and value is not None
        }
        return chosen or None


class FeeWaiveForm(forms.Form):
    reason = reason_field("Why the fee is waived")


class StatementForm(forms.Form):
    start = forms.DateField(label="From", widget=DateInput, validators=[in_calendar_range])
    end = forms.DateField(label="To", widget=DateInput, validators=[in_calendar_range])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", "The end comes on or after the start.")
        return data


class DayPickForm(forms.Form):
    day = forms.DateField(label="Day", widget=DateInput, validators=[in_calendar_range])


class DayEndForm(forms.Form):
    """What the desk counted per counted method, a note for each difference, and a note
    for the day."""

    note = forms.CharField(
        label="Note for the day",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for method in COUNTED_METHODS:
            self.fields[f"counted_{method}"] = money_field(f"{method.label} counted ($)")
            self.fields[f"note_{method}"] = forms.CharField(
                label=f"{method.label}: why it differs", max_length=200, required=False
            )

    def rows(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        return [
            (str(method), self[f"counted_{method}"], self[f"note_{method}"])
            for method in COUNTED_METHODS
        ]

    def counted(self) -> dict[str, Decimal]:
        return {str(m): self.cleaned_data[f"counted_{m}"] for m in COUNTED_METHODS}

    def notes(self) -> dict[str, str]:
        return {
            str(m): self.cleaned_data[f"note_{m}"]
            for m in COUNTED_METHODS
            if self.cleaned_data[f"note_{m}"]
        }
