"""Token use cases (create, edit, regenerate, revoke, log in) and reading the audit log.

The CLI, the back office and the `login` method all go through these functions.
"""

from __future__ import annotations

import copy
import datetime as dt
import hmac
import time
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import IntegrityError, connection, transaction
from django.db.models import JSONField, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from stemlink.api import quota, rules
from stemlink.api.errors import InvalidToken
from stemlink.api.models import ApiCall, ApiToken, DailyUsage, IdempotencyKey, RateWindow, TokenKind
from stemlink.api.registry import TokenType, load_all_methods
from stemlink.catalog.models import Vendor
from stemlink.customers.models import Customer
from stemlink.errors import FieldError, InvalidState, NotFound, TooManySignInAttempts, ValidationFailed
from stemlink.tenancy import calendar
from stemlink.tenancy.models import Company, Membership

# Writing last-use on every call would turn every read into a write; a minute is precise enough.
LAST_USED_PRECISION = dt.timedelta(seconds=60)


def methods_for_type(token_type: str) -> list[str]:
    """Return the names of every registered method a token of this type may be allowed to call."""
    registry = load_all_methods()
    return sorted(name for name, spec in registry.items() if spec.needs_token and token_type in spec.tokens)


def _resolve_methods(token_type: str, methods: Iterable[str] | str) -> list[str]:
    allowed = methods_for_type(token_type)
    if isinstance(methods, str):
        if methods.strip().lower() == "all":
            return allowed
        methods = methods.split(",")
    chosen = sorted({m.strip() for m in methods if m and m.strip()})
    registry = load_all_methods()
    unknown = [m for m in chosen if m not in registry]
    if unknown:
        raise ValidationFailed(FieldError("methods", f"unknown method(s): {', '.join(unknown)}"))
    wrong = [m for m in chosen if m not in allowed]
    if wrong:
        raise ValidationFailed(FieldError("methods", f"a {token_type} token cannot call: {', '.join(wrong)}"))
    return chosen


def _check_binding(
    company: Company, token_type: str, customer: Customer | None, vendor: Vendor | None
) -> None:
    if token_type not in TokenKind.values or token_type == TokenKind.USER:
        raise ValidationFailed(
            FieldError("type", "must be one of company, customer, vendor (user tokens come from login)")
        )
    if token_type == TokenKind.CUSTOMER:
        if customer is None:
            raise ValidationFailed(
                FieldError("customer", "a customer token needs the customer it is bound to")
            )
        if customer.company_id != company.pk:
            raise NotFound(f"Customer {customer.pk} is not a customer of {company.name}.")
    elif customer is not None:
        raise ValidationFailed(FieldError("customer", "only a customer token is bound to a customer"))
    if token_type == TokenKind.VENDOR:
        if vendor is None:
            raise ValidationFailed(FieldError("vendor", "a vendor token needs the vendor it is bound to"))
        if vendor.company_id != company.pk:
            raise NotFound(f"Vendor {vendor.pk} is not a vendor of {company.name}.")
    elif vendor is not None:
        raise ValidationFailed(FieldError("vendor", "only a vendor token is bound to a vendor"))


def _new_secret(raw: str | None = None) -> tuple[str, str, str]:
    raw = raw if raw is not None else rules.new_token_secret()
    return raw, rules.token_digest(raw, settings.TOKEN_HASH_KEY), rules.token_prefix(raw)


