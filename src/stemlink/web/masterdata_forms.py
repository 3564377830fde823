"""Forms of the Setup pages for master data: products, categories, box types, carriers, growers,
locations, customers and their ship-tos, users. They check what was typed and name the wrong
field; the services they feed (catalog, customers, tenancy) decide and write."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from stemlink.catalog.models import Carrier, Category
from stemlink.customers.models import CustomerType, ShipTo
from stemlink.tenancy.models import Company, Role
from stemlink.web.forms import ACTIVE_CHOICES, field_of, sales_reps_of


class ListFilterForm(forms.Form):
    """Search and filters of a master-data list."""

    q = forms.CharField(
        label="Search",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "code or name"}),
    )
    active = forms.ChoiceField(required=False, choices=ACTIVE_CHOICES)
    category = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)

    def __init__(
        self, company: Company, *args: Any, has_active: bool, categories: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if not has_active:
            del self.fields["active"]
        if categories:
            field_of(self, "category").choices = [
                ("", "Any"),
                *Category.objects.filter(company=company).values_list("id", "name"),
            ]
        else:
            del self.fields["category"]


class ProductForm(forms.Form):
    code = forms.CharField(max_length=40, help_text="Your product code (Komet's productCode).")
    description = forms.CharField(max_length=200, help_text="What buyers see, e.g. Rose Freedom 50cm.")
    category = forms.ModelChoiceField(queryset=Category.objects.none(), empty_label="Choose a category…")
    variety = forms.CharField(max_length=100, required=False)
    color = forms.CharField(max_length=50, required=False)
    grade = forms.CharField(max_length=30, required=False, help_text="Stem length or grade, e.g. 50cm.")
    tags = forms.CharField(max_length=200, required=False, help_text="Comma-separated.")
    active = forms.BooleanField(required=False, initial=True, help_text="Inactive: hidden from every buyer.")

    def __init__(self, company: Company, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_of(self, "category").queryset = Category.objects.filter(company=company).order_by("name")

    def values(self) -> dict[str, Any]:
        d = dict(self.cleaned_data)
        d["category_id"] = d.pop("category").pk
        return d


class CategoryForm(forms.Form):
    name = forms.CharField(max_length=100)
    active = forms.BooleanField(
        required=False, initial=True, help_text="Inactive: all its products are hidden from buyers."
    )

    def __init__(self, company: Company, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)

    def values(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class BoxTypeForm(forms.Form):
    code = forms.CharField(max_length=3, help_text="1 to 3 capital letters or digits, e.g. HB.")
    description = forms.CharField(max_length=60, required=False)
    fbe = forms.DecimalField(
        label="Full-box equivalent",
        min_value=Decimal("0.001"),
        max_digits=5,
        decimal_places=3,
        help_text="1 for a full box, 0.5 for a half, 0.25 for a quarter.",
    )

    def __init__(self, company: Company, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)

    def values(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class CarrierForm(forms.Form):
    code = forms.CharField(max_length=20)
    name = forms.CharField(max_length=120)
    phone = forms.CharField(max_length=40, required=False)
    street = forms.CharField(max_length=200, required=False)
    city = forms.CharField(max_length=100, required=False)
    state = forms.CharField(max_length=50, required=False)
    zip_code = forms.CharField(label="ZIP code", max_length=20, required=False)
    country = forms.CharField(max_length=60, required=False)
    active = forms.BooleanField(
        required=False, initial=True, help_text="Inactive: not offered on new orders."
    )

    def __init__(self, company: Company, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)

    def values(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class VendorForm(forms.Form):
    code = forms.CharField(max_length=20)
    name = forms.CharField(max_length=120)
    port_origin = forms.CharField(
        label="Port of origin", max_length=60, required=False, help_text="e.g. UIO, BOG"
    )
    active = forms.BooleanField(required=False, initial=True)

    def __init__(self, company: Company, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)

    def values(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class LocationForm(forms.Form):
    name = forms.CharField(max_length=120)
    short_name = forms.CharField(label="Short name", max_length=30, required=False)
    code = forms.CharField(max_length=20)
    active = forms.BooleanField(required=False, initial=True)

    def __init__(self, company: Company, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)

    def values(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


# --- customers ---------------------------------------------------------------------------------


class CustomerForm(forms.Form):
    """A customer's details (new customer and edit); pricing terms have their own form."""

    name = forms.CharField(max_length=200)
    code = forms.CharField(
        max_length=30, required=False, help_text="Empty on a new customer: made from the name."
    )
    customer_type = forms.ChoiceField(label="Type", choices=CustomerType.choices)
    sales_rep = forms.TypedChoiceField(label="Sales rep", required=False, coerce=int, empty_value=None)
    default_carrier = forms.TypedChoiceField(
        label="Default carrier", required=False, coerce=int, empty_value=None
    )
    phone = forms.CharField(max_length=40, required=False)
    email = forms.CharField(label="E-mail", max_length=254, required=False)
    email_for_invoices = forms.CharField(
        label="E-mail for invoices", max_length=1000, required=False, help_text="One or more, separated by ;"
    )
    accounting_code = forms.CharField(label="Accounting code", max_length=40, required=False)
    credit_limit = forms.DecimalField(
        label="Credit limit",
        required=False,
        min_value=Decimal("0"),
        max_digits=12,
        decimal_places=2,
        help_text="Empty: unlimited.",
    )
    billing_address = forms.CharField(label="Billing address", max_length=200, required=False)
    billing_city = forms.CharField(label="City", max_length=100, required=False)
    billing_state = forms.CharField(label="State", max_length=50, required=False)
    billing_zipcode = forms.CharField(label="ZIP code", max_length=20, required=False)
    billing_country = forms.CharField(label="Country", max_length=60, required=False)
    active = forms.BooleanField(required=False, initial=True, help_text="Inactive: cannot order.")

    def __init__(self, company: Company, *args: Any, new: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        reps = [(u.pk, u.get_full_name() or u.get_username()) for u in sales_reps_of(company)]
        field_of(self, "sales_rep").choices = [("", "None"), *reps]
        carriers = (
            Carrier.objects.filter(company=company, active=True).order_by("name").values_list("id", "name")
        )
        field_of(self, "default_carrier").choices = [("", "None"), *carriers]
        if new:
            del self.fields["active"]
        else:
            self.fields["code"].required = True
            self.fields["code"].help_text = ""


class ShipToForm(forms.Form):
    name = forms.CharField(max_length=200)
    code = forms.CharField(max_length=30, required=False)
    address = forms.CharField(max_length=200, required=False)
    city = forms.CharField(max_length=100, required=False)
    state = forms.CharField(max_length=50, required=False)
    zipcode = forms.CharField(label="ZIP code", max_length=20, required=False)
    country = forms.CharField(max_length=60, required=False)
    phone = forms.CharField(max_length=40, required=False)
    carrier = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    carrier_account = forms.CharField(label="Carrier account", max_length=60, required=False)

    def __init__(self, company: Company, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        carriers = (
            Carrier.objects.filter(company=company, active=True).order_by("name").values_list("id", "name")
        )
        field_of(self, "carrier").choices = [("", "None"), *carriers]

    @classmethod
    def for_ship_to(cls, company: Company, ship_to: ShipTo) -> ShipToForm:
        initial = {name: getattr(ship_to, name) for name in cls.base_fields if name != "carrier"}
        initial["carrier"] = ship_to.carrier_id
        return cls(company, initial=initial)


# --- users -------------------------------------------------------------------------------------


class NewUserForm(forms.Form):
    username = forms.CharField(max_length=150, help_text="What they sign in with.")
    first_name = forms.CharField(label="First name", max_length=150, required=False)
    last_name = forms.CharField(label="Last name", max_length=150, required=False)
    email = forms.EmailField(label="E-mail", required=False)
    role = forms.ChoiceField(choices=Role.choices, initial=Role.SALES_REP)


class MemberForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)
    active = forms.BooleanField(required=False, help_text="Inactive: cannot sign in here nor use the API.")
