"""Pure rules of a company: who may do what (the one permission map of Stemlink, for back-office
pages and API methods alike), and its own settings (time zone, currency).

Pure (no Django): plain strings in, plain answers out. Every back-office view declares the
permission it needs (`stemlink.web.access.company_page`), and the API gateway checks a User
token's role against `METHOD_PERMISSIONS` (`stemlink.api.dispatch`). A test walks the URLconf
and the method registry, so a page or a method without an entry here cannot be added.

The roles are those of `stemlink.tenancy.models.Role`; their values are repeated here as strings
because rules modules import no Django.
"""

from __future__ import annotations

import enum
import functools
import zoneinfo
from collections.abc import Mapping


class Perm(enum.StrEnum):
    """A thing a member of a company may do. The value is what templates test (`can.<name>`)."""

    HOME_VIEW = "home_view"  # Home: the day's work (any member)
    ORDERS_VIEW = "orders_view"  # invoices, prebooks, standing orders, orders waiting, their PDFs
    ORDERS_SELL = "orders_sell"  # make and change orders: order entry, invoice lines, standing orders
    ORDERS_CONFIRM = "orders_confirm"  # Confirm Orders, confirm one invoice
    INVOICES_VOID = "invoices_void"  # void an invoice (boxes back to stock, fee reversed)
    INVENTORY_VIEW = "inventory_view"  # the inventory lists, boxes available / held / sold, prices
    INVENTORY_EDIT = "inventory_edit"  # add lines, open and edit a line (boxes, cost, price)
    RESERVATIONS_CHANGE = "reservations_change"  # reserve boxes for a customer, release them
    COSTS_VIEW = "costs_view"  # unit costs of inventory lines
    CUSTOMERS_VIEW = "customers_view"  # Setup » Customers list, its Excel export, customer records (API)
    CUSTOMERS_MANAGE = "customers_manage"  # a customer's page: pricing terms, reservations, ship-tos, new
    FEES_VIEW = "fees_view"  # transaction fees: the Fees report, its export, fee columns and totals
    SETUP = "setup"  # Setup » Settings, API tokens, partner endpoints and their deliveries, locations
    CATALOG_MANAGE = "catalog_manage"  # add and edit products, categories, box types, carriers, growers
    CUSTOMERS_ADD = "customers_add"  # the New customer page (a rep takes a new florist's first order)
    USERS_MANAGE = "users_manage"  # Setup » Users: add a user with a role, change roles, deactivate
    PURCHASING = "purchasing"  # purchase orders to growers (make, confirm, cancel), growers' availability


ADMIN = "admin"
SALES_REP = "sales_rep"
WAREHOUSE = "warehouse"
ACCOUNTING = "accounting"
ROLES = (ADMIN, SALES_REP, WAREHOUSE, ACCOUNTING)

P = Perm
ROLE_PERMISSIONS: Mapping[str, frozenset[Perm]] = {
    # The owner or manager: everything, and alone in Setup.
    ADMIN: frozenset(Perm),
    # Sells: sees stock and prices (never costs), makes and confirms orders, looks customers up.
    # Pricing terms and reservations change only on pages an administrator opens; voids are not a rep's.
    SALES_REP: frozenset(
        {
            P.HOME_VIEW,
            P.ORDERS_VIEW,
            P.ORDERS_SELL,
            P.ORDERS_CONFIRM,
            P.INVENTORY_VIEW,
            P.CUSTOMERS_VIEW,
            P.CUSTOMERS_ADD,
        }
    ),
    # Receives and packs: puts lines in (with their cost, from the grower's invoice) and sees the
    # orders to pack; never confirms, voids, sells, sees fees, customers' terms or Setup.
    WAREHOUSE: frozenset(
        {
            P.HOME_VIEW,
            P.ORDERS_VIEW,
            P.INVENTORY_VIEW,
            P.INVENTORY_EDIT,
            P.COSTS_VIEW,
            P.PURCHASING,
        }
    ),
    # Keeps the books: invoices, fees, costs, exports, and voids (which reverse fees); sells nothing.
    ACCOUNTING: frozenset(
        {
            P.HOME_VIEW,
            P.ORDERS_VIEW,
            P.INVOICES_VOID,
            P.INVENTORY_VIEW,
            P.COSTS_VIEW,
            P.CUSTOMERS_VIEW,
            P.FEES_VIEW,
        }
    ),
}

