"""Forms of the marketplace pages; each error is shown next to its field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation

from marketplace.shop.rules import WEEKDAYS
from marketplace.suppliers.models import Supplier
from marketplace.sync.models import Origin


class SignUpForm(forms.Form):
    shop_name = forms.CharField(max_length=120)
    address = forms.CharField(max_length=200)
    city = forms.CharField(max_length=80)
    state = forms.CharField(max_length=40)
    zipcode = forms.CharField(label="ZIP code", max_length=12)
    phone = forms.CharField(max_length=30, required=False)
    email = forms.EmailField(label="E-mail")
    password = forms.CharField(widget=forms.PasswordInput, min_length=8)

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        password_validation.validate_password(password)
        return password


class SignInForm(forms.Form):
    # Operators sign in with their user name, florists with their e-mail.
    email = forms.CharField(label="E-mail", max_length=150)
    password = forms.CharField(widget=forms.PasswordInput)


class OfferFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=100)
    category = forms.ChoiceField(required=False)
    color = forms.ChoiceField(required=False)
    supplier = forms.ChoiceField(required=False)
    origin = forms.ChoiceField(
        label="Stock",
        required=False,
        choices=[
            ("", "On hand and future"),
            (str(Origin.ON_HAND), "On hand"),
            (str(Origin.FUTURE), "Future"),
        ],
    )
    ship_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(
        self, *args: Any, categories: list[str], colors: list[str], suppliers: list[Supplier], **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        choices = {
            "category": [("", "All categories")] + [(c, c) for c in categories],
            "color": [("", "All colors")] + [(c, c) for c in colors],
            "supplier": [("", "All suppliers")] + [(str(s.pk), s.name) for s in suppliers],
        }
        for name, options in choices.items():
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = options


class CartLineForm(forms.Form):
    boxes = forms.IntegerField(min_value=1, max_value=10000)
    ship_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))


class CheckoutForm(forms.Form):
    customer_po = forms.CharField(label="Your PO number", max_length=40, required=False)


class StandingOrderForm(forms.Form):
    boxes = forms.IntegerField(min_value=1, max_value=10000)
    days = forms.MultipleChoiceField(choices=[(d, d) for d in WEEKDAYS], widget=forms.CheckboxSelectMultiple)
    start_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))


class SupplierForm(forms.Form):
    """The connection a wholesaler hands over. Tokens are write-only: never rendered back."""

    name = forms.CharField(max_length=120)
    base_url = forms.URLField(label="API base URL", max_length=300, assume_scheme="https")
    company_id = forms.IntegerField(label="Company ID", min_value=1)
    customer_id = forms.IntegerField(label="Customer ID", min_value=1)
    company_token = forms.CharField(
        label="Company token", max_length=100, required=False, widget=forms.PasswordInput(render_value=False)
    )
    customer_token = forms.CharField(
        label="Customer token", max_length=100, required=False, widget=forms.PasswordInput(render_value=False)
    )
    carrier_id = forms.IntegerField(label="Default Carrier ID", min_value=1)
    location_id = forms.IntegerField(
        label="Location ID (multi-location wholesalers)", min_value=1, required=False
    )
    sync_interval_minutes = forms.IntegerField(
        label="Full sync every (minutes)", min_value=1, max_value=1440, initial=5
    )
    stale_after_minutes = forms.IntegerField(
        label="Offers are stale after (minutes without a sync)", min_value=1, max_value=10080, initial=30
    )

    def __init__(self, *args: Any, supplier: Supplier | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.supplier = supplier
        if supplier is None:
            for name in ("company_token", "customer_token"):
                self.fields[name].required = True
                self.fields[
                    name
                ].help_text = "Stored encrypted and never shown again (so retype it after a refusal)."
        else:
            self.fields["company_token"].help_text = (
                f"Stored ({supplier.company_token_hint}); leave blank to keep it, "
                "unless the base URL changes."
            )
            self.fields["customer_token"].help_text = (
                f"Stored ({supplier.customer_token_hint}); leave blank to keep it, "
                "unless the base URL changes."
            )

    def clean_company_token(self) -> str:
        return self.cleaned_data["company_token"].strip()

    def clean_customer_token(self) -> str:
        return self.cleaned_data["customer_token"].strip()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        base_url = data.get("base_url")
        if self.supplier is not None and base_url and not self.supplier.tokens_fit_url(base_url):
            # Stored tokens are never sent to an address they were not entered for.
            for name in ("company_token", "customer_token"):
                if not data.get(name) and name not in self.errors:
                    self.add_error(
                        name,
                        "The API base URL changed: enter this token again for the new address "
                        "(the stored one is never sent there).",
                    )
        return data


class WebhookSecretForm(forms.Form):
    secret = forms.CharField(
        label="Webhook secret",
        required=False,
        min_length=16,
        max_length=200,
        strip=True,
        widget=forms.PasswordInput(render_value=False),
        help_text="Paste the secret the wholesaler's endpoint signs with, or leave empty to make a new one.",
    )


class FirstOperatorForm(forms.Form):
    username = forms.CharField(label="Operator's username", max_length=150)
    email = forms.EmailField(label="E-mail", required=False)
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}), strip=False
    )
    password_again = forms.CharField(
        label="Password again",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", "The two passwords differ; type the same one twice.")
        return data
