"""Pure rules about a company's own settings: its time zone and its currency. No Django here."""

from __future__ import annotations

import functools
import zoneinfo

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