# The permission a User token's role needs for each API method (Company, Customer and Vendor
# tokens keep their own whitelists instead). `None`: the method takes no token (login).
METHOD_PERMISSIONS: Mapping[str, Perm | None] = {
    "login": None,
    "company.list": P.HOME_VIEW,
    "location.list": P.HOME_VIEW,
    "company.location.list": P.ORDERS_VIEW,
    # master data
    "boxtype.list": P.INVENTORY_VIEW,
    "carrier.list": P.INVENTORY_VIEW,
    "category.list": P.INVENTORY_VIEW,
    "product.list": P.INVENTORY_VIEW,
    "vendor.list": P.INVENTORY_VIEW,
    # customers
    "customer.list": P.CUSTOMERS_VIEW,
    "customer.details.get": P.CUSTOMERS_VIEW,
    "customer.shipto.list": P.CUSTOMERS_VIEW,
    "customer.add": P.CUSTOMERS_MANAGE,
    "customer.shipto.add": P.CUSTOMERS_MANAGE,
    "customer.shipto.update": P.CUSTOMERS_MANAGE,
    "customer.shipto.delete": P.CUSTOMERS_MANAGE,
    # inventory
    "inventory.list": P.COSTS_VIEW,  # answers unit costs
    "inventory.consolidated.openmarket.list": P.INVENTORY_VIEW,
    "future.inventory.openmarket.list": P.INVENTORY_VIEW,
    "inventory.add": P.INVENTORY_EDIT,
    "ecommerce/inventory.list": P.INVENTORY_VIEW,
    "ecommerce/inventory.get": P.INVENTORY_VIEW,
    "ecommerce/inventory-available-dates.list": P.INVENTORY_VIEW,
    "ecommerce/customer-carriers.list": P.INVENTORY_VIEW,
    # invoices
    "invoice.list": P.ORDERS_VIEW,
    "invoice.details.list": P.ORDERS_VIEW,
    "invoice.pdf.get": P.ORDERS_VIEW,
    "invoice.create": P.ORDERS_SELL,
    "invoice.item.add": P.ORDERS_SELL,
    "invoice.item.update": P.ORDERS_SELL,
    "invoice.item.delete": P.ORDERS_SELL,
    "invoice.checkout": P.ORDERS_SELL,
    "invoice.confirm": P.ORDERS_CONFIRM,
    "invoice.void": P.INVOICES_VOID,
    # prebooks and standing orders
    "prebook.list": P.ORDERS_VIEW,
    "prebook.details.list": P.ORDERS_VIEW,
    "prebook.create": P.ORDERS_SELL,
    "prebook.update": P.ORDERS_SELL,
    "prebook.delete": P.ORDERS_SELL,
    "prebook.item.delete": P.ORDERS_SELL,
    "prebook.future.item.add": P.ORDERS_SELL,
    "standing.order.list": P.ORDERS_VIEW,
    "standing.order.create": P.ORDERS_SELL,
    # web orders (carts)
    "web-order.create": P.ORDERS_SELL,
    "web-order-item.add": P.ORDERS_SELL,
    "web-order-item.delete": P.ORDERS_SELL,
    "web-order.checkout": P.ORDERS_SELL,
    "web-order-details.list": P.ORDERS_VIEW,
    "web-order.delete": P.ORDERS_SELL,
    # purchasing (growers' side)
    "purchase.order.list": P.COSTS_VIEW,  # answers unit costs
    "purchase.order.va.details.list": P.COSTS_VIEW,
    "purchase.order.create": P.PURCHASING,
    "purchase.order.mixed.create": P.PURCHASING,
    "purchase.order.confirm": P.PURCHASING,
    "purchase.order.receive": P.INVENTORY_EDIT,
    "purchase.order.item.awb.add": P.PURCHASING,
    "purchase.order.items.awb.add": P.PURCHASING,
    "purchase.order.item.delete": P.PURCHASING,
    "vendor.availability.items.list": P.INVENTORY_VIEW,
    "prebook.vendor.availability.item.add": P.ORDERS_SELL,
    "multiple.prebooks.create": P.ORDERS_SELL,
    "product.add": P.PURCHASING,
    "payment.method.list": P.CUSTOMERS_VIEW,
    "box.code.change": P.INVENTORY_EDIT,
    "hardgood/inventory.list": P.INVENTORY_VIEW,
    "hardgood.inventory.add": P.INVENTORY_EDIT,
    "invoice.accounting.details.list": P.FEES_VIEW,
    "invoice.mark.sync.status.ok": P.FEES_VIEW,
    "invoice.mark.sync.status.error": P.FEES_VIEW,
    "ecommerce-lite/settings": P.ORDERS_VIEW,
    "carriers.by.customer.ship.date.list": P.ORDERS_VIEW,
}