def create_token(
    company: Company,
    *,
    token_type: str,
    description: str,
    methods: Iterable[str] | str,
    customer: Customer | None = None,
    vendor: Vendor | None = None,
    transactional: bool = False,
    created_by: Any = None,
    secret: str | None = None,
) -> tuple[ApiToken, str]:
    """Make a token and return it with its secret, which is never shown again.

    `secret`: a secret made earlier by `rules.new_token_secret()` (the back office's Generate
    shows it in the form before Save stores it); None makes a fresh one.

    `methods` is a list of method names or "all" (every method a token of that type may call).
    Raises ValidationFailed (bad type, binding or methods), NotFound (customer or vendor of
    another company) or InvalidState (the customer or vendor already has a live token).
    """
    token_type = str(token_type).strip().lower()
    _check_binding(company, token_type, customer, vendor)
    chosen = _resolve_methods(token_type, methods)
    description = (description or "").strip()
    if len(description) > 200:
        raise ValidationFailed(FieldError("description", "must be at most 200 characters"))
    if secret is not None and (
        len(secret) != rules.TOKEN_LENGTH or any(ch not in rules.TOKEN_ALPHABET for ch in secret)
    ):
        raise ValidationFailed(
            FieldError("secret", f"must be {rules.TOKEN_LENGTH} lowercase letters and digits: press Generate")
        )
    raw, digest, prefix = _new_secret(secret)
    try:
        with transaction.atomic():
            token = ApiToken.objects.create(
                company=company,
                token_type=token_type,
                description=description,
                customer=customer,
                vendor=vendor,
                digest=digest,
                prefix=prefix,
                methods=chosen,
                transactional=bool(transactional),
                created_by=created_by,
            )
    except IntegrityError:
        bound = customer if customer is not None else vendor
        raise InvalidState(
            f"{bound} already has a token: revoke it first, or edit or regenerate it (one token each)."
        ) from None
    return token, raw


def regenerate_token(token: ApiToken) -> tuple[ApiToken, str]:
    """Give a token a new secret (the old one stops working at once) and return it once.

    Raises InvalidState for a User token: those come from `login` (revoke it instead).
    """
    if token.token_type == TokenKind.USER:
        raise InvalidState(
            "A User token comes from login: revoke it, and the user's next login makes a new one."
        )
    raw, digest, prefix = _new_secret()
    with transaction.atomic():
        ApiToken.objects.filter(pk=token.pk).update(digest=digest, prefix=prefix, updated_on=timezone.now())
    token.refresh_from_db()
    return token, raw


def update_token(
    token: ApiToken,
    *,
    description: str | None = None,
    methods: Iterable[str] | str | None = None,
    transactional: bool | None = None,
) -> ApiToken:
    """Change a token's description, whitelist or Transactional API Access. Raises ValidationFailed."""
    if description is not None:
        description = description.strip()
        if len(description) > 200:
            raise ValidationFailed(FieldError("description", "must be at most 200 characters"))
        token.description = description
    if methods is not None:
        token.methods = _resolve_methods(token.token_type, methods)
    if transactional is not None:
        token.transactional = bool(transactional)
    with transaction.atomic():
        token.save(update_fields=["description", "methods", "transactional", "updated_on"])
    return token


def revoke_token(token: ApiToken) -> ApiToken:
    """Revoke a token for good: it stops working and its customer or vendor may get a new one."""
    if token.revoked_on is None:
        token.revoked_on = timezone.now()
        with transaction.atomic():
            token.save(update_fields=["revoked_on", "updated_on"])
    return token


def set_token_enabled(token: ApiToken, enabled: bool) -> ApiToken:
    """Switch a token off or back on. Raises InvalidState for a revoked token."""
    if token.revoked_on is not None and enabled:
        raise InvalidState("A revoked token cannot be enabled again; make a new one.")
    token.enabled = bool(enabled)
    with transaction.atomic():
        token.save(update_fields=["enabled", "updated_on"])
    return token


def token_of_company(company: Company, token_id: int) -> ApiToken:
    """Return a token of this company. Raises NotFound."""
    try:
        return ApiToken.objects.get(pk=token_id, company=company)
    except ApiToken.DoesNotExist:
        raise NotFound(f"Token {token_id} was not found in {company.name}.") from None


def tokens_of(company: Company) -> QuerySet[ApiToken]:
    """Return the company's tokens, newest last, with their bindings loaded."""
    return ApiToken.objects.filter(company=company).select_related("customer", "vendor", "user")


def _load_token(digest: str) -> tuple[ApiToken, str | None] | None:
    """Read a token with its company, customer, vendor and user in one statement (None when no
    token has this digest), and for a User token the user's role in the company (None when they
    no longer work there).

    Only User tokens (the back office's own, from `login`) need the membership read, a second
    statement; the marketplace's Customer and Company tokens, the hot path, need one.
    """
    found = next(
        iter(
            ApiToken.objects.select_related("company", "customer", "vendor", "user")
            .filter(digest=digest)
            .order_by()[:1]  # the digest is unique: no ORDER BY for Django to compile on every call
        ),
        None,
    )
    if found is None:
        return None
    if found.token_type != TokenKind.USER or found.user_id is None:
        return found, None
    role = (
        Membership.objects.filter(user_id=found.user_id, company_id=found.company_id, active=True)
        .values_list("role", flat=True)
        .first()
    )
    return found, role


