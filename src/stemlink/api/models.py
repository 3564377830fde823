"""API tokens, and what the gateway keeps about calls: quota counters, idempotency keys, the audit log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from stemlink.catalog.models import Vendor
from stemlink.customers.models import Customer
from stemlink.tenancy.models import Company


class TokenKind(models.TextChoices):
    COMPANY = "company", "Company"
    CUSTOMER = "customer", "Customer"
    VENDOR = "vendor", "Vendor"
    USER = "user", "User"


class ApiToken(models.Model):
    """A key to the API for one company, bound to a customer, a vendor or a user by its type.

    Only a keyed digest of the secret is kept (plus a 6-character prefix to show in lists): a
    stolen database does not hand out working tokens, and the secret is shown once, when made.
    """

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="api_tokens")
    token_type = models.CharField(max_length=10, choices=TokenKind.choices)
    description = models.CharField(max_length=200, blank=True)
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, null=True, blank=True, related_name="api_tokens"
    )
    vendor = models.ForeignKey(
        Vendor, on_delete=models.CASCADE, null=True, blank=True, related_name="api_tokens"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="api_tokens"
    )
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=6)
    # The names of the methods this token may call (the ticked boxes of the token form).
    methods = models.JSONField(default=list, blank=True)
    transactional = models.BooleanField(
        default=False, help_text="Transactional API Access: unlocks the 🔒 parameters."
    )
    enabled = models.BooleanField(default=True)
    revoked_on = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_on = models.DateTimeField(auto_now_add=True)
    updated_on = models.DateTimeField(auto_now=True)
    last_used_on = models.DateTimeField(null=True, blank=True)
    last_used_ip = models.GenericIPAddressField(null=True, blank=True)
    # User tokens (from `login`) only: when the token stops working; the random value its secret is
    # derived from with the token key (so a repeated login can answer the same secret while it
    # lives, though only the digest of the secret is stored); and a keyed hash of the user's
    # password hash when it was made, so a password change ends it.
    expires_on = models.DateTimeField(null=True, blank=True)
    login_nonce = models.CharField(max_length=64, blank=True)
    auth_hash = models.CharField(max_length=128, blank=True)

    # Not a column: the role of a User token's user in the token's company, read with the token.
    member_role: str | None = None

    class Meta:
        ordering = ["id"]
        constraints = [
            # Komet's rule: one token per customer (and per vendor); a revoked one no longer counts.
            models.UniqueConstraint(
                fields=["customer"],
                condition=Q(token_type="customer", revoked_on__isnull=True),
                name="one_live_token_per_customer",
            ),
            models.UniqueConstraint(
                fields=["vendor"],
                condition=Q(token_type="vendor", revoked_on__isnull=True),
                name="one_live_token_per_vendor",
            ),
            # `login` answers the user's live token again instead of piling up new ones.
            models.UniqueConstraint(
                fields=["user", "company"],
                condition=Q(token_type="user", revoked_on__isnull=True),
                name="one_live_login_token_per_user_company",
            ),
            models.CheckConstraint(
                condition=(
                    Q(token_type="company", customer__isnull=True, vendor__isnull=True, user__isnull=True)
                    | Q(token_type="customer", customer__isnull=False, vendor__isnull=True, user__isnull=True)
                    | Q(token_type="vendor", customer__isnull=True, vendor__isnull=False, user__isnull=True)
                    | Q(token_type="user", customer__isnull=True, vendor__isnull=True, user__isnull=False)
                ),
                name="token_binding_matches_type",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_token_type_display()} token {self.prefix}… ({self.description or 'no description'})"
        )

    @property
    def is_live(self) -> bool:
        return self.enabled and self.revoked_on is None


class DailyUsage(models.Model):
    """Calls a company made on one UTC day: the daily quota's counter, shared by every server process."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    calls = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["company", "day"], name="one_usage_row_per_company_day")
        ]

    def __str__(self) -> str:
        return f"company {self.company_id} on {self.day}: {self.calls} calls"


class RateWindow(models.Model):
    """Calls in one minute under one key (a token, or an address for calls without a token)."""

    key = models.CharField(max_length=80)
    window = models.BigIntegerField(help_text="Minutes since the epoch.")
    calls = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "window"], name="one_rate_row_per_key_window")]
        indexes = [models.Index(fields=["window"], name="ratewindow_window")]

    def __str__(self) -> str:
        return f"{self.key} in minute {self.window}: {self.calls} calls"


class IdempotencyKey(models.Model):
    """The first answer to a write call made with an `Idempotency-Key`, replayed to its repeats."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    method = models.CharField(max_length=100)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of the method and its parameters.")
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    body = models.BinaryField(null=True, blank=True)
    created_on = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["token", "key"], name="one_idempotency_key_per_token")]
        indexes = [models.Index(fields=["token", "created_on"], name="idem_token_created")]

    def __str__(self) -> str:
        return f"{self.method} key {self.key[:20]}"


class ApiCall(models.Model):
    """One call to the API, as the audit log shows it (parameters without secrets)."""

    created_on = models.DateTimeField(db_index=True)
    company = models.ForeignKey(Company, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    token = models.ForeignKey(
        ApiToken, on_delete=models.SET_NULL, null=True, blank=True, related_name="calls"
    )
    token_prefix = models.CharField(max_length=6, blank=True)
    method = models.CharField(max_length=100)
    params = models.JSONField(default=dict, blank=True)
    status = models.PositiveSmallIntegerField(help_text="1 success, 0 failure")
    error_code = models.CharField(max_length=40, blank=True)
    http_status = models.PositiveSmallIntegerField()
    duration_ms = models.PositiveIntegerField()
    ip = models.GenericIPAddressField(null=True, blank=True)
    sales_channel = models.CharField(max_length=30, blank=True)

    class Meta:
        ordering = ["-created_on", "-id"]
        indexes = [
            models.Index(fields=["token", "-created_on"], name="apicall_token_time"),
            models.Index(fields=["company", "-created_on"], name="apicall_company_time"),
        ]

    def __str__(self) -> str:
        return f"{self.created_on:%Y-%m-%d %H:%M:%S} {self.method} → {self.http_status}"
