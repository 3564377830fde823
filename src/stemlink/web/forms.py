"""Back-office forms: they check what a person typed and keep it when something is wrong.

Forms only validate and clean; the services they feed decide and write.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import QuerySet

from stemlink.customers.models import Customer, CustomerType, MarkupKind, PriceLevel
from stemlink.tenancy.models import Company
from stemlink.web.pickers import SearchSelect


def field_of(form: forms.Form, name: str) -> Any:
    """A form's field, to set the choices or queryset that depend on the company."""
    return form.fields[name]


# The choices a search picker always offers, by field name (the picker's search answers them too).
RESERVED_FOR_FIXED = [("", "Anyone or no one"), ("none", "Not reserved"), ("any", "Reserved for someone")]
PICKER_FIXED: dict[str, list[tuple[str, str]]] = {
    "reserved_for": RESERVED_FOR_FIXED,
    "customer": [("", "Choose the customer…")],
    "line": [("", "Choose a line…")],
    "product": [("", "---------")],
    "category": [("", "Any")],
    "vendor": [("", "Any")],
    # Fixed choices named apart from the field (`SearchSelect(fixed_key=...)`).
    "all_customers": [("", "All customers")],
    "endpoint_customer": [("", "All customers (every event of the company)")],
    "grower": [("", "Choose the grower…")],
    "no_grower": [("", "---------")],
    "token_vendor": [("", "Choose the vendor…")],
    "open_market": [("", "Open market")],
}


def search_picker(
    field: forms.ModelChoiceField, url_name: str, fixed_key: str, label: Any = None
) -> SearchSelect:
    """Make a model choice field's `<select>` a search picker over its queryset (set the queryset first).

    The `<select>` holds only the fixed choices and the value chosen (labelled `label(obj)`, by default
    as the picker's search labels it: a customer's or grower's name, a product's description and code);
    the field still checks the value sent against its queryset, so another company's id is refused.
    """
    queryset = field.queryset
    assert queryset is not None, "set the field's queryset before its picker"
    label_of = label or (lambda obj: getattr(obj, "name", None) or str(obj))

    def labels(ids: list[str]) -> list[tuple[Any, str]]:
        pks = [int(i) for i in ids if i.isascii() and i.isdigit() and len(i) < 19]
        return [(obj.pk, label_of(obj)) for obj in queryset.filter(pk__in=pks)] if pks else []

    field.widget = SearchSelect(url_name, labels, PICKER_FIXED[fixed_key], fixed_key=fixed_key)
    return field.widget


def customer_picker(
    company: Company, fixed: list[tuple[str, str]], *, active_only: bool = False, fixed_key: str = ""
) -> SearchSelect:
    """Search-as-you-type over the company's customers; the `<select>` holds only the chosen one."""

    def labels(ids: list[str]) -> list[tuple[Any, str]]:
        pks = [int(i) for i in ids if i.isdigit()]
        return list(Customer.objects.filter(company=company, pk__in=pks).values_list("pk", "name"))

    url = "web:pick_customer_active" if active_only else "web:pick_customer"
    return SearchSelect(url, labels, fixed, fixed_key=fixed_key)


def _named_picker(url: str, model: Any, company: Company, fixed_key: str) -> SearchSelect:
    """Search-as-you-type over the company's rows of `model` by name (categories, growers)."""

    def labels(ids: list[str]) -> list[tuple[Any, str]]:
        pks = [int(i) for i in ids if i.isdigit() and len(i) < 19]
        return list(model.objects.filter(company=company, pk__in=pks).values_list("pk", "name"))

    return SearchSelect(url, labels, PICKER_FIXED[fixed_key], fixed_key=fixed_key)