# --- the token memo ------------------------------------------------------------------------------
#
# Building the token's four-join query costs a call more than anything else in the gateway (Django
# compiles ~90 columns on every call). A process keeps the tokens it met, with their company and
# customer, and checks each call with one narrow query: the token's revocation, switch and change
# stamp and its company's and customer's active flags and change stamps, read from
# the database every time. A revoked, disabled, regenerated or deactivated token is refused at
# once, as without the memo; any saved change of the token, company or customer (or of the
# customer's prices) moves a stamp and the token is read in full again. Each call gets its own
# model instances, deep copies of the remembered ones, so a call that changes them changes nothing
# another call sees. Only Company and Customer tokens (the marketplaces', the hot path) are
# remembered: a Vendor token's vendor has no change stamp, and a User token's user's password and
# membership are read with it on every call.

_STAMP = (
    "revoked_on",
    "enabled",
    "updated_on",
    "company__active",
    "company__updated_on",
    "customer__active",
    "customer__updated_on",
    "customer__pricing_updated_on",
)
_MEMO_SIZE = 2048
# A change that moves no stamp (a queryset update() or bulk_update() that leaves updated_on as it
# was) is still seen within this long: a remembered token is read in full again after it.
_MEMO_SECONDS = 60.0


class _Remembered:
    """A token as read, with its company and customer loaded, and its stamp: the check statement's
    row as the database answered it, read just before the token (so a change made in between is
    seen by the next call, which then reads the token again)."""

    __slots__ = ("check_params", "check_sql", "read_at", "stamp", "template")

    def __init__(self, token: ApiToken, stamp: tuple[Any, ...], check: tuple[str, list[Any]]) -> None:
        # A private copy: the caller goes on with (and may change) the instance it was handed.
        self.template = copy.deepcopy(token)
        self.stamp = stamp
        self.read_at = time.monotonic()
        self.check_sql, self.check_params = check

    def token(self) -> ApiToken:
        """Return new instances of the token and what it is bound to (its company and customer):
        a handler that changes them changes nothing another call sees.

        Each instance is a shallow copy (Django's own copy of a model instance, which gives it its
        own state and cache of related objects) with its JSON values copied deeply; a deep copy of
        the whole tree cost a call ~190 Python calls more."""
        template = self.template
        token = _instance_copy(template)
        token.company = _instance_copy(template.company)
        if template.customer is not None:
            token.customer = _instance_copy(template.customer)
        return token


def _check_statement(digest: str) -> tuple[str, list[Any]]:
    """The SQL and parameters of the narrow check of a token: its stamp's columns, by its digest.

    Built by the ORM once per remembered token and then run as it is, on every call: compiling the
    query again was most of a remembered token's cost. Its row is compared as the database answers
    it, with the row read the same way when the token was remembered, so no value is converted."""
    query = ApiToken.objects.filter(digest=digest).order_by().values_list(*_STAMP)[:1].query
    sql, params = query.sql_with_params()
    return sql, list(params)


def _read_check(check: tuple[str, list[Any]]) -> tuple[Any, ...] | None:
    with connection.cursor() as cursor:
        cursor.execute(*check)
        row = cursor.fetchone()
    return None if row is None else tuple(row)


_MUTABLE_FIELDS: dict[type, tuple[str, ...]] = {}


def _instance_copy(instance: Any) -> Any:
    """A new instance with the same values; a JSON value (a list or dict) is copied, not shared."""
    model = type(instance)
    names = _MUTABLE_FIELDS.get(model)
    if names is None:
        names = _MUTABLE_FIELDS[model] = tuple(
            f.attname for f in model._meta.get_fields() if isinstance(f, JSONField)
        )
    fresh = copy.copy(instance)
    for name in names:
        value = getattr(instance, name)
        # A token's whitelist is a list of method names: a new list of the same strings is a copy.
        if isinstance(value, list) and all(type(item) is str for item in value):
            setattr(fresh, name, list(value))
        else:
            setattr(fresh, name, copy.deepcopy(value))
    return fresh


