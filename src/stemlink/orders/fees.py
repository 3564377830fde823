"""The fee ledger: one charge per document made through the API, adjustments, reversals."""

from __future__ import annotations

from decimal import Decimal

from stemlink.customers.models import Customer
from stemlink.orders import rules
from stemlink.orders.models import (
    DocumentKind,
    FeeEntry,
    FeeEntryType,
    Invoice,
    Prebook,
)
from stemlink.tenancy.models import Company

# --------------------------------------------------------------------------------------------
# The fee ledger
# --------------------------------------------------------------------------------------------


def _fee_document(invoice: Invoice | None, prebook: Prebook | None) -> tuple[Invoice | Prebook, str]:
    if (invoice is None) == (prebook is None):
        raise ValueError("name exactly one document: an invoice or a prebook")
    if invoice is not None:
        return invoice, DocumentKind.INVOICE
    assert prebook is not None
    return prebook, DocumentKind.PREBOOK


def _document_number(document: Invoice | Prebook) -> str:
    return document.display_number if isinstance(document, Invoice) else str(document.number)


def charge_fee(
    *,
    invoice: Invoice | None = None,
    prebook: Prebook | None = None,
    company: Company | None = None,
    customer: Customer | None = None,
) -> FeeEntry:
    """Record the transaction fee of a document made through the API: its one charge entry.

    The amount is the company's rate of the document total, to the cent; customers of the company's
    own locations (internal) are exempt, recorded at rate 0. Call inside the transaction that
    creates the document. Raises IntegrityError if the document already has its charge.
    """
    document, kind = _fee_document(invoice, prebook)
    # The caller usually has the company and customer at hand; read them only when it has not.
    if company is None or company.pk != document.company_id:
        company = Company.objects.only("transaction_fee_percent").get(id=document.company_id)
    if customer is None or customer.pk != document.customer_id:
        customer = document.customer
    exempt = customer.is_internal
    rate = Decimal("0.00") if exempt else company.transaction_fee_percent
    entry = FeeEntry(
        company_id=document.company_id,
        entry_type=FeeEntryType.CHARGE,
        document_kind=kind,
        invoice=invoice,
        prebook=prebook,
        document_number=_document_number(document),
        customer_id=document.customer_id,
        base_amount=document.total,
        rate_percent=rate,
        amount=rules.transaction_fee(document.total, rate, exempt=exempt),
    )
    entry.save(force_insert=True)
    return entry


def adjust_fee(*, invoice: Invoice | None = None, prebook: Prebook | None = None) -> FeeEntry | None:
    """Bring a document's fee in line with its current total with an adjustment entry (None if equal).

    For documents whose lines change after they were made (invoice.item.add/update/delete).
    """
    document, kind = _fee_document(invoice, prebook)
    entries = list(FeeEntry.objects.filter(**{kind: document}))
    charge = next((e for e in entries if e.entry_type == FeeEntryType.CHARGE), None)
    if charge is None:
        return charge_fee(invoice=invoice, prebook=prebook)
    should = rules.transaction_fee(document.total, charge.rate_percent)
    recorded = sum((e.amount for e in entries), Decimal("0.00"))
    if should == recorded:
        return None
    return FeeEntry.objects.create(
        company_id=document.company_id,
        entry_type=FeeEntryType.ADJUSTMENT,
        document_kind=kind,
        invoice=invoice,
        prebook=prebook,
        document_number=_document_number(document),
        customer_id=document.customer_id,
        base_amount=document.total,
        rate_percent=charge.rate_percent,
        amount=should - recorded,
    )


def reverse_fees(*, invoice: Invoice | None = None, prebook: Prebook | None = None) -> list[FeeEntry]:
    """Cancel every fee entry of a document with a negative entry pointing at it; return those made."""
    document, kind = _fee_document(invoice, prebook)
    open_entries = FeeEntry.objects.filter(**{kind: document}, reversed_by__isnull=True).exclude(
        entry_type=FeeEntryType.REVERSAL
    )
    reversals = []
    for entry in open_entries.order_by("id"):
        reversals.append(
            FeeEntry.objects.create(
                company_id=entry.company_id,
                entry_type=FeeEntryType.REVERSAL,
                document_kind=entry.document_kind,
                invoice_id=entry.invoice_id,
                prebook_id=entry.prebook_id,
                document_number=entry.document_number,
                customer_id=entry.customer_id,
                base_amount=entry.base_amount,
                rate_percent=entry.rate_percent,
                amount=rules.fee_reversal(entry.amount),
                reversal_of=entry,
            )
        )
    return reversals