class SignInForm(AuthenticationForm):
    """Django's sign-in, with the fields a browser fills in well."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autofocus": True})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})


class CompanySettingsForm(forms.Form):
    transaction_fee_percent = forms.DecimalField(
        label="Transaction fee rate (%)",
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        decimal_places=2,
        max_digits=5,
        help_text="Charged on every order created through the API; internal transfers are exempt.",
    )
    checkout_timer_minutes = forms.IntegerField(
        label="Checkout timer (minutes)",
        min_value=1,
        max_value=24 * 60,
        help_text="A web order not checked out in this time expires and its boxes are released.",
    )
    autoconfirm_on_checkout = forms.BooleanField(label="Autoconfirm orders upon checkout", required=False)
    gross_margin_percent = forms.DecimalField(
        label="Gross margin (%)",
        min_value=Decimal("0"),
        max_value=Decimal("95"),
        decimal_places=2,
        max_digits=5,
        help_text="Price A of a line without its own price: cost marked up to this margin.",
    )
    standing_order_lead_days = forms.IntegerField(
        label="Standing-order lead days",
        min_value=1,
        max_value=60,
        help_text="Prebooks are generated this many days before each truck date.",
    )
    time_zone = forms.CharField(
        label="Time zone",
        max_length=64,
        help_text="An IANA name, e.g. America/New_York.",
        widget=forms.TextInput(attrs={"list": "time-zones"}),
    )
    address = forms.CharField(label="Address", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    @classmethod
    def for_company(cls, company: Company) -> CompanySettingsForm:
        return cls(initial={name: getattr(company, name) for name in cls.base_fields})


ACTIVE_CHOICES = [("", "Any"), ("yes", "Active"), ("no", "Inactive")]


def sales_reps_of(company: Company) -> QuerySet[Any]:
    """The company's users, for sales-rep pickers."""
    return (
        get_user_model()
        .objects.filter(memberships__company=company, memberships__active=True)
        .order_by("username")
        .distinct()
    )


