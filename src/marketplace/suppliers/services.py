"""Connect, check and disable wholesalers."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from marketplace.suppliers import client as api
from marketplace.suppliers import rules
from marketplace.suppliers.models import Supplier, SyncStatus
from marketplace.sync import wake as sync_wake
from safeguards import address_rules
from safeguards.http import system_resolver


@dataclass
class ConnectionDetails:
    """What a wholesaler hands over, as typed in the supplier form or given to the CLI."""

    name: str
    base_url: str
    company_id: int
    customer_id: int
    company_token: str
    customer_token: str
    carrier_id: int
    location_id: int | None = None


@dataclass
class CheckResult:
    """The outcome of checking a connection: problems per form field, plus what was learned."""

    problems: dict[str, str] = field(default_factory=dict)
    customer_name: str = ""
    carrier_name: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems


class TokensRequired(ValueError):
    """The base URL changed and the tokens were not entered again for it."""


def base_url_problem(base_url: str) -> str | None:
    """Return why the marketplace must not call this base URL, or None.

    The same address policy as every call (`safeguards.address_rules`): loopback and private
    networks only with MARKETPLACE_ALLOW_PRIVATE_NETWORKS; link-local, multicast, reserved and
    unspecified addresses never, in any spelling, nor names that resolve to them now.
    """
    allow_private = bool(settings.ALLOW_PRIVATE_NETWORKS)
    url = rules.normalise_base_url(base_url)
    problem = address_rules.url_host_problem(url, allow_private=allow_private)
    if problem:
        return f"The API base URL {problem}."
    host = urlsplit(url).hostname or ""
    if address_rules.literal_address(host) is not None:
        return None
    try:
        addresses = system_resolver(host, 443)
    except (OSError, UnicodeError, ValueError):
        return None  # not resolvable now: the connection check says so, and every call checks again
    verdict = address_rules.judge_resolved(host, addresses, allow_private=allow_private)
    if not verdict.ok:
        return f"The API base URL is refused: {verdict.reason}."
    return None


def _describe(exc: api.ApiError, token_label: str) -> tuple[str, str]:
    """Map a failed check call to (form field, plain message)."""
    if isinstance(exc, api.DestinationNotAllowed):
        return "base_url", f"The marketplace does not call this address: {exc.message}"
    if isinstance(exc, api.Unreachable | api.BadAnswer | api.UnknownMethod):
        return "base_url", f"Could not reach the API at this address: {exc.message}"
    if isinstance(exc, api.InvalidToken):
        field_name = "company_token" if token_label == "Company" else "customer_token"
        return field_name, f"The {token_label} token was refused: {exc.message}"
    if isinstance(exc, api.MethodNotAllowed):
        field_name = "company_token" if token_label == "Company" else "customer_token"
        return (
            field_name,
            f"The {token_label} token may not call {exc.method}: tick it in the token's methods.",
        )
    if isinstance(exc, api.WrongAccount):
        return "company_id", f"The Company ID does not match the {token_label} token's company: {exc.message}"
    field_name = "company_token" if token_label == "Company" else "customer_token"
    return field_name, f"{exc.method} failed with the {token_label} token: {exc.message}"


def check_connection(details: ConnectionDetails) -> CheckResult:
    """Check each credential with a live call and name the one that is wrong.

    Company token: carrier.list (and location.list when a Location ID is given); Customer token:
    customer.details.get for the Customer ID. Never raises for a refused credential.
    """
    result = CheckResult()
    problem = base_url_problem(details.base_url)
    if problem:
        result.problems["base_url"] = problem
        return result
    company = api.WholesalerClient(
        details.base_url, details.company_token, account=details.company_id, attempts=1
    )
    customer = api.WholesalerClient(
        details.base_url, details.customer_token, account=details.company_id, attempts=1
    )
    try:
        try:
            carriers = company.call("carrier.list").get("carriers") or []
        except api.ApiError as exc:
            field_name, message = _describe(exc, "Company")
            result.problems[field_name] = message
            if field_name == "base_url":
                return result
        else:
            match = [c for c in carriers if str(c.get("id")) == str(details.carrier_id)]
            if not match:
                known = ", ".join(f"{c.get('id')} {c.get('name')}" for c in carriers[:8]) or "none listed"
                result.problems["carrier_id"] = (
                    f"Carrier ID {details.carrier_id} is not one of the wholesaler's carriers ({known})."
                )
            else:
                result.carrier_name = str(match[0].get("name") or "")
            if details.location_id is not None:
                _check_location(company, details.location_id, result)
        try:
            answer = customer.call("customer.details.get", {"customerId": details.customer_id})
        except api.NotFound:
            result.problems["customer_id"] = (
                f"Customer ID {details.customer_id} is not the customer the Customer token is bound to."
            )
        except api.ApiError as exc:
            field_name, message = _describe(exc, "Customer")
            result.problems.setdefault(field_name, message)
        else:
            found = answer.get("customer") or {}
            found_id = found.get("id", found.get("customerId"))
            if found_id is not None and str(found_id) != str(details.customer_id):
                result.problems["customer_id"] = (
                    f"The Customer token belongs to customer {found_id}, not {details.customer_id}."
                )
            result.customer_name = str(found.get("name") or "")
    finally:
        company.close()
        customer.close()
    return result


def _check_location(company: api.WholesalerClient, location_id: int, result: CheckResult) -> None:
    try:
        locations = company.call("location.list").get("locations") or []
    except api.MethodNotAllowed:
        return  # the whitelist may leave location.list out; the ID is then checked at the first order
    except api.ApiError as exc:
        result.problems["location_id"] = f"Could not list locations to check the Location ID: {exc.message}"
        return
    if not any(str(loc.get("id")) == str(location_id) for loc in locations):
        result.problems["location_id"] = (
            f"Location ID {location_id} is not one of the wholesaler's locations."
        )


@transaction.atomic
def save_supplier(
    details: ConnectionDetails, *, supplier: Supplier | None = None, **options: Any
) -> Supplier:
    """Create or update a supplier from checked connection details (call check_connection first).

    Empty tokens on an update keep the stored ones, as long as the base URL stays the one they
    were entered for; a new base URL needs both tokens again (raises TokensRequired), so stored
    tokens are never sent to an address they were not entered for. A new supplier gets a webhook
    secret and is due for a full sync at once.
    """
    creating = supplier is None
    supplier = supplier or Supplier()
    new_base_url = rules.normalise_base_url(details.base_url)
    both_given = bool(details.company_token and details.customer_token)
    if not both_given and (creating or supplier.tokens_base_url != new_base_url):
        raise TokensRequired(
            "The API base URL is new: enter both tokens again (stored tokens are never sent to "
            "an address they were not entered for)."
        )
    supplier.name = details.name
    supplier.base_url = new_base_url
    if both_given:
        supplier.tokens_base_url = new_base_url
    supplier.company_id = details.company_id
    supplier.customer_id = details.customer_id
    supplier.carrier_id = details.carrier_id
    supplier.location_id = details.location_id
    if details.company_token:
        supplier.company_token = details.company_token
    if details.customer_token:
        supplier.customer_token = details.customer_token
    for key, value in options.items():
        setattr(supplier, key, value)
    if creating or not supplier.webhook_secret_sealed:
        supplier.webhook_secret = new_webhook_secret()
    if creating:
        supplier.full_sync_requested = True
    if supplier.active and supplier.last_sync_status == SyncStatus.DISABLED:
        supplier.last_sync_status = SyncStatus.NEVER if supplier.last_success_at is None else SyncStatus.OK
    supplier.save()
    return supplier


def details_of(supplier: Supplier) -> ConnectionDetails:
    """Read a stored supplier back into connection details (tokens decrypted) for a re-check.

    Tokens entered for another base URL are left out (empty): they are never sent there.
    """
    fit = supplier.tokens_fit_base_url()
    return ConnectionDetails(
        name=supplier.name,
        base_url=supplier.base_url,
        company_id=supplier.company_id,
        customer_id=supplier.customer_id,
        company_token=supplier.company_token if fit else "",
        customer_token=supplier.customer_token if fit else "",
        carrier_id=supplier.carrier_id,
        location_id=supplier.location_id,
    )


def set_supplier_active(supplier: Supplier, active: bool) -> None:
    """Enable or disable a supplier; a disabled one is not synced and its offers are not sold."""
    supplier.active = active
    if active:
        supplier.full_sync_requested = True
        supplier.last_sync_status = SyncStatus.NEVER if supplier.last_success_at is None else SyncStatus.OK
    else:
        supplier.last_sync_status = SyncStatus.DISABLED
    supplier.save(update_fields=["active", "full_sync_requested", "last_sync_status", "updated_at"])


def request_sync(supplier: Supplier, *, full: bool = True) -> None:
    """Ask the worker to sync this supplier now (the "Sync now" button, webhooks); it is woken on commit."""
    fields = {"full_sync_requested": True} if full else {"delta_requested": True}
    with transaction.atomic():
        Supplier.objects.filter(pk=supplier.pk).update(**fields, updated_at=timezone.now())
        sync_wake.sync_requested()


def new_webhook_secret() -> str:
    """Make a random webhook signing secret."""
    return "whsec_" + secrets.token_urlsafe(32)


def set_webhook_secret(supplier: Supplier, secret: str) -> None:
    """Store the secret webhooks from this supplier are signed with (encrypted)."""
    supplier.webhook_secret = secret
    supplier.save(update_fields=["webhook_secret_sealed", "updated_at"])
