"""The forms of the purchasing pages: a purchase order and its lines, receiving, growers' offers,
booking an offer into a prebook, hard goods."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from stemlink.catalog.models import BoxType, Product, Vendor
from stemlink.customers.models import Customer
from stemlink.purchasing import services
from stemlink.tenancy.models import Company
from stemlink.web.forms import search_picker

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
ZERO = Decimal("0")


def _field(form: forms.Form, name: str) -> Any:
    return form.fields[name]


class OrderForm(forms.Form):
    vendor = forms.ModelChoiceField(label="Grower", queryset=Vendor.objects.none())
    ship_date = forms.DateField(label="Grower ship date", widget=DATE_INPUT)
    arrival_date = forms.DateField(
        label="Due at the warehouse", required=False, widget=DATE_INPUT, help_text="Empty: the ship date."
    )
    customer = forms.ModelChoiceField(
        label="For customer",
        queryset=Customer.objects.none(),
        required=False,
        empty_label="Open market",
        help_text="Bought for one customer: its future boxes are offered to it alone.",
    )
    awb = forms.CharField(label="AWB", max_length=40, required=False)
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, company: Company, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _field(self, "vendor").queryset = Vendor.objects.filter(company=company, active=True)
        _field(self, "customer").queryset = Customer.objects.filter(company=company, active=True)
        # Growers, customers and products grow with the company: searched as one types.
        search_picker(_field(self, "vendor"), "web:pick_vendor", "grower")
        search_picker(_field(self, "customer"), "web:pick_customer_active", "open_market")


class LineForm(forms.Form):
    product = forms.ModelChoiceField(queryset=Product.objects.none())
    box_type = forms.ModelChoiceField(label="Box", queryset=BoxType.objects.none())
    unit_type = forms.ChoiceField(
        label="Unit", choices=[("Stem", "Stem"), ("Bunch", "Bunch")], initial="Stem"
    )
    bunches = forms.IntegerField(label="Bunches/box", min_value=1, max_value=10000)
    stems_bunch = forms.IntegerField(label="Stems/bunch", min_value=1, max_value=10000)
    boxes = forms.IntegerField(label="Boxes", min_value=1, max_value=services.MAX_BOXES)
    unit_cost = forms.DecimalField(label="Unit cost", decimal_places=3, min_value=ZERO, max_digits=10)
    price = forms.DecimalField(
        label="Price A", required=False, decimal_places=2, min_value=ZERO, max_digits=10
    )

    def __init__(self, *args: Any, company: Company, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _field(self, "product").queryset = Product.objects.filter(company=company, active=True)
        _field(self, "box_type").queryset = BoxType.objects.filter(company=company)
        search_picker(_field(self, "product"), "web:pick_product", "product")

    def request(self) -> services.LineRequest:
        d = self.cleaned_data
        return services.LineRequest(
            boxes=d["boxes"],
            unit_cost=d["unit_cost"],
            product_id=d["product"].pk,
            box_type_id=d["box_type"].pk,
            unit_type=d["unit_type"],
            bunches=d["bunches"],
            stems_bunch=d["stems_bunch"],
            price=d.get("price"),
        )


LineFormSet = forms.formset_factory(LineForm, extra=4, max_num=50)


class AwbForm(forms.Form):
    awb = forms.CharField(label="AWB", max_length=40)


class OfferForm(forms.Form):
    vendor = forms.ModelChoiceField(label="Grower", queryset=Vendor.objects.none())
    available_from = forms.DateField(label="From", widget=DATE_INPUT)
    available_to = forms.DateField(label="To", widget=DATE_INPUT)

    def __init__(self, company: Company, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _field(self, "vendor").queryset = Vendor.objects.filter(company=company, active=True)
        search_picker(_field(self, "vendor"), "web:pick_vendor", "grower")


class BookForm(forms.Form):
    prebook = forms.IntegerField(label="Prebook id", min_value=1)
    boxes = forms.IntegerField(label="Boxes", min_value=1, max_value=services.MAX_BOXES)
    price = forms.DecimalField(label="Unit price", decimal_places=2, min_value=ZERO, max_digits=10)


class HardGoodForm(forms.Form):
    product = forms.ModelChoiceField(queryset=Product.objects.none())
    vendor = forms.ModelChoiceField(label="Grower", queryset=Vendor.objects.none(), required=False)
    sku = forms.CharField(label="SKU", max_length=60, required=False)
    quantity = forms.IntegerField(label="Packs", min_value=1, max_value=services.MAX_BOXES)
    pack_size = forms.IntegerField(label="Units a pack", min_value=1, max_value=10000, initial=1)
    unit_cost = forms.DecimalField(
        label="Unit cost", required=False, decimal_places=3, min_value=ZERO, max_digits=10
    )
    unit_price = forms.DecimalField(
        label="Unit price", required=False, decimal_places=2, min_value=ZERO, max_digits=10
    )

    def __init__(self, company: Company, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _field(self, "product").queryset = Product.objects.filter(company=company, active=True)
        _field(self, "vendor").queryset = Vendor.objects.filter(company=company, active=True)
        search_picker(_field(self, "product"), "web:pick_product", "product")
        search_picker(_field(self, "vendor"), "web:pick_vendor", "no_grower")


class BuyForPrebookForm(forms.Form):
    """The grower and ship date of a purchase raised from a prebook (costs are typed per line)."""

    vendor = forms.ModelChoiceField(label="Grower", queryset=Vendor.objects.none())
    ship_date = forms.DateField(label="Grower ship date", widget=DATE_INPUT)

    def __init__(self, company: Company, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _field(self, "vendor").queryset = Vendor.objects.filter(company=company, active=True)
        search_picker(_field(self, "vendor"), "web:pick_vendor", "grower")