class CustomerFilterForm(forms.Form):
    name = forms.CharField(required=False, max_length=100)
    code = forms.CharField(required=False, max_length=30)
    customer_type = forms.ChoiceField(
        label="Type", required=False, choices=[("", "Any"), *CustomerType.choices]
    )
    sales_rep = forms.TypedChoiceField(label="Sales rep", required=False, coerce=int, empty_value=None)
    active = forms.ChoiceField(required=False, choices=ACTIVE_CHOICES)

    def __init__(self, company: Company, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.company = company
        reps = [(u.pk, u.get_full_name() or u.get_username()) for u in sales_reps_of(company)]
        field_of(self, "sales_rep").choices = [("", "Any"), *reps]

    def filter(self) -> QuerySet[Customer]:
        """The company's customers matching the valid filters (all of them when none is valid)."""
        rows = Customer.objects.filter(company=self.company).select_related("sales_rep")
        if not self.is_valid():
            return rows.order_by("name", "id")
        data = self.cleaned_data
        if data.get("name"):
            rows = rows.filter(name__icontains=data["name"])
        if data.get("code"):
            rows = rows.filter(code__icontains=data["code"])
        if data.get("customer_type"):
            rows = rows.filter(customer_type=data["customer_type"])
        if data.get("sales_rep"):
            rows = rows.filter(sales_rep_id=data["sales_rep"])
        if data.get("active") == "yes":
            rows = rows.filter(active=True)
        elif data.get("active") == "no":
            rows = rows.filter(active=False)
        return rows.order_by("name", "id")


class PricingTermsForm(forms.Form):
    default_price = forms.ChoiceField(label="Default price", choices=PriceLevel.choices)
    price_b_markup_kind = forms.ChoiceField(label="Price B markup type", choices=MarkupKind.choices)
    price_b_markup = forms.DecimalField(
        label="Price B markup", min_value=Decimal("0"), max_digits=10, decimal_places=3
    )
    ecommerce_markup_kind = forms.ChoiceField(label="E-commerce markup type", choices=MarkupKind.choices)
    ecommerce_markup = forms.DecimalField(
        label="E-commerce markup",
        min_value=Decimal("0"),
        max_digits=10,
        decimal_places=3,
        help_text="Added on top for the e-commerce view and web orders (marketplaces).",
    )

    @classmethod
    def for_customer(cls, customer: Customer) -> PricingTermsForm:
        return cls(initial={name: getattr(customer, name) for name in cls.base_fields})


class EndpointForm(forms.Form):
    url = forms.CharField(
        label="URL",
        max_length=500,
        help_text="Where events are POSTed, e.g. https://partner.example/hooks/stemlink",
    )
    customer = forms.ModelChoiceField(
        queryset=Customer.objects.none(),
        required=False,
        empty_label="All customers (every event of the company)",
        help_text="Bind it to a marketplace's customer to send only what that customer may buy.",
    )
    description = forms.CharField(max_length=200, required=False)

    def __init__(self, company: Company, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = field_of(self, "customer")
        field.queryset = Customer.objects.filter(company=company).order_by("name")
        field.widget = customer_picker(
            company, PICKER_FIXED["endpoint_customer"], fixed_key="endpoint_customer"
        )


# --- inventory ---------------------------------------------------------------------------------

# The inventory service names its fields as the API does; the forms use Python names.
INVENTORY_FIELD_NAMES = {
    "productId": "product",
    "productCode": "product",
    "boxTypeId": "box_type",
    "boxTypeCode": "box_type",
    "growerId": "vendor",
    "vendorCode": "vendor",
    "locationId": "location",
    "shipDate": "ship_date",
    "arrivalDate": "arrival_date",
    "unitType": "unit_type",
    "stemsBunch": "stems_bunch",
    "unitCost": "unit_cost",
    "availableFrom": "available_from",
    "availableTo": "available_to",
    "inventoryType": "inventory_type",
}


class InventoryFilterForm(forms.Form):
    q = forms.CharField(
        label="Search",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "product, code, AWB, lot"}),
    )
    # Categories and growers grow with the company: searched as one types, checked by one lookup.
    category = forms.CharField(required=False, max_length=20)
    vendor = forms.CharField(label="Grower", required=False, max_length=20)
    box_type = forms.TypedChoiceField(label="Box type", required=False, coerce=int, empty_value=None)
    inventory_type = forms.ChoiceField(label="Type", required=False)
    reserved_for = forms.CharField(label="Reserved for", required=False, max_length=20)
    available_only = forms.BooleanField(label="With boxes to sell", required=False)

    def __init__(self, company: Company, *args: Any, **kwargs: Any) -> None:
        from stemlink.catalog.models import BoxType, Category, Vendor
        from stemlink.inventory.models import InventoryType

        super().__init__(*args, **kwargs)
        field_of(self, "category").widget = _named_picker("web:pick_category", Category, company, "category")
        field_of(self, "vendor").widget = _named_picker("web:pick_vendor", Vendor, company, "vendor")
        field_of(self, "box_type").choices = [
            ("", "Any"),
            *BoxType.objects.filter(company=company).values_list("id", "code"),
        ]
        field_of(self, "inventory_type").choices = [("", "Any"), *InventoryType.choices]
        self.company = company
        field_of(self, "reserved_for").widget = customer_picker(company, RESERVED_FOR_FIXED)

    def clean_reserved_for(self) -> str:
        """'', 'none', 'any' or the id of one of the company's customers (looked up, not listed)."""
        value = str(self.cleaned_data.get("reserved_for") or "")
        if value in {"", "none", "any"}:
            return value
        if value.isdigit() and Customer.objects.filter(company=self.company, pk=int(value)).exists():
            return value
        raise forms.ValidationError("Choose a customer from the list.")

    def _one_of(self, name: str, model: Any, what: str) -> int | None:
        value = str(self.cleaned_data.get(name) or "").strip()
        if not value:
            return None
        mine = model.objects.filter(company=self.company)
        if value.isdigit() and len(value) < 19 and mine.filter(pk=int(value)).exists():
            return int(value)
        raise forms.ValidationError(f"Choose a {what} from the list.")

    def clean_category(self) -> int | None:
        from stemlink.catalog.models import Category

        return self._one_of("category", Category, "category")

    def clean_vendor(self) -> int | None:
        from stemlink.catalog.models import Vendor

        return self._one_of("vendor", Vendor, "grower")