_memo: dict[str, _Remembered] = {}
# Digests of the tokens met that are never remembered (User and Vendor tokens), so their calls
# skip the stamp read and go straight to the full read.
_never_remembered: set[str] = set()
# A call's burst-window and daily counts, as the check statement found them after counting it.
Counts = tuple[int, int]


# What makes a Company or Customer token live, in the stamp's columns (c0 revoked_on, c1 enabled,
# c3 the company's active, c5 the customer's active, NULL for a Company token): the condition the
# PostgreSQL check statement counts a call under.
_LIVE = "c0 IS NULL AND c1 AND c3 AND c5 IS NOT FALSE"


def _check_and_count(
    remembered: _Remembered, now: dt.datetime
) -> tuple[tuple[Any, ...] | None, Counts | None]:
    """Read a remembered token's stamp and, when it is live, count its call (burst window and the
    company's day) in the same statement (PostgreSQL): one round trip for the token check and the
    quota. Returns the stamp (None: the token is gone) and the counts (None: not counted)."""
    template = remembered.template
    sql, params = quota.check_and_count_sql(
        remembered.check_sql,
        remembered.check_params,
        len(_STAMP),
        _LIVE,
        template.pk,
        template.company_id,
        now,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None, None
    stamp, burst_calls, daily_calls = tuple(row[:-2]), row[-2], row[-1]
    return stamp, (None if burst_calls is None else (int(burst_calls), int(daily_calls)))


def _remembered_token(
    digest: str, now: dt.datetime | None = None
) -> tuple[tuple[ApiToken, str | None] | None, Counts | None]:
    """Return the token for this digest as `_load_token` does, from the memo when its stamp still
    matches the database's (one narrow statement), else read in full (and remembered).

    With `now`, on PostgreSQL, the statement that checks a remembered token also counts its call
    when the token is live; the counts come back with it (else None: the caller counts)."""
    remembered = _memo.get(digest)
    counts: Counts | None = None
    if remembered is not None and time.monotonic() - remembered.read_at < _MEMO_SECONDS:
        if now is not None and connection.vendor == "postgresql":
            stamp, counts = _check_and_count(remembered, now)
        else:
            stamp = _read_check((remembered.check_sql, remembered.check_params))
        if stamp is None:
            _memo.pop(digest, None)
            return None, None
        if stamp == remembered.stamp:
            return (remembered.token(), None), counts
        check = (remembered.check_sql, remembered.check_params)  # the stamp just read is the new one
    elif digest in _never_remembered:  # a User or Vendor token: read in full on every call
        return _load_token(digest), counts
    else:
        check = _check_statement(digest)
        stamp = _read_check(check)
    # The stamp first, then the token: a change committed in between moves the stamp the next call
    # reads, so a token remembered older than its stamp is read again, never the other way round.
    found = _load_token(digest) if stamp is not None else None
    if found is None:
        _memo.pop(digest, None)
        return None, counts
    token = found[0]
    if len(_memo) + len(_never_remembered) >= _MEMO_SIZE:
        _memo.clear()
        _never_remembered.clear()
    if token.token_type in (TokenKind.COMPANY, TokenKind.CUSTOMER) and stamp is not None:
        _memo[digest] = _Remembered(token, stamp, check)
    else:
        _never_remembered.add(digest)
    return found, counts


def forget_tokens() -> None:
    """Empty this process's token memo (tests; nothing else needs it: every use checks the stamp)."""
    _memo.clear()
    _never_remembered.clear()


def authenticate_token(raw: str | None) -> ApiToken:
    """Return the live token for a secret. Raises InvalidToken (missing, unknown, disabled, revoked,
    or its company, customer, vendor or user deactivated)."""
    return authenticate_and_count(raw, None)[0]


def authenticate_and_count(raw: str | None, now: dt.datetime | None) -> tuple[ApiToken, Counts | None]:
    """`authenticate_token`, and with `now` the call's burst and daily counts when the token check
    counted them in its own statement (a remembered token on PostgreSQL); None: count the call with
    `quota.count_token_call`. Raises InvalidToken as `authenticate_token` does; the statement counts
    a call only when the row it read says the token is live, so a refused token's call is counted
    against the caller's address alone (the gateway's rule), not against the token or its company."""
    if raw is None or raw.strip() == "":
        raise InvalidToken(
            "authenticationToken is missing: send it in the authenticationToken header, "
            "the query string or the JSON body."
        )
    raw = raw.strip()
    if not rules.looks_like_token(raw):
        raise InvalidToken("authenticationToken is not a valid token.")
    digest = rules.token_digest(raw, settings.TOKEN_HASH_KEY)
    # Checked against the database on every call: a revoked or disabled token stops working at once.
    found, counts = _remembered_token(digest, now)
    token, role = found if found is not None else (None, None)
    # The digest is the index key; comparing it again in constant time costs nothing.
    if token is None or not hmac.compare_digest(token.digest, digest):
        raise InvalidToken("authenticationToken is not a valid token.")
    if token.revoked_on is not None:
        raise InvalidToken("This token was revoked; ask the wholesaler for a new one.")
    if not token.enabled:
        raise InvalidToken("This token is disabled; ask the wholesaler to enable it.")
    if not token.company.active:
        raise InvalidToken("The company of this token is deactivated.")
    if token.token_type == TokenKind.CUSTOMER and (token.customer is None or not token.customer.active):
        raise InvalidToken("The customer of this token is deactivated.")
    if token.token_type == TokenKind.VENDOR and (token.vendor is None or not token.vendor.active):
        raise InvalidToken("The vendor of this token is deactivated.")
    if token.token_type == TokenKind.USER:
        if token.user is None or not token.user.is_active:
            raise InvalidToken("The user of this token is deactivated.")
        if role is None:
            raise InvalidToken("The user of this token no longer works for this company.")
        if rules.login_token_expired(token.expires_on, timezone.now()):
            raise InvalidToken("This token has expired: call login again for a new one.")
        if not _same_password(token.user, token.auth_hash):
            raise InvalidToken("The password of this user changed since login: call login again.")
        token.member_role = role
    return token, counts


def _same_password(user: Any, auth_hash: str) -> bool:
    """Tell whether the user's password is the one they had when `auth_hash` was taken."""
    if not auth_hash:
        return False
    hashes = [user.get_session_auth_hash(), *user.get_session_auth_fallback_hash()]
    return any(hmac.compare_digest(auth_hash, h) for h in hashes)


def record_token_use(token: ApiToken, ip: str | None, now: dt.datetime | None = None) -> None:
    """Note when and from where a token was last used (at most once a minute per address)."""
    now = now or timezone.now()
    ip = ip or None
    stale = token.last_used_on is None or now - token.last_used_on >= LAST_USED_PRECISION
    if stale or token.last_used_ip != ip:
        ApiToken.objects.filter(pk=token.pk).update(last_used_on=now, last_used_ip=ip)
        token.last_used_on, token.last_used_ip = now, ip
        remembered = _memo.get(token.digest)
        if remembered is not None:  # remember the new last use, or every call would write it again
            read_at = remembered.read_at
            # The stamp stays: a queryset update() leaves updated_on as it was.
            remembered = _Remembered(token, remembered.stamp, (remembered.check_sql, remembered.check_params))
            remembered.read_at = read_at
            _memo[token.digest] = remembered


def user_token_lifetime() -> dt.timedelta:
    """How long a User token from `login` works (STEMLINK_USER_TOKEN_HOURS)."""
    return dt.timedelta(hours=settings.USER_TOKEN_HOURS)


def log_in(
    username: str, password: str, *, company_id: int | None = None, request: Any = None
) -> tuple[ApiToken, str]:
    """Exchange a back-office user's name and password for a User token; return it with its secret.

    A user has at most one live User token per company. While it works (not expired, revoked or
    made before a password change) `login` answers that same token again; otherwise it revokes it
    and makes a new one, valid for STEMLINK_USER_TOKEN_HOURS. Attempts go through the sign-in
    throttle (django-axes, with `request`). Raises TooManySignInAttempts when the account or the
    address is locked out, InvalidToken when the credentials are wrong or the user works for no
    (such) company, InvalidState when an administrator disabled the user's token.
    """
    # Without a request (a command, a test) attempts still count against the account.
    request = request if request is not None else HttpRequest()
    user = authenticate(request, username=username, password=password)
    if getattr(request, "axes_locked_out", False):
        raise TooManySignInAttempts(
            "Too many wrong passwords for this account or from this address: sign-in is locked "
            f"for {settings.SIGNIN_COOLOFF_MINUTES:g} minutes. Try again later."
        )
    if user is None or not user.is_active:
        raise InvalidToken("The username or password is wrong.")
    memberships = Membership.objects.filter(user=user, active=True, company__active=True).select_related(
        "company"
    )
    if company_id is not None:
        memberships = memberships.filter(company_id=company_id)
    membership = memberships.order_by("company_id").first()
    if membership is None:
        raise InvalidToken("This user has no active company to sign in to.")
    for _ in range(3):
        try:
            with transaction.atomic():
                return _live_login_token(user, membership.company)
        except IntegrityError:
            continue  # a concurrent login made the live token first: answer that one
    raise InvalidState("Sign-in is busy for this user: try again in a moment.")


def _live_login_token(user: Any, company: Company) -> tuple[ApiToken, str]:
    now = timezone.now()
    key = settings.TOKEN_HASH_KEY
    live = (
        ApiToken.objects.select_for_update()
        .filter(token_type=TokenKind.USER, user=user, company=company, revoked_on__isnull=True)
        .first()
    )
    if live is not None:
        raw = rules.login_token_secret(live.login_nonce, key) if live.login_nonce else ""
        reusable = (
            raw
            and hmac.compare_digest(live.digest, rules.token_digest(raw, key))
            and not rules.login_token_expired(live.expires_on, now)
            and _same_password(user, live.auth_hash)
        )
        if reusable and not live.enabled:
            raise InvalidState(
                "API access of this user is disabled: ask an administrator to enable the token."
            )
        if reusable:
            return live, raw
        ApiToken.objects.filter(pk=live.pk).update(revoked_on=now, updated_on=now)
    nonce = rules.new_login_nonce()
    raw = rules.login_token_secret(nonce, key)
    token = ApiToken.objects.create(
        company=company,
        token_type=TokenKind.USER,
        description=f"login of {user.get_username()}"[:200],
        user=user,
        digest=rules.token_digest(raw, key),
        prefix=rules.token_prefix(raw),
        methods=methods_for_type(TokenType.USER),
        created_by=user,
        expires_on=now + user_token_lifetime(),
        login_nonce=nonce,
        auth_hash=user.get_session_auth_hash(),
    )
    return token, raw


def recent_calls(token: ApiToken, limit: int = 100) -> list[ApiCall]:
    """Return a token's latest calls from the audit log, newest first."""
    return list(ApiCall.objects.filter(token=token).order_by("-created_on", "-id")[: max(0, limit)])


def recent_company_calls(company: Company, limit: int = 100) -> list[ApiCall]:
    """Return a company's latest calls from the audit log, newest first."""
    return list(
        ApiCall.objects.filter(company=company)
        .select_related("token")
        .order_by("-created_on", "-id")[: max(0, limit)]
    )


def sweep_gateway_records(now: dt.datetime | None = None, *, keep_calls_days: int = 90) -> dict[str, int]:
    """Delete what the gateway no longer needs: audit entries past `keep_calls_days`, burst windows
    older than two minutes, idempotency keys past 24 hours, quota rows older than a week.

    Returns how many rows of each kind went. The worker may run it daily; nothing depends on it
    running, since every counter and key is also swept lazily where it is used.
    """
    now = now or timezone.now()
    window = int(now.timestamp()) // 60
    with transaction.atomic():
        calls, _ = ApiCall.objects.filter(created_on__lt=now - dt.timedelta(days=keep_calls_days)).delete()
        windows, _ = RateWindow.objects.filter(window__lt=window - 2).delete()
        keys, _ = IdempotencyKey.objects.filter(created_on__lt=now - dt.timedelta(hours=24)).delete()
        usage, _ = DailyUsage.objects.filter(day__lt=calendar.quota_day(now - dt.timedelta(days=7))).delete()
    return {"calls": calls, "rate_windows": windows, "idempotency_keys": keys, "daily_usage": usage}
