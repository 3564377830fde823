"""The token form: type, binding, whitelist ticked by area, and a secret held only in the form.

Generate makes the secret on the server and puts it in the form twice: shown, for the person to
copy, and signed in a hidden field, so that Save can only store a secret this server made (nobody
can post a weak one of their own), and so that nothing about it is stored before Save.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from django import forms
from django.core import signing

from stemlink.api.presets import BLOOMNET_METHODS
from stemlink.api.registry import TokenType, load_all_methods
from stemlink.api.services import methods_for_type
from stemlink.catalog.models import Vendor
from stemlink.customers.models import Customer
from stemlink.tenancy.models import Company
from stemlink.web.forms import field_of, search_picker

__all__ = [
    "BLOOMNET_METHODS",
    "EditTokenForm",
    "NewTokenForm",
    "grouped_methods",
    "sign_secret",
    "unsign_secret",
]

SECRET_SALT = "stemlink.web.token-form.secret"
# A generated secret must be saved within this time, or generated again.
SECRET_MAX_AGE_SECONDS = 2 * 60 * 60

TOKEN_TYPE_CHOICES = [
    (TokenType.COMPANY.value, "Company"),
    (TokenType.CUSTOMER.value, "Customer"),
    (TokenType.VENDOR.value, "Vendor"),
]


def sign_secret(raw: str) -> str:
    return signing.dumps(raw, salt=SECRET_SALT)


def unsign_secret(signed: str) -> str | None:
    """Return the secret this server generated, or None when it is missing, forged or too old."""
    if not signed:
        return None
    try:
        value = signing.loads(signed, salt=SECRET_SALT, max_age=SECRET_MAX_AGE_SECONDS)
    except signing.BadSignature:
        return None
    return value if isinstance(value, str) else None


def grouped_methods(token_type: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """Return the methods a token of this type may be allowed, as (area, [(name, summary)]) by area."""
    registry = load_all_methods()
    groups: dict[str, list[tuple[str, str]]] = {}
    for name in methods_for_type(token_type):
        spec = registry[name]
        groups.setdefault(spec.area or "Other", []).append((name, spec.summary))
    return list(OrderedDict(sorted(groups.items())).items())


def _method_choices(token_type: str) -> list[tuple[str, str]]:
    return [(name, name) for name in methods_for_type(token_type)] if token_type else []


class MethodsMixin(forms.Form):
    methods = forms.MultipleChoiceField(
        label="API methods",
        required=True,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Tick at least one API method this token may call."},
    )
    transactional = forms.BooleanField(label="Transactional API Access", required=False)

    def ticked_methods(self) -> set[str]:
        """The methods ticked in what was typed (valid or not), to keep the boxes ticked on errors."""
        if self.is_bound:
            return set(self.data.getlist("methods")) if hasattr(self.data, "getlist") else set()
        return set(self.initial.get("methods") or [])

    def typed(self, name: str) -> Any:
        """A value as typed, bound or not."""
        return self.data.get(name) if self.is_bound else self.initial.get(name)


class NewTokenForm(MethodsMixin):
    description = forms.CharField(max_length=200, help_text="Who uses it, e.g. “BloomNet company token”.")
    token_type = forms.ChoiceField(label="Token Type", choices=TOKEN_TYPE_CHOICES, initial="company")
    customer = forms.ModelChoiceField(
        queryset=Customer.objects.none(), required=False, empty_label="Choose the customer…"
    )
    vendor = forms.ModelChoiceField(
        queryset=Vendor.objects.none(), required=False, empty_label="Choose the vendor…"
    )
    secret_signed = forms.CharField(required=False, widget=forms.HiddenInput)

    field_order = ["description", "token_type", "customer", "vendor", "methods", "transactional"]

    def __init__(self, company: Company, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.company = company
        field_of(self, "customer").queryset = Customer.objects.filter(company=company, active=True).order_by(
            "name"
        )
        field_of(self, "vendor").queryset = Vendor.objects.filter(company=company, active=True).order_by(
            "name"
        )
        # Searched as one types: the `<select>` holds only the one chosen.
        search_picker(field_of(self, "customer"), "web:pick_customer_active", "customer")
        search_picker(field_of(self, "vendor"), "web:pick_vendor", "token_vendor")
        field_of(self, "methods").choices = _method_choices(self.chosen_type())

    def chosen_type(self) -> str:
        """The token type as typed (falls back to Company), so the page shows what fits it."""
        raw = self.typed("token_type")
        valid = {value for value, _ in TOKEN_TYPE_CHOICES}
        return raw if raw in valid else TokenType.COMPANY.value

    def secret(self) -> str | None:
        return unsign_secret(self.typed("secret_signed") or "")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        token_type = data.get("token_type")
        if token_type == TokenType.CUSTOMER.value and not data.get("customer"):
            self.add_error("customer", "Choose the customer this token is bound to.")
        if token_type == TokenType.VENDOR.value and not data.get("vendor"):
            self.add_error("vendor", "Choose the vendor this token is bound to.")
        if token_type != TokenType.CUSTOMER.value:
            data["customer"] = None
        if token_type != TokenType.VENDOR.value:
            data["vendor"] = None
        return data


class EditTokenForm(MethodsMixin):
    description = forms.CharField(max_length=200)

    field_order = ["description", "methods", "transactional"]

    def __init__(self, token_type: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_of(self, "methods").choices = _method_choices(token_type)
