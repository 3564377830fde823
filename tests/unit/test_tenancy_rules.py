"""A company's time zone is an IANA name and its currency an ISO 4217 code."""

from __future__ import annotations

import pytest

from stemlink.tenancy.rules import CURRENCY_CODES, currency_problem, time_zone_names, time_zone_problem


@pytest.mark.parametrize("name", ["America/New_York", "America/Bogota", "Europe/Amsterdam", "UTC"])
def test_iana_names_are_time_zones(name: str) -> None:
    assert time_zone_problem(name) is None


@pytest.mark.parametrize("name", ["", "Miami", "EST+5", "../../etc/passwd", "localtime", "america/new_york"])
def test_other_names_are_refused_with_an_example(name: str) -> None:
    problem = time_zone_problem(name)
    assert problem is not None and "America/New_York" in problem


def test_time_zone_names_are_sorted_and_hold_no_files() -> None:
    names = time_zone_names()
    assert list(names) == sorted(names) and "posixrules" not in names and "America/Bogota" in names


@pytest.mark.parametrize("code", ["USD", "EUR", "COP", "CAD", "JPY"])
def test_iso_4217_codes_are_currencies(code: str) -> None:
    assert currency_problem(code) is None


@pytest.mark.parametrize("code", ["", "usd", "US", "XYZ", "XAU", "XTS", "HRK"])
def test_other_codes_are_refused(code: str) -> None:
    assert currency_problem(code) is not None


def test_every_code_is_three_capital_letters() -> None:
    assert all(len(c) == 3 and c.isalpha() and c.isupper() for c in CURRENCY_CODES)
