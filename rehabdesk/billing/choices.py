from django.db import models


class PayerKind(models.TextChoices):
    """Who besides the patient pays for a visit (domain-reference.md §3.5, §3.7, §3.8)."""

    EXTENDED_HEALTH = "extended_health", "Extended-health insurer"
    WSIB = "wsib", "WSIB"
    AUTO = "auto", "Auto insurer"


class SequenceKind(models.TextChoices):
    """Each kind of numbered document has its own gapless sequence per clinic."""

    INVOICE = "invoice", "Invoice"
    CREDIT_NOTE = "credit_note", "Credit note"


class InvoicePurpose(models.TextChoices):
    """Why an invoice was issued; a visit is invoiced at most once for each purpose."""

    VISIT = "visit", "Visit"
    LATE_CANCELLATION = "late_cancellation", "Late-cancellation fee"
    NO_SHOW = "no_show", "Missed-appointment fee"
    SALE = "sale", "Sale"  # products, with no visit
    PACKAGE = "package", "Package"  # a pre-paid package of visits sold


class LineKind(models.TextChoices):
    SERVICE = "service", "Service"
    FEE = "fee", "Fee"  # late cancellation or no-show
    PRODUCT = "product", "Product"
    PACKAGE = "package", "Package"


class PaymentKind(models.TextChoices):
    PAYMENT = "payment", "Payment"
    REFUND = "refund", "Refund"  # money given back: a reversal of (part of) a payment


class PaymentMethod(models.TextChoices):
    """How money was taken; no card is processed here, the terminal's reference is kept."""

    CASH = "cash", "Cash"
    DEBIT = "debit", "Debit"
    CREDIT_CARD = "credit_card", "Credit card"
    E_TRANSFER = "e_transfer", "E-transfer"
    CHEQUE = "cheque", "Cheque"
    GIFT_CARD = "gift_card", "Gift card"
    PACKAGE_CREDIT = "package_credit", "Package credit"
    EFT = "eft", "Direct deposit (EFT)"  # how insurers and the WSIB usually pay


# Counted against the desk's drawer and terminal at day-end; the others are not.
COUNTED_METHODS = (
    PaymentMethod.CASH,
    PaymentMethod.DEBIT,
    PaymentMethod.CREDIT_CARD,
    PaymentMethod.CHEQUE,
)


class FeeKind(models.TextChoices):
    LATE_CANCELLATION = "late_cancellation", "Late cancellation"
    NO_SHOW = "no_show", "Missed appointment"
