"""The marketplace's first run: the operator's first page on an install with no operator.

Public by necessity (nobody can sign in yet), CSRF-protected, and gone (404) as soon as an
operator exists, so it can never make a second one.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from marketplace.suppliers.operators import (
    AlreadySetUp,
    OperatorErrors,
    create_first_operator,
    first_run_done,
)
from marketplace.web.forms import FirstOperatorForm


def _gone(request: HttpRequest) -> HttpResponse:
    return render(request, "marketplace/first_run_gone.html", {"message": AlreadySetUp.message}, status=404)


@never_cache
@csrf_protect
def first_operator(request: HttpRequest) -> HttpResponse:
    if first_run_done():
        return _gone(request)
    form = FirstOperatorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = create_first_operator(
                username=data["username"], email=data["email"], password=data["password"]
            )
        except AlreadySetUp:
            return _gone(request)
        except OperatorErrors as exc:
            for field, message in exc.errors.items():
                form.add_error(field if field in form.fields else None, message)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Welcome, {user.get_username()}: connect your first wholesaler.")
            return redirect("operator_suppliers")
    return render(request, "marketplace/first_run.html", {"form": form})
