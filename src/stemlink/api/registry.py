"""The method registry: every API method declares who may call it, what it takes, what it answers.

A method module in `stemlink/api/methods/` registers its handlers with `@api_method`. The gateway
(`stemlink.api.dispatch`) looks the method up, checks the token against `tokens` and the token's
whitelist *before* the handler runs, validates parameters with `params`, and wraps what the
handler returns in the envelope. The OpenAPI document is generated from the same declarations.

A handler is `handler(ctx: CallContext, params: <params model>) -> dict`: the payload keys to put
beside `status` and `message` (it may set `message` itself). It raises `StemlinkError`s for
failures; the gateway turns them into answers.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

if TYPE_CHECKING:
    from stemlink.customers.models import Customer
    from stemlink.tenancy.models import Company


class TokenType(enum.StrEnum):
    COMPANY = "company"
    CUSTOMER = "customer"
    VENDOR = "vendor"
    USER = "user"


CO = TokenType.COMPANY
CU = TokenType.CUSTOMER
VE = TokenType.VENDOR
US = TokenType.USER


def is_blank(value: Any) -> bool:
    """Tell whether a parameter value means "not sent": null, blank text, or a list of only those."""
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    if isinstance(value, list) and value:
        return all(item is None or (isinstance(item, str) and item.strip() == "") for item in value)
    return False


def find_nul(value: Any, limit: int = 200_000) -> bool:
    """Tell whether a value (text, or lists and objects of it) holds a NUL character, without recursion."""
    stack = [value]
    seen = 0
    while stack and seen < limit:
        item = stack.pop()
        seen += 1
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
    return False


NUL_MESSAGE = "must not contain NUL characters (\\u0000); remove them"


class Params(BaseModel):
    """Base of every parameter schema: what every method's parameters have in common, decided once.

    - Unknown parameters are ignored, as the spec says.
    - Blank and null are absent: a parameter sent as `""`, whitespace or JSON `null` is dropped
      before validation, so an optional one keeps its default and a required one is reported as
      missing by name (Komet clients send `customerId=` and C# and Java serialisers send nulls).
    - Numbers are taken for text (`"type": 3` is the text "3").
    - No text may hold a NUL character (PostgreSQL cannot store one): refused by field name.
    """

    model_config = ConfigDict(
        extra="ignore", populate_by_name=True, str_strip_whitespace=True, coerce_numbers_to_str=True
    )

    @model_validator(mode="before")
    @classmethod
    def _blank_is_absent(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {key: value for key, value in data.items() if not is_blank(value)}
        return data

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        if find_nul(value):
            raise ValueError(NUL_MESSAGE)
        return value


class NoParams(Params):
    pass


@dataclass
class CallContext:
    """Who is calling: filled in by the gateway after the token is checked.

    `customer` is the bound customer of a Customer token (None otherwise); `vendor_id` that of a
    Vendor token; `user_id` that of a User token. Every query of company data filters by `company`.
    """

    company: Company
    token_type: TokenType
    token_id: int | None = None
    customer: Customer | None = None
    vendor_id: int | None = None
    user_id: int | None = None
    transactional: bool = False
    sales_channel: str = ""
    client_ip: str = ""
    method: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


Handler = Callable[[CallContext, Any], dict[str, Any]]
H = TypeVar("H", bound=Handler)


@dataclass(frozen=True)
class MethodSpec:
    name: str
    handler: Handler
    tokens: frozenset[TokenType]
    params: type[Params]
    answer_key: str | None
    writes: bool
    summary: str
    requires_account: bool
    envelope: bool
    area: str
    answer: type[BaseModel]
    needs_token: bool
    deprecated: bool = False

    @property
    def answer_fields(self) -> tuple[str, ...]:
        """The fields of each record of the payload (of its list, or its one object), for the docs."""
        return record_fields(self.answer, self.answer_key)


REGISTRY: dict[str, MethodSpec] = {}


def api_method(
    name: str,
    *,
    tokens: set[TokenType] | frozenset[TokenType],
    params: type[Params] = NoParams,
    answer_key: str | None = None,
    writes: bool = False,
    summary: str = "",
    requires_account: bool = False,
    envelope: bool = True,
    area: str = "Other",
    answer: type[BaseModel] | None = None,
    needs_token: bool = True,
    deprecated: bool = False,
) -> Callable[[H], H]:
    """Register a handler as API method `name`.

    `requires_account`: the `X-ACCOUNT` header is required (ecommerce/*, web-order*, company.location.list).
    `envelope=False`: the answer is the payload alone (company.list, company.location.list, as Komet).
    `area`: the group the method is shown under in the token form and the docs.
    `answer`: the payload's declared shape (a `stemlink.api.answers.Answer` model): the OpenAPI
    document describes the answer from it, and the tests check every real answer against it.
    `deprecated`: still answered, and marked deprecated in the OpenAPI document (as Komet marks it).
    """

    def register(handler: H) -> H:
        if answer is None:
            raise RuntimeError(f"API method {name!r} declares no answer model")
        if name in REGISTRY:
            raise RuntimeError(f"API method {name!r} is registered twice")
        REGISTRY[name] = MethodSpec(
            name=name,
            handler=handler,
            tokens=frozenset(tokens),
            params=params,
            answer_key=answer_key,
            writes=writes,
            summary=summary or (handler.__doc__ or "").strip().splitlines()[0]
            if (summary or handler.__doc__)
            else "",
            requires_account=requires_account,
            envelope=envelope,
            area=area,
            answer=answer,
            needs_token=needs_token,
            deprecated=deprecated,
        )
        return handler

    return register


def record_fields(model: type[BaseModel], key: str | None) -> tuple[str, ...]:
    """The field names of `model`'s record under `key` (a list's items or an object), else its own."""
    import types
    import typing

    field = model.model_fields.get(key or "")
    if field is not None:
        annotation = field.annotation
        for _ in range(3):
            if isinstance(annotation, type) and issubclass(annotation, BaseModel):
                return tuple(annotation.model_fields)
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if typing.get_origin(annotation) in (list, typing.Union, types.UnionType) and args:
                annotation = args[0]
                continue
            break
    return tuple(model.model_fields)


def load_all_methods() -> dict[str, MethodSpec]:
    """Import every module of `stemlink.api.methods` so their methods register; return the registry."""
    import importlib
    import pkgutil

    from stemlink.api import methods

    for info in pkgutil.iter_modules(methods.__path__):
        importlib.import_module(f"{methods.__name__}.{info.name}")
    return REGISTRY
