"""A wholesaler connected to the marketplace, with the IDs and tokens it handed over."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.utils import timezone

from marketplace.suppliers import rules, vault
from marketplace.suppliers.client import TokensNotForThisUrl, WholesalerClient
from marketplace.suppliers.rules import normalise_base_url


class SyncStatus(models.TextChoices):
    NEVER = "never", "Not synced yet"
    OK = "ok", "OK"
    FAILED = "failed", "Failed"
    WAITING_QUOTA = "waiting_quota", "Waiting for API quota"
    DISABLED = "disabled", "Disabled"


class Supplier(models.Model):
    """A wholesaler's Stemlink account as the marketplace reaches it.

    Tokens and the webhook secret are stored encrypted (Fernet) and never shown again.
    """

    name = models.CharField(max_length=120)
    base_url = models.URLField("API base URL", max_length=300)
    company_id = models.PositiveBigIntegerField("Company ID")
    customer_id = models.PositiveBigIntegerField("Customer ID")
    company_token_sealed = models.TextField(blank=True)
    company_token_hint = models.CharField(max_length=12, blank=True)
    customer_token_sealed = models.TextField(blank=True)
    customer_token_hint = models.CharField(max_length=12, blank=True)
    webhook_secret_sealed = models.TextField(blank=True)
    # The base URL the stored tokens were entered for: they are never sent anywhere else, and a
    # changed base URL needs the tokens typed again.
    tokens_base_url = models.CharField(max_length=300, blank=True)
    carrier_id = models.PositiveBigIntegerField("default Carrier ID")
    location_id = models.PositiveBigIntegerField("Location ID", null=True, blank=True)
    active = models.BooleanField(default=True)
    sync_interval_minutes = models.PositiveIntegerField(default=5)
    stale_after_minutes = models.PositiveIntegerField(default=30)

    last_sync_status = models.CharField(max_length=20, choices=SyncStatus.choices, default=SyncStatus.NEVER)
    last_sync_message = models.CharField(max_length=500, blank=True)
    last_sync_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    next_full_sync_at = models.DateTimeField(null=True, blank=True)
    next_delta_at = models.DateTimeField(null=True, blank=True)
    # The wholesaler's clock at the start of the last successful sync, "YYYY-MM-DD hh:mm:ss" UTC:
    # the next delta asks for everything changed since then.
    delta_cursor = models.CharField(max_length=19, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    full_sync_requested = models.BooleanField(default=False)
    delta_requested = models.BooleanField(default=False)
    # A worker claims a supplier until this time before syncing it, so two workers never sync
    # the same supplier at once (and a crashed worker's claim runs out by itself).
    sync_lease_until = models.DateTimeField(null=True, blank=True)

    ratelimit_limit = models.IntegerField(null=True, blank=True)
    ratelimit_remaining = models.IntegerField(null=True, blank=True)
    ratelimit_reset_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    # Secrets -------------------------------------------------------------------------------
    @property
    def company_token(self) -> str:
        return vault.unseal(self.company_token_sealed)

    @company_token.setter
    def company_token(self, plain: str) -> None:
        self.company_token_sealed = vault.seal(plain)
        self.company_token_hint = vault.hint(plain)

    @property
    def customer_token(self) -> str:
        return vault.unseal(self.customer_token_sealed)

    @customer_token.setter
    def customer_token(self, plain: str) -> None:
        self.customer_token_sealed = vault.seal(plain)
        self.customer_token_hint = vault.hint(plain)

    @property
    def webhook_secret(self) -> str:
        return vault.unseal(self.webhook_secret_sealed)

    @webhook_secret.setter
    def webhook_secret(self, plain: str) -> None:
        self.webhook_secret_sealed = vault.seal(plain)

    # State ---------------------------------------------------------------------------------
    def is_stale(self, now: dt.datetime | None = None) -> bool:
        """Offers are stale when no sync has succeeded within `stale_after_minutes`."""
        now = now or timezone.now()
        if self.last_success_at is None:
            return self.last_sync_status != SyncStatus.NEVER
        return now - self.last_success_at > dt.timedelta(minutes=self.stale_after_minutes)

    @property
    def rate_limit(self) -> rules.RateLimit | None:
        if self.ratelimit_remaining is None and self.ratelimit_limit is None:
            return None
        return rules.RateLimit(self.ratelimit_limit, self.ratelimit_remaining, self.ratelimit_reset_at)

    def remember_rate_limit(self, rate: rules.RateLimit) -> None:
        """Keep the latest quota headers (one UPDATE, so concurrent writers do not clobber other fields)."""
        self.ratelimit_limit = rate.limit
        self.ratelimit_remaining = rate.remaining
        self.ratelimit_reset_at = rate.reset_at
        if self.pk:
            Supplier.objects.filter(pk=self.pk).update(
                ratelimit_limit=rate.limit,
                ratelimit_remaining=rate.remaining,
                ratelimit_reset_at=rate.reset_at,
            )

    def tokens_fit_base_url(self) -> bool:
        """Tell whether the stored tokens were entered for the current base URL."""
        return self.tokens_fit_url(self.base_url)

    def tokens_fit_url(self, base_url: str) -> bool:
        """Tell whether the stored tokens were entered for this base URL."""
        return bool(self.tokens_base_url) and self.tokens_base_url == normalise_base_url(base_url)

    def _token_for_call(self, token: str) -> str:
        if not self.tokens_fit_base_url():
            raise TokensNotForThisUrl(
                f"the stored tokens were entered for {self.tokens_base_url or 'another address'}, "
                f"not {self.base_url}: enter both tokens again for the new base URL"
            )
        return token

    def company_client(self, **kwargs: Any) -> WholesalerClient:
        """A client speaking with the Company token (X-ACCOUNT = Company ID).

        Raises TokensNotForThisUrl when the token was entered for another base URL.
        """
        return WholesalerClient(
            self.base_url,
            self._token_for_call(self.company_token),
            account=self.company_id,
            rate_limit=self.rate_limit,
            on_rate_limit=self.remember_rate_limit,
            **kwargs,
        )

    def customer_client(self, **kwargs: Any) -> WholesalerClient:
        """A client speaking with the Customer token (X-ACCOUNT = Company ID).

        Raises TokensNotForThisUrl when the token was entered for another base URL.
        """
        return WholesalerClient(
            self.base_url,
            self._token_for_call(self.customer_token),
            account=self.company_id,
            rate_limit=self.rate_limit,
            on_rate_limit=self.remember_rate_limit,
            **kwargs,
        )


class FirstOperator(models.Model):
    """The one row that says the marketplace's first operator was made: its primary key is always 1.

    Made in the same transaction as the operator, so two first-run submissions at once make one
    operator: the second insert of id 1 fails (PostgreSQL) or waits and then finds an operator
    (SQLite), and nothing of it is kept.
    """

    ONLY_ID = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=ONLY_ID)
    # Kept when that user is later deleted: the first run stays done.
    user = models.ForeignKey("auth.User", on_delete=models.SET_NULL, null=True, related_name="+")
    done_on = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="first_operator_single_row")]

    def __str__(self) -> str:
        return f"First operator made on {self.done_on:%Y-%m-%d}"
