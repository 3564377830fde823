"""Failures only the gateway raises: bad tokens, limits, idempotency and unknown methods."""

from __future__ import annotations

from stemlink.errors import StemlinkError


class InvalidToken(StemlinkError):
    code = "invalid_token"
    http_status = 401


class WrongAccount(StemlinkError):
    code = "wrong_account"
    http_status = 403


class QuotaExceeded(StemlinkError):
    code = "quota_exceeded"
    http_status = 429


class RequestTooLarge(StemlinkError):
    code = "request_too_large"
    http_status = 413


class UriTooLong(StemlinkError):
    code = "uri_too_long"
    http_status = 414


class HeaderTooLarge(StemlinkError):
    code = "header_too_large"
    http_status = 431


class IdempotencyConflict(StemlinkError):
    code = "idempotency_conflict"
    http_status = 409


class UnknownMethod(StemlinkError):
    code = "unknown_method"
    http_status = 404
