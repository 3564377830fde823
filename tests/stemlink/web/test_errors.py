"""The one mapping of StemlinkError to what a page shows."""

from __future__ import annotations

import pytest
from django import forms
from django.test import RequestFactory

from stemlink.errors import FieldError, InvalidState, NotAvailable, ValidationFailed
from stemlink.web.errors import add_error_to_form, error_page


class _Form(forms.Form):
    boxes = forms.IntegerField()
    unit_cost = forms.DecimalField()


def _bound() -> _Form:
    form = _Form({"boxes": "3", "unit_cost": "1"})
    assert form.is_valid()
    return form


def test_field_errors_go_beside_their_fields_renamed_where_needed() -> None:
    form = _bound()
    add_error_to_form(
        form,
        ValidationFailed([FieldError("boxes", "too many"), FieldError("unitCost", "negative")]),
        {"unitCost": "unit_cost"},
    )
    assert form.errors["boxes"] == ["too many"] and form.errors["unit_cost"] == ["negative"]


def test_unknown_fields_and_other_errors_go_on_top() -> None:
    form = _bound()
    add_error_to_form(form, ValidationFailed(FieldError("locationId", "ambiguous")))
    add_error_to_form(form, NotAvailable("only 2 boxes left", 2))
    assert form.non_field_errors() == ["locationId: ambiguous", "only 2 boxes left"]


@pytest.mark.django_db
def test_error_page_has_the_message_and_the_errors_status() -> None:
    request = RequestFactory().get("/")
    response = error_page(request, InvalidState("Invoice W12 is already confirmed."))
    assert response.status_code == 409
    assert b"Invoice W12 is already confirmed." in response.content
