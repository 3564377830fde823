"""Forms of order entry and standing orders: they check what a rep typed; the services decide.

Every choice is limited to the company's own active records, so another company's id is
"not one of the choices" on the field that named it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.urls import reverse

from stemlink.catalog.models import BoxType, Carrier, Product
from stemlink.customers.models import Customer, ShipTo
from stemlink.orders.periods import WEEKDAYS
from stemlink.tenancy.models import Company, Location
from stemlink.web.forms import DATE_INPUT, field_of, search_picker

KINDS = [("invoice", "Invoice: boxes on hand"), ("prebook", "Prebook: future boxes")]
CHOICE_ERRORS = {"invalid_choice": "That is not one of the choices; pick one from the list."}

# The service's field names → the form's, for errors the services raise.
ENTRY_FIELDS = {
    "customerId": "customer",
    "shipToId": "ship_to",
    "carrierId": "carrier",
    "date": "ship_date",
    "locationId": "location",
    "inventoryOrigin": "kind",
}
STANDING_FIELDS = {
    "customerId": "customer",
    "shipToId": "ship_to",
    "carrierId": "carrier",
    "days": "days",
    "startDate": "start_date",
    "endDate": "end_date",
    "locationId": "location",
}


def _locations(company: Company) -> Any:
    return Location.objects.filter(company=company, active=True).order_by("id")


class _ForCustomer(forms.Form):
    """Customer, ship-to, carrier and (with several locations) location of the company."""

    customer = forms.ModelChoiceField(
        queryset=Customer.objects.none(), label="Customer", error_messages=CHOICE_ERRORS
    )
    ship_to = forms.ModelChoiceField(
        queryset=ShipTo.objects.none(),
        label="Ship-to",
        required=False,
        empty_label="— the customer's own address —",
        error_messages=CHOICE_ERRORS,
    )
    carrier = forms.ModelChoiceField(
        queryset=Carrier.objects.none(), label="Carrier", error_messages=CHOICE_ERRORS
    )
    location = forms.ModelChoiceField(
        queryset=Location.objects.none(), label="Location", required=False, error_messages=CHOICE_ERRORS
    )

    def __init__(self, company: Company, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.company = company
        customers = Customer.objects.filter(company=company, active=True).order_by("name", "id")
        field_of(self, "customer").queryset = customers
        # Searched as one types (the `<select>` holds only the chosen customer); htmx swaps in the
        # chosen customer's ship-tos.
        picker = search_picker(field_of(self, "customer"), "web:pick_customer_active", "customer")
        picker.search_autofocus = True
        picker.attrs.update(
            {
                "hx-get": reverse("web:entry_ship_tos"),
                "hx-target": "#id_ship_to",
                "hx-trigger": "change",
            }
        )
        chosen = self._chosen_customer()
        field_of(self, "ship_to").queryset = ShipTo.objects.filter(
            company=company, active=True, customer_id=chosen or 0
        ).order_by("name", "id")
        field_of(self, "carrier").queryset = Carrier.objects.filter(company=company, active=True).order_by(
            "name", "id"
        )
        locations = _locations(company)
        field_of(self, "location").queryset = locations
        if locations.count() < 2:
            # One location: nothing to choose; the services take the company's only one.
            del self.fields["location"]

    def _chosen_customer(self) -> int | None:
        raw = (self.data.get("customer") if self.is_bound else self.initial.get("customer")) or ""
        text = str(getattr(raw, "pk", raw)).strip()
        return int(text) if text.isascii() and text.isdigit() and len(text) < 19 else None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        ship_to, customer = data.get("ship_to"), data.get("customer")
        if ship_to is not None and customer is not None and ship_to.customer_id != customer.pk:
            self.add_error("ship_to", f"this ship-to is not one of {customer.name}'s")
        return data


class EntryStartForm(_ForCustomer):
    """A new order taken by a rep: for whom, where to, how and when."""

    kind = forms.ChoiceField(choices=KINDS, initial="invoice", label="Order", widget=forms.RadioSelect)
    ship_date = forms.DateField(
        label="Ship date",
        widget=DATE_INPUT,
        help_text="For a prebook: the truck date.",
        error_messages={"invalid": "Write the date as YYYY-MM-DD."},
    )
    field_order = ["kind", "customer", "ship_to", "carrier", "ship_date", "location"]


class AddLineForm(forms.Form):
    """Boxes of one line picked from the search."""

    line = forms.IntegerField(min_value=1, max_value=2**63 - 1, label="Line")
    boxes = forms.IntegerField(
        min_value=1,
        max_value=10_000,
        label="Boxes",
        error_messages={"invalid": "Give the boxes as a whole number.", "required": "Give the boxes."},
    )


class EditLineForm(forms.Form):
    """A Draft or Pending invoice's line: its boxes and unit price."""

    item = forms.IntegerField(min_value=1, max_value=2**63 - 1)
    boxes = forms.IntegerField(
        min_value=1,
        max_value=10_000,
        label="Boxes",
        error_messages={"invalid": "Give the boxes as a whole number."},
    )
    price = forms.DecimalField(
        min_value=Decimal("0"),
        max_digits=10,
        decimal_places=2,
        label="Unit price",
        error_messages={"invalid": "Give the unit price as a number, e.g. 0.85."},
    )