class _PackForm(forms.Form):
    product: forms.ModelChoiceField = forms.ModelChoiceField(queryset=None)
    box_type: forms.ModelChoiceField = forms.ModelChoiceField(label="Box type", queryset=None)
    vendor: forms.ModelChoiceField = forms.ModelChoiceField(label="Grower", queryset=None, required=False)
    location: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="Main location"
    )
    unit_type = forms.ChoiceField(label="Unit type", choices=[("Stem", "Stem"), ("Bunch", "Bunch")])
    bunches = forms.IntegerField(label="Bunches per box", min_value=1, max_value=10000)
    stems_bunch = forms.IntegerField(label="Stems per bunch", min_value=1, max_value=10000)
    unit_cost = forms.DecimalField(label="Unit cost", min_value=Decimal("0"), max_digits=10, decimal_places=3)
    price = forms.DecimalField(
        label="Price A per unit",
        required=False,
        min_value=Decimal("0"),
        max_digits=10,
        decimal_places=2,
        help_text="Empty: cost marked up to the company's gross margin.",
    )

    def __init__(self, company: Company, *args: Any, **kwargs: Any) -> None:
        from stemlink.catalog.models import BoxType, Product, Vendor
        from stemlink.tenancy.models import Location

        super().__init__(*args, **kwargs)
        products = Product.objects.filter(company=company, active=True)
        field_of(self, "product").queryset = products
        field_of(self, "product").widget = SearchSelect(
            "web:pick_product",
            lambda ids: [
                (p.pk, str(p)) for p in products.filter(pk__in=[int(i) for i in ids if i.isdigit()])
            ],
            PICKER_FIXED["product"],
        )
        field_of(self, "box_type").queryset = BoxType.objects.filter(company=company)
        field_of(self, "vendor").queryset = Vendor.objects.filter(company=company, active=True)
        search_picker(field_of(self, "vendor"), "web:pick_vendor", "no_grower")
        field_of(self, "location").queryset = Location.objects.filter(company=company, active=True)

    def pack_values(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "product_id": d["product"].pk,
            "box_type_id": d["box_type"].pk,
            "vendor_id": d["vendor"].pk if d.get("vendor") else None,
            "location_id": d["location"].pk if d.get("location") else None,
            "unit_type": d["unit_type"],
            "bunches": d["bunches"],
            "stems_bunch": d["stems_bunch"],
            "unit_cost": d["unit_cost"],
            "price": d.get("price"),
        }


DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OnHandLineForm(_PackForm):
    awb = forms.CharField(label="AWB", max_length=40)
    ship_date = forms.DateField(label="Ship date", widget=DATE_INPUT)
    arrival_date = forms.DateField(label="Arrival date", required=False, widget=DATE_INPUT)
    quantity = forms.IntegerField(label="Boxes", min_value=1, max_value=100)
    lot_number = forms.CharField(label="Lot number", max_length=40, required=False)
    inventory_type = forms.ChoiceField(
        label="Type",
        choices=[("M", "Open market"), ("L", "Local"), ("S", "Standing order"), ("P", "Prebook")],
    )

    field_order = [
        "product",
        "box_type",
        "vendor",
        "location",
        "inventory_type",
        "quantity",
        "unit_type",
        "bunches",
        "stems_bunch",
        "unit_cost",
        "price",
        "awb",
        "lot_number",
        "ship_date",
        "arrival_date",
    ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("ship_date") and data.get("arrival_date") and data["arrival_date"] < data["ship_date"]:
            self.add_error("arrival_date", "The arrival date cannot be before the ship date.")
        return data


class FutureLineForm(_PackForm):
    boxes = forms.IntegerField(label="Boxes", min_value=1, max_value=100000)
    available_from = forms.DateField(label="Available from", widget=DATE_INPUT)
    available_to = forms.DateField(label="Available to", widget=DATE_INPUT)

    field_order = [
        "product",
        "box_type",
        "vendor",
        "location",
        "boxes",
        "unit_type",
        "bunches",
        "stems_bunch",
        "unit_cost",
        "price",
        "available_from",
        "available_to",
    ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("available_from")
            and data.get("available_to")
            and data["available_to"] < data["available_from"]
        ):
            self.add_error("available_to", "“Available to” cannot be before “Available from”.")
        return data


class EditLineForm(forms.Form):
    boxes = forms.IntegerField(
        label="Boxes",
        min_value=0,
        max_value=100000,
        help_text="On hand (or to arrive); never fewer than those held or sold.",
    )
    unit_cost = forms.DecimalField(label="Unit cost", min_value=Decimal("0"), max_digits=10, decimal_places=3)
    price = forms.DecimalField(
        label="Price A per unit",
        required=False,
        min_value=Decimal("0"),
        max_digits=10,
        decimal_places=2,
        help_text="Empty: cost marked up to the company's gross margin.",
    )


class ReserveForm(forms.Form):
    customer = forms.ModelChoiceField(queryset=Customer.objects.none(), empty_label="Choose the customer…")
    boxes = forms.IntegerField(label="Boxes", min_value=1, required=False, help_text="Empty: every free box.")

    def __init__(self, company: Company, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = field_of(self, "customer")
        field.queryset = Customer.objects.filter(company=company, active=True).order_by("name")
        field.widget = customer_picker(company, [("", "Choose the customer…")], active_only=True)


class ReleaseForm(forms.Form):
    boxes = forms.IntegerField(label="Boxes", min_value=1, required=False, help_text="Empty: every free box.")


# --- orders and fees ---------------------------------------------------------------------------


class VoidForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        max_length=300,
        widget=forms.TextInput(attrs={"placeholder": "e.g. customer cancelled"}),
        error_messages={"required": "Say why the invoice is voided: the reason is kept with it."},
    )


class FeesFilterForm(forms.Form):
    date_from = forms.DateField(label="From", widget=DATE_INPUT)
    date_to = forms.DateField(label="To", widget=DATE_INPUT)
    customer = forms.ModelChoiceField(
        queryset=Customer.objects.none(), required=False, empty_label="All customers"
    )

    def __init__(self, company: Company, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = field_of(self, "customer")
        field.queryset = Customer.objects.filter(company=company).order_by("name")
        field.widget = customer_picker(company, PICKER_FIXED["all_customers"], fixed_key="all_customers")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end:
            if end < start:
                self.add_error("date_to", "“To” cannot be before “From”.")
            elif (end - start).days > 366:
                self.add_error("date_to", "Choose a period of at most a year.")
        return data


class ReserveLineForm(forms.Form):
    """On a customer's page: reserve free boxes of an open-market line for this customer."""

    line = forms.CharField(label="On-hand line", max_length=20)
    boxes = forms.IntegerField(label="Boxes", min_value=1, required=False, help_text="Empty: every free box.")

    def __init__(self, company: Company, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.company = company
        field_of(self, "line").widget = SearchSelect("web:pick_line", self._labels, PICKER_FIXED["line"])

    def _lines(self, ids: list[int]) -> Any:
        from stemlink.inventory.models import InventoryLine

        return (
            InventoryLine.objects.filter(company=self.company, pk__in=ids)
            .sellable()
            .select_related("product", "box_type")
        )

    def _labels(self, ids: list[str]) -> list[tuple[Any, str]]:
        return [
            (line.pk, f"#{line.pk} {line.product.description} {line.box_type.code} · {line.free} free")
            for line in self._lines([int(i) for i in ids if i.isdigit()])
        ]

    def clean_line(self) -> int:
        """One of the company's sellable lines (looked up by id, not listed)."""
        raw = str(self.cleaned_data.get("line") or "").strip()
        if not raw.isdigit() or not self._lines([int(raw)]).exists():
            raise forms.ValidationError(f"Select a valid choice. {raw} is not one of the available choices.")
        return int(raw)
