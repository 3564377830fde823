"""The first-run form: the company, its first location and its first administrator."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from stemlink.tenancy.rules import currency_problem, time_zone_problem


class FirstRunForm(forms.Form):
    name = forms.CharField(label="Company name", max_length=200)
    address = forms.CharField(
        label="Address", widget=forms.Textarea(attrs={"rows": 3}), help_text="As printed on invoices."
    )
    time_zone = forms.CharField(
        label="Time zone",
        max_length=64,
        help_text="An IANA name, e.g. America/New_York: the company's business days follow it.",
        widget=forms.TextInput(attrs={"list": "time-zones", "placeholder": "America/New_York"}),
    )
    currency = forms.CharField(
        label="Currency",
        max_length=3,
        initial="USD",
        help_text="The ISO 4217 code your prices are in, e.g. USD.",
        widget=forms.TextInput(attrs={"list": "currencies", "size": 4}),
    )
    location_name = forms.CharField(
        label="First location", max_length=120, help_text="Your warehouse, e.g. Miami warehouse."
    )
    location_code = forms.CharField(
        label="Location code",
        max_length=20,
        required=False,
        help_text="A short code, e.g. MIA (made from the name when blank).",
    )
    transaction_fee_percent = forms.DecimalField(
        label="Transaction fee rate (%)",
        initial=Decimal("1.50"),
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        decimal_places=2,
        max_digits=5,
        help_text="Charged on every order a marketplace places through the API.",
    )
    admin_username = forms.CharField(label="Administrator's username", max_length=150)
    admin_email = forms.EmailField(label="Administrator's e-mail", required=False)
    admin_password = forms.CharField(
        label="Password", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}), strip=False
    )
    admin_password_again = forms.CharField(
        label="Password again",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
    )

    def clean_time_zone(self) -> str:
        value = self.cleaned_data["time_zone"].strip()
        problem = time_zone_problem(value)
        if problem:
            raise forms.ValidationError(problem)
        return value

    def clean_currency(self) -> str:
        value = self.cleaned_data["currency"].strip().upper()
        problem = currency_problem(value)
        if problem:
            raise forms.ValidationError(problem)
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("admin_password") and data.get("admin_password") != data.get("admin_password_again"):
            self.add_error("admin_password_again", "The two passwords differ; type the same one twice.")
        return data