class FinishForm(forms.Form):
    po_number = forms.CharField(label="Customer PO", max_length=60, required=False)


class StandingOrderForm(_ForCustomer):
    """A customer's weekly order: days, dates, and up to five lines."""

    days = forms.MultipleChoiceField(
        choices=[(d, d) for d in WEEKDAYS],
        widget=forms.CheckboxSelectMultiple,
        label="Truck days",
        error_messages={"required": "Tick at least one day of the week."},
    )
    start_date = forms.DateField(
        label="Start", widget=DATE_INPUT, error_messages={"invalid": "Write the date as YYYY-MM-DD."}
    )
    end_date = forms.DateField(
        label="End",
        widget=DATE_INPUT,
        required=False,
        help_text="Empty: until it is ended.",
        error_messages={"invalid": "Write the date as YYYY-MM-DD."},
    )
    customer_po = forms.CharField(label="Customer PO", max_length=60, required=False)
    comments = forms.CharField(
        label="Comments", required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    field_order = [
        "customer",
        "ship_to",
        "carrier",
        "days",
        "start_date",
        "end_date",
        "location",
        "customer_po",
        "comments",
    ]

    LINES = 5

    def __init__(self, company: Company, *args: Any, **kwargs: Any) -> None:
        super().__init__(company, *args, **kwargs)
        products = Product.objects.filter(company=company, active=True).order_by("description", "id")
        box_types = BoxType.objects.filter(company=company).order_by("code")
        for n in range(self.LINES):
            self.fields[f"product_{n}"] = forms.ModelChoiceField(
                queryset=products,
                required=False,
                label=f"Line {n + 1}: product",
                error_messages=CHOICE_ERRORS,
            )
            search_picker(field_of(self, f"product_{n}"), "web:pick_product", "product")
            self.fields[f"box_type_{n}"] = forms.ModelChoiceField(
                queryset=box_types, required=False, label="Box type", error_messages=CHOICE_ERRORS
            )
            self.fields[f"boxes_{n}"] = forms.IntegerField(
                min_value=1, max_value=10_000, required=False, label="Boxes"
            )
            self.fields[f"price_{n}"] = forms.DecimalField(
                min_value=Decimal("0"),
                max_digits=10,
                decimal_places=2,
                required=False,
                label="Unit price",
                help_text="Empty: the customer's price now." if n == 0 else "",
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "must be on or after the start")
        lines = 0
        for n in range(self.LINES):
            product, box_type, boxes = (data.get(f"{k}_{n}") for k in ("product", "box_type", "boxes"))
            if product is None and box_type is None and boxes is None:
                continue
            lines += 1
            if product is None and f"product_{n}" not in self.errors:
                self.add_error(f"product_{n}", "choose the product of this line")
            if box_type is None and f"box_type_{n}" not in self.errors:
                self.add_error(f"box_type_{n}", "choose the box type of this line")
            if boxes is None and f"boxes_{n}" not in self.errors:
                self.add_error(f"boxes_{n}", "give the boxes of this line")
        if lines == 0 and not any(k.startswith(("product_", "box_type_", "boxes_")) for k in self.errors):
            self.add_error("product_0", "give at least one line: product, box type and boxes")
        return data

    def line_values(self) -> list[tuple[int, Product, BoxType, int, Decimal | None]]:
        """(line number, product, box type, boxes, price or None) of each filled-in line."""
        found = []
        for n in range(self.LINES):
            product = self.cleaned_data.get(f"product_{n}")
            if product is not None:
                found.append(
                    (
                        n,
                        product,
                        self.cleaned_data[f"box_type_{n}"],
                        self.cleaned_data[f"boxes_{n}"],
                        self.cleaned_data.get(f"price_{n}"),
                    )
                )
        return found