ROLE_NAMES = {
    ADMIN: "administrator",
    SALES_REP: "sales rep",
    WAREHOUSE: "warehouse",
    ACCOUNTING: "accounting",
}


def allows(role: str | None, perm: Perm) -> bool:
    """Tell whether a member with this role may do `perm` (an unknown or missing role may do nothing)."""
    return role is not None and perm in ROLE_PERMISSIONS.get(role, frozenset())


def permissions_of(role: str | None) -> dict[str, bool]:
    """Every permission by name, True where the role has it: what templates read as `can`."""
    granted = ROLE_PERMISSIONS.get(role or "", frozenset())
    return {perm.value: perm in granted for perm in Perm}


def roles_with(perm: Perm) -> list[str]:
    """The roles that have `perm`, in the order of ROLES (for messages)."""
    return [role for role in ROLES if perm in ROLE_PERMISSIONS[role]]


def refusal_message(perm: Perm) -> str:
    """Say who may do `perm`, for the page or API answer that refuses it."""
    names = [ROLE_NAMES[r] for r in roles_with(perm)]
    who = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
    article = "an" if who[:1] in "aeiou" else "a"
    return f"Only {article} {who} of the company may do this ({perm.value})."


def method_permission(method: str) -> Perm | None:
    """The permission a User token needs for `method`. Raises KeyError for a method not in the map."""
    return METHOD_PERMISSIONS[method]


# --- the company's own settings ------------------------------------------------------------------
# ISO 4217 codes of the currencies in circulation (the list maintained by SIX, 2024-2025 edition),
# without the fund, precious-metal and testing codes (XAU, XDR, XTS, BOV, …): a wholesaler prices
# boxes of flowers in money. ANG and its successor XCG are both listed during the changeover.
CURRENCY_CODES = frozenset(
    """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP
    BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP
    GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR
    KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK
    MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR
    SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD
    TZS UAH UGX USD UYU UZS VED VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG ZWL
    """.split()  # noqa: SIM905 - laid out like the ISO table, one code per column
)

# Names in the time-zone database that are files, not zones a person would mean.
_NOT_ZONES = frozenset({"localtime", "posixrules", "Factory"})


@functools.cache
def time_zone_names() -> tuple[str, ...]:
    """The IANA time-zone names this machine knows (its tz database), sorted."""
    return tuple(sorted(zoneinfo.available_timezones() - _NOT_ZONES))


def time_zone_problem(name: str) -> str | None:
    """Why `name` is not a usable IANA time zone, or None when it is (e.g. "America/New_York")."""
    if not name:
        return "give an IANA time zone, e.g. America/New_York or Europe/Amsterdam"
    if name not in time_zone_names():
        return f'"{name}" is not an IANA time zone name; use one like America/New_York or UTC'
    return None


def currency_problem(code: str) -> str | None:
    """Why `code` is not an ISO 4217 currency code, or None when it is (e.g. "USD")."""
    if not code:
        return "give a three-letter ISO 4217 currency code, e.g. USD"
    if code not in CURRENCY_CODES:
        return f'"{code}" is not an ISO 4217 currency code; use one like USD, EUR or COP'
    return None
