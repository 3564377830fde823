"""Setup » Settings » Integrations » Tokens: list, New Token (Generate, Save), edit, regenerate,
disable, revoke, and each token's recent calls from the audit log."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from stemlink.api import rules as token_rules
from stemlink.api.models import ApiToken
from stemlink.api.services import (
    create_token,
    recent_calls,
    regenerate_token,
    revoke_token,
    set_token_enabled,
    token_of_company,
    tokens_of,
    update_token,
)
from stemlink.errors import StemlinkError
from stemlink.tenancy.rules import Perm
from stemlink.web.access import CompanyRequest, company_page
from stemlink.web.errors import add_error_to_form
from stemlink.web.token_forms import (
    BLOOMNET_METHODS,
    EditTokenForm,
    NewTokenForm,
    grouped_methods,
    sign_secret,
)


@company_page(Perm.SETUP)
def token_list(request: CompanyRequest) -> HttpResponse:
    # Sign-in (User) tokens come from the `login` method, one per sign-in: hidden unless asked for.
    show_users = request.GET.get("users") == "1"
    tokens = tokens_of(request.company).order_by("-created_on", "-id")
    if not show_users:
        tokens = tokens.exclude(token_type="user")
    return render(
        request, "web/tokens/list.html", {"tokens": tokens, "show_users": show_users, "section": "setup"}
    )


def _new_form_context(form: NewTokenForm, notice: str = "") -> dict[str, Any]:
    token_type = form.chosen_type()
    available = {name for _, items in grouped_methods(token_type) for name, _ in items}
    preset = BLOOMNET_METHODS.get(token_type, ())
    return {
        "form": form,
        "token_type": token_type,
        "groups": grouped_methods(token_type),
        "ticked": form.ticked_methods(),
        "secret": form.secret(),
        "preset_missing": [m for m in preset if m not in available],
        "has_preset": bool(preset),
        "notice": notice,
        "section": "setup",
    }


def _rebuild(request: CompanyRequest, **changes: Any) -> NewTokenForm:
    """The form as typed, unbound: Generate, the preset and a type change show no errors yet."""
    typed: dict[str, Any] = {
        name: request.POST.get(name, "")
        for name in ("description", "token_type", "customer", "vendor", "secret_signed")
    }
    typed["methods"] = request.POST.getlist("methods")
    typed["transactional"] = request.POST.get("transactional") in {"on", "true", "1"}
    typed.update(changes)
    return NewTokenForm(request.company, initial=typed)


@company_page(Perm.SETUP)
@never_cache  # the page shows a secret (once): no browser or proxy may keep a copy
def token_new(request: CompanyRequest) -> HttpResponse:
    if request.method != "POST":
        form = NewTokenForm(request.company, initial={"token_type": "company"})
        return render(request, "web/tokens/new.html", _new_form_context(form))
    form = NewTokenForm(request.company, request.POST)
    action = request.POST.get("action", "save")
    if action == "generate":
        form = _rebuild(request, secret_signed=sign_secret(token_rules.new_token_secret()))
        return render(
            request, "web/tokens/new.html", _new_form_context(form, "New token generated: copy it now.")
        )
    if action == "bloomnet":
        token_type = form.chosen_type()
        available = {name for _, items in grouped_methods(token_type) for name, _ in items}
        preset = [m for m in BLOOMNET_METHODS.get(token_type, ()) if m in available]
        form = _rebuild(request, methods=preset)
        notice = (
            f"BloomNet methods for a {token_type} token ticked."
            if preset
            else "BloomNet uses Company and Customer tokens only: there is no preset for this type."
        )
        return render(request, "web/tokens/new.html", _new_form_context(form, notice))
    if action == "refresh":
        # The type changed: show the pickers and methods that fit it, keep everything else.
        return render(request, "web/tokens/new.html", _new_form_context(_rebuild(request)))
    secret = form.secret()
    valid = form.is_valid()
    if secret is None:
        form.add_error(None, "Press Generate to make the token, copy it, then Save.")
        valid = False
    elif ApiToken.objects.filter(digest=token_rules.token_digest(secret, settings.TOKEN_HASH_KEY)).exists():
        # Back button, then Save again: that token is already stored; never store it twice.
        form.add_error(None, "This generated token was already saved. Press Generate for a new one.")
        valid = False
    if valid:
        data = form.cleaned_data
        try:
            token, _ = create_token(
                request.company,
                token_type=data["token_type"],
                description=data["description"],
                methods=data["methods"],
                customer=data["customer"],
                vendor=data["vendor"],
                transactional=data["transactional"],
                created_by=request.user,
                secret=secret,
            )
        except StemlinkError as exc:
            add_error_to_form(form, exc, {"type": "token_type"})
        else:
            messages.success(
                request,
                f"Token {token.prefix}… saved. It is never shown again: keep the copy you made "
                "(or regenerate it).",
            )
            return redirect("web:token", token_id=token.pk)
    return render(request, "web/tokens/new.html", _new_form_context(form), status=200)


def _detail(
    request: CompanyRequest, token: ApiToken, form: EditTokenForm | None = None, new_secret: str | None = None
) -> HttpResponse:
    if form is None:
        form = EditTokenForm(
            token.token_type,
            initial={
                "description": token.description,
                "methods": list(token.methods),
                "transactional": token.transactional,
            },
        )
    return render(
        request,
        "web/tokens/detail.html",
        {
            "token": token,
            "form": form,
            "groups": grouped_methods(token.token_type),
            "ticked": form.ticked_methods(),
            "calls": recent_calls(token, 50),
            "new_secret": new_secret,
            "section": "setup",
        },
    )


@company_page(Perm.SETUP)
@never_cache  # the page shows a secret (once): no browser or proxy may keep a copy
def token_detail(request: CompanyRequest, token_id: int) -> HttpResponse:
    token = token_of_company(request.company, token_id)
    if request.method == "POST":
        form = EditTokenForm(token.token_type, request.POST)
        if token.revoked_on is not None:
            form.add_error(None, "A revoked token cannot be edited.")
        elif form.is_valid():
            try:
                update_token(
                    token,
                    description=form.cleaned_data["description"],
                    methods=form.cleaned_data["methods"],
                    transactional=form.cleaned_data["transactional"],
                )
            except StemlinkError as exc:
                token.refresh_from_db()
                add_error_to_form(form, exc)
            else:
                messages.success(request, "Token saved.")
                return redirect("web:token", token_id=token.pk)
        return _detail(request, token, form)
    return _detail(request, token)


@require_POST
@company_page(Perm.SETUP)
@never_cache  # the page shows a secret (once): no browser or proxy may keep a copy
def token_regenerate(request: CompanyRequest, token_id: int) -> HttpResponse:
    token = token_of_company(request.company, token_id)
    if token.revoked_on is not None:
        messages.error(request, "A revoked token cannot be regenerated; make a new one.")
        return redirect("web:token", token_id=token.pk)
    token, raw = regenerate_token(token)
    # Shown in this one answer only: it is not stored anywhere the next page could read it.
    messages.warning(request, "Token regenerated: the old one stopped working. Copy the new one now.")
    return _detail(request, token, new_secret=raw)


@require_POST
@company_page(Perm.SETUP)
def token_enable(request: CompanyRequest, token_id: int) -> HttpResponse:
    token = token_of_company(request.company, token_id)
    enable = request.POST.get("enabled") == "1"
    set_token_enabled(token, enable)
    messages.success(request, "Token enabled." if enable else "Token disabled: calls with it are refused.")
    return redirect("web:token", token_id=token.pk)


@require_POST
@company_page(Perm.SETUP)
def token_revoke(request: CompanyRequest, token_id: int) -> HttpResponse:
    token = token_of_company(request.company, token_id)
    revoke_token(token)
    messages.success(request, "Token revoked for good.")
    return redirect("web:token", token_id=token.pk)
