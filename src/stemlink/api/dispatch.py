"""The gateway: one view answers every API method, at `/api/<method>` and `/api/v2/<method>`.

The order of the checks is the contract: size, method, token, limits, `X-ACCOUNT`, token type and
whitelist, then parameters, and only then the handler. Everything a client sends that is wrong
ends as an answer with `status` 0 and an `errorCode`; a 500 means a bug of ours, and is logged.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import orjson
import pydantic
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent
from django.db import InterfaceError, OperationalError, transaction
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.multipartparser import MultiPartParserError
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from stemlink.api import audit, envelope, idempotency, quota, rules, services, streamed
from stemlink.api.errors import HeaderTooLarge, RequestTooLarge, UnknownMethod, UriTooLong, WrongAccount
from stemlink.api.models import ApiToken, IdempotencyKey, TokenKind
from stemlink.api.registry import CallContext, MethodSpec, TokenType, load_all_methods
from stemlink.errors import FieldError, PermissionDenied, RoleRefused, StemlinkError, ValidationFailed
from stemlink.tenancy.models import Company
from stemlink.tenancy.rules import allows, method_permission, refusal_message

logger = logging.getLogger(__name__)

TOKEN_PARAM = "authenticationToken"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
_registry: dict[str, MethodSpec] | None = None


def registry() -> dict[str, MethodSpec]:
    """Return every registered method, importing the method modules once per process."""
    global _registry
    if _registry is None:
        _registry = load_all_methods()
    return _registry


@dataclass
class _Call:
    """What the audit log needs to know about a call, filled in as the call goes."""

    method: str
    ip: str
    sales_channel: str
    params: dict[str, Any] = field(default_factory=dict)
    token: ApiToken | None = None
    company: Company | None = None
    headers: dict[str, str] = field(default_factory=dict)
    started: float = field(default_factory=time.perf_counter)
    when: dt.datetime = field(default_factory=timezone.now)
    audited: bool = False


def _client_ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR") or "")


def _check_size(request: HttpRequest) -> bytes:
    declared = request.META.get("CONTENT_LENGTH") or "0"
    try:
        length = int(declared)
    except ValueError:
        length = 0
    if length > rules.MAX_BODY_BYTES:
        raise RequestTooLarge(f"The request body is {length:,} bytes; the most the API takes is 64 KB.")
    try:
        body = request.body
    except RequestDataTooBig:
        raise RequestTooLarge("The request body is too large; the most the API takes is 64 KB.") from None
    if len(body) > rules.MAX_BODY_BYTES:
        raise RequestTooLarge(f"The request body is {len(body):,} bytes; the most the API takes is 64 KB.")
    return body


def _check_lengths(request: HttpRequest) -> None:
    """Refuse an over-long URL (414) or header (431) with the envelope, before anything reads them."""
    target = len(request.META.get("PATH_INFO", "").encode("utf-8", "surrogateescape")) + len(
        str(request.META.get("QUERY_STRING", ""))
    )
    if target > rules.MAX_URL_BYTES:
        raise UriTooLong(
            f"The URL is {target:,} bytes; the most the API reads is {rules.MAX_URL_BYTES:,}. "
            "Send the parameters in a POST body (JSON or a form) instead."
        )
    for name, value in request.META.items():
        if name.startswith("HTTP_") and isinstance(value, str) and len(value) > rules.MAX_HEADER_BYTES:
            header = name[5:].replace("_", "-").title()
            raise HeaderTooLarge(
                f"The {header} header is {len(value):,} bytes; the most the API reads is "
                f"{rules.MAX_HEADER_BYTES:,}."
            )


def _query_params(request: HttpRequest) -> dict[str, Any]:
    params: dict[str, Any] = {}
    try:
        for key in request.GET:
            values = request.GET.getlist(key)
            params[key] = values[-1] if len(values) == 1 else values
    except SuspiciousOperation:  # TooManyFieldsSent: more than DATA_UPLOAD_MAX_NUMBER_FIELDS
        raise UriTooLong(
            f"The URL has more than {rules.MAX_PARAMETERS:,} parameters; send fewer, or a POST body."
        ) from None
    return params


def _body_params(request: HttpRequest, body: bytes) -> dict[str, Any]:
    content_type = (request.content_type or "").lower()
    if content_type in FORM_TYPES:
        form: dict[str, Any] = {}
        try:
            for key in request.POST:
                values = request.POST.getlist(key)
                form[key] = values[-1] if len(values) == 1 else values
        except TooManyFieldsSent:
            raise ValidationFailed(
                FieldError("body", f"has more than {rules.MAX_PARAMETERS:,} fields; send fewer"),
                f"The form has more than {rules.MAX_PARAMETERS:,} fields; no API method takes that many.",
            ) from None
        except (SuspiciousOperation, MultiPartParserError, ValueError) as exc:
            raise ValidationFailed(
                FieldError("body", f"is not a form this API can read ({type(exc).__name__})"),
                "The form body could not be read: send the parameters as JSON or a plain form.",
            ) from None
        return form
    if not body.strip():
        return {}
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise ValidationFailed(
            FieldError("body", f"is not valid JSON ({exc.msg} at character {exc.pos})"),
            "The request body is not valid JSON: send a JSON object of parameters.",
        ) from None
    if not isinstance(data, dict):
        raise ValidationFailed(
            FieldError("body", 'must be a JSON object of parameters, e.g. {"customerId": 12}'),
        )
    if rules.nesting_depth(data) > rules.MAX_NESTING:
        raise ValidationFailed(
            FieldError("body", f"nests lists and objects more than {rules.MAX_NESTING} deep"),
            f"The request body nests more than {rules.MAX_NESTING} levels deep; no API method takes that.",
        )
    return data


def _token_secret(request: HttpRequest, query: dict[str, Any], body: dict[str, Any]) -> str | None:
    # Header first (the e-commerce style), then the query string (GET), then the body (POST).
    for source in (request.headers.get(TOKEN_PARAM), query.get(TOKEN_PARAM), body.get(TOKEN_PARAM)):
        if source is None:
            continue
        if isinstance(source, list):
            source = source[-1] if source else None
        if isinstance(source, bool | dict) or source is None:
            return "\x00"  # present but not a token: refused as invalid, not as missing
        text = str(source)
        if text.strip():
            return text
    return None


def _validation_failed(error: pydantic.ValidationError) -> ValidationFailed:
    errors = []
    for item in error.errors(include_url=False, include_input=False):
        location = rules.error_location(item.get("loc", ()))
        message = rules.human_error(
            str(item.get("type", "")), str(item.get("msg", "is not valid")), item.get("ctx")
        )
        errors.append(FieldError(location, message))
    return ValidationFailed(errors)


def _context(spec: MethodSpec, token: ApiToken | None, call: _Call) -> CallContext:
    if token is None:
        # Methods without a token (login) get no company: they must not read company data.
        return CallContext(
            company=None,  # type: ignore[arg-type]
            token_type=TokenType.USER,
            sales_channel=call.sales_channel,
            client_ip=call.ip,
            method=spec.name,
        )
    return CallContext(
        company=token.company,
        token_type=TokenType(token.token_type),
        token_id=token.pk,
        customer=token.customer if token.token_type == TokenKind.CUSTOMER else None,
        vendor_id=token.vendor_id if token.token_type == TokenKind.VENDOR else None,
        user_id=token.user_id if token.token_type == TokenKind.USER else None,
        transactional=token.transactional,
        sales_channel=call.sales_channel,
        client_ip=call.ip,
        method=spec.name,
        extra={"token": token},
    )


def _run(spec: MethodSpec, ctx: CallContext, params: Any) -> tuple[int, bytes | Iterator[bytes]]:
    payload = spec.handler(ctx, params)
    if not isinstance(payload, dict):
        raise TypeError(f"{spec.name} returned {type(payload).__name__}, not a dict")
    # A payload holding a `StreamedRows` may come back as pieces to send (stemlink.api.streamed).
    return 200, streamed.render(envelope.success(spec, payload), envelope.dumps)


def _run_writing(
    spec: MethodSpec,
    ctx: CallContext,
    params: Any,
    token: ApiToken | None,
    key: str | None,
    fingerprint: str,
    call: _Call,
) -> tuple[int, bytes, bool]:
    """Run a write method in one transaction; with an idempotency key, claim it in that transaction.

    A refusal (StemlinkError) is an answer, not a crash: the transaction still commits, so what
    the use case chose to keep when refusing (an overdue cart it expired, say) stays, while its own
    inner transaction has undone the refused work. The refusal is stored under the key like any
    answer. Only an unexpected exception rolls everything back, the key's claim included.

    The call's audit entry is written in the same transaction (one commit instead of two); if the
    transaction rolls back, `call_method` writes the entry on its own afterwards.
    """
    with transaction.atomic():
        outcome: IdempotencyKey | idempotency.Replay | None = None
        if key is not None and token is not None:
            outcome = idempotency.claim(token, key, spec.name, fingerprint, timezone.now())
        if isinstance(outcome, idempotency.Replay):
            status, body, replayed = outcome.http_status, outcome.body, True
        else:
            replayed = False
            try:
                status, answer = _run(spec, ctx, params)
                body = answer if isinstance(answer, bytes) else b"".join(answer)  # stored whole
            except StemlinkError as error:
                status, body = error.http_status, envelope.dumps(envelope.failure(error))
            if outcome is not None:
                idempotency.store_answer(outcome, status, body)
        call.audited = _audit(call, status, _error_code(status, body))
    return status, body, replayed


def _answer(call: _Call, request: HttpRequest, verb_ok: bool) -> tuple[int, bytes | Iterator[bytes], bool]:
    _check_lengths(request)
    if not verb_ok:
        raise UnknownMethod("Call API methods with GET or POST.")
    spec = registry().get(call.method)
    if spec is None:
        raise UnknownMethod(f"There is no API method {call.method[:100]!r}; see /api/docs for the list.")
    body = _check_size(request)
    query = _query_params(request)
    body_params = _body_params(request, body)
    params = {**query, **body_params}
    call.params = params
    now = timezone.now()

    token: ApiToken | None = None
    if spec.needs_token:
        try:
            token, counts = services.authenticate_and_count(_token_secret(request, query, body_params), now)
        except StemlinkError:
            # Bad or missing tokens are limited per address, so guessing tokens gets slow.
            anonymous = quota.count_anonymous_burst(call.ip, now)
            call.headers.update(anonymous.headers())
            quota.refuse_burst(anonymous, now)
            raise
        call.token, call.company = token, token.company
        if counts is None:
            burst, daily = quota.count_token_call(token.pk, token.company, now)
        else:  # counted by the statement that checked the token (PostgreSQL)
            burst, daily = quota.allowances(token.pk, token.company, now, *counts)
        call.headers.update(burst.headers())
        quota.refuse_burst(burst, now)
        assert daily is not None  # only None when the burst allowance refused the call
        call.headers.update(daily.headers())
        quota.refuse_daily(token.company, daily, now)
        services.record_token_use(token, call.ip or None, now)
        refusal = rules.check_account(
            request.headers.get("X-ACCOUNT"), token.company_id, required=spec.requires_account
        )
        if refusal is not None:
            raise WrongAccount(refusal.message)
        refusal = rules.check_method_access(
            method=spec.name,
            token_type=token.token_type,
            token_methods=token.methods or (),
            allowed_types={str(t) for t in spec.tokens},
        )
        if refusal is not None:
            raise PermissionDenied(refusal.message)
        if token.token_type == TokenKind.USER:
            # A User token acts with its user's role: the one permission map decides.
            needed = method_permission(spec.name)
            if needed is not None and not allows(token.member_role, needed):
                raise RoleRefused(f"{spec.name}: {refusal_message(needed)}")
    else:
        anonymous = quota.count_anonymous_burst(call.ip, now)
        call.headers.update(anonymous.headers())
        quota.refuse_burst(anonymous, now)

    key = idempotency.clean_key(request.headers.get(idempotency.HEADER)) if spec.writes else None
    try:
        parsed = spec.params.model_validate(params)
    except pydantic.ValidationError as error:
        raise _validation_failed(error) from None
    ctx = _context(spec, token, call)
    ctx.extra["request"] = request  # `login` hands it to the sign-in throttle
    if spec.writes:
        fingerprint = rules.params_fingerprint(spec.name, params) if key is not None else ""
        return _run_writing(spec, ctx, parsed, token, key, fingerprint, call)
    status, payload = _run(spec, ctx, parsed)
    return status, payload, False


@csrf_exempt
def call_method(request: HttpRequest, method: str) -> HttpResponseBase:
    """Answer one API call (any registered method, GET or POST)."""
    call = _Call(
        method=method.strip("/")[:200],
        ip=_client_ip(request),
        sales_channel=str(request.headers.get("X-SALES-CHANNEL", ""))[:30],
    )
    replayed = False
    error_code = ""
    try:
        status, body, replayed = _answer(call, request, request.method in ("GET", "POST"))
        error_code = _error_code(status, body)
    except StemlinkError as error:
        status, body, error_code = error.http_status, envelope.dumps(envelope.failure(error)), error.code
        if "retryAfter" in error.extra:
            call.headers["Retry-After"] = str(error.extra["retryAfter"])
    except (OperationalError, InterfaceError):
        raise  # the database is away: stemlink.unavailable answers 503 with Retry-After
    except Exception:
        logger.exception("API method %s failed", call.method)
        status, body, error_code = 500, envelope.dumps(envelope.internal_error()), "internal_error"
    response: HttpResponseBase
    if isinstance(body, bytes):
        response = HttpResponse(body, status=status, content_type="application/json")
    else:  # a long list, sent as it is read (only ever with status 200)
        response = StreamingHttpResponse(body, status=status, content_type="application/json")
    for name, value in call.headers.items():
        response[name] = value
    if replayed:
        response["Idempotent-Replayed"] = "true"
    if not call.audited:
        _audit(call, status, error_code)
    return response


def _error_code(status: int, body: bytes | Iterator[bytes]) -> str:
    return str(orjson.loads(body).get("errorCode", "")) if status >= 400 and isinstance(body, bytes) else ""


def _audit(call: _Call, status: int, error_code: str) -> bool:
    return audit.record_call(
        when=call.when,
        method=call.method,
        params=call.params,
        token=call.token,
        company=call.company,
        status=1 if status < 400 else 0,
        error_code=error_code,
        http_status=status,
        duration_ms=int((time.perf_counter() - call.started) * 1000),
        ip=call.ip,
        sales_channel=call.sales_channel,
    )
