"""Small builders for test data: a whole wholesaler in one call, then the pieces a test needs.

Every builder takes keyword overrides; defaults are realistic and unique per call.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from stemlink.catalog.models import BoxType, Carrier, Category, Product, Vendor
from stemlink.customers.models import Customer, ShipTo
from stemlink.inventory.models import FutureLine, InventoryLine
from stemlink.tenancy.models import Company, Location, Membership

_seq = itertools.count(1)


def _n() -> int:
    return next(_seq)


@dataclass
class World:
    """One wholesaler with the master data a test usually needs."""

    company: Company
    location: Location
    roses: Category
    greens: Category
    fb: BoxType
    hb: BoxType
    qb: BoxType
    carrier: Carrier
    vendor: Vendor
    product: Product
    customer: Customer


def make_company(name: str | None = None, **fields: Any) -> Company:
    return Company.objects.create(name=name or f"Wholesaler {_n()}", **fields)


def make_world(name: str | None = None, **company_fields: Any) -> World:
    """Create a company with a location, categories, box types, a carrier, a grower, a product, a customer."""
    company = make_company(name, **company_fields)
    location = Location.objects.create(company=company, name="Miami warehouse", short_name="MIA", code="MIA")
    roses = Category.objects.create(company=company, name="Roses")
    greens = Category.objects.create(company=company, name="Greens")
    fb = BoxType.objects.create(company=company, code="FB", description="Full box", fbe=Decimal("1"))
    hb = BoxType.objects.create(company=company, code="HB", description="Half box", fbe=Decimal("0.5"))
    qb = BoxType.objects.create(company=company, code="QB", description="Quarter box", fbe=Decimal("0.25"))
    carrier = Carrier.objects.create(company=company, code="ARM", name="Armellini Express")
    vendor = Vendor.objects.create(company=company, code="ROSAS", name="Rosas del Ecuador", port_origin="UIO")
    product = make_product(company, roses, description="Rose Freedom 50cm", color="Red", grade="50cm")
    customer = make_customer(company, name="BloomNet", code="BLOOMNET", customer_type="marketplace")
    return World(company, location, roses, greens, fb, hb, qb, carrier, vendor, product, customer)


def make_product(company: Company, category: Category, **fields: Any) -> Product:
    n = _n()
    defaults: dict[str, Any] = {
        "code": f"P{n:05d}",
        "description": f"Rose Variety {n} 50cm",
        "variety": f"Variety {n}",
        "color": "Red",
        "grade": "50cm",
    }
    defaults.update(fields)
    return Product.objects.create(company=company, category=category, **defaults)


def make_customer(company: Company, **fields: Any) -> Customer:
    n = _n()
    defaults: dict[str, Any] = {
        "code": f"C{n:05d}",
        "name": f"Florist {n}",
        "email": f"florist{n}@example.com",
    }
    defaults.update(fields)
    return Customer.objects.create(company=company, **defaults)


def make_ship_to(customer: Customer, **fields: Any) -> ShipTo:
    defaults: dict[str, Any] = {"name": f"Shop {_n()}", "city": "Miami", "state": "FL", "country": "US"}
    defaults.update(fields)
    return ShipTo.objects.create(company=customer.company, customer=customer, **defaults)


def make_line(world: World, **fields: Any) -> InventoryLine:
    """An open-market on-hand line of the world's product: 10 HB of 10 bunches x 25 stems at $0.80."""
    defaults: dict[str, Any] = {
        "company": world.company,
        "location": world.location,
        "product": world.product,
        "vendor": world.vendor,
        "box_type": world.hb,
        "unit_type": "Stem",
        "bunches": 10,
        "stems_bunch": 25,
        "units_per_box": 250,
        "unit_cost": Decimal("0.500"),
        "price": Decimal("0.80"),
        "boxes_on_hand": 10,
        "awb": "369-1234 5678",
        "lot_number": f"LOT{_n()}",
        "arrival_date": timezone.now().date(),
    }
    defaults.update(fields)
    return InventoryLine.objects.create(**defaults)


def make_future_line(world: World, **fields: Any) -> FutureLine:
    """A future line arriving in a week, available for a week: 20 QB of 12 bunches x 10 stems."""
    today = timezone.now().date()
    defaults: dict[str, Any] = {
        "company": world.company,
        "location": world.location,
        "product": world.product,
        "vendor": world.vendor,
        "box_type": world.qb,
        "unit_type": "Stem",
        "bunches": 12,
        "stems_bunch": 10,
        "units_per_box": 120,
        "unit_cost": Decimal("0.400"),
        "price": Decimal("0.70"),
        "boxes": 20,
        "available_from": today + dt.timedelta(days=7),
        "available_to": today + dt.timedelta(days=14),
    }
    defaults.update(fields)
    return FutureLine.objects.create(**defaults)


def make_user(
    company: Company, username: str | None = None, role: str = "admin", password: str = "flowers-2026"
):
    user = get_user_model().objects.create_user(username=username or f"user{_n()}", password=password)
    Membership.objects.create(user=user, company=company, role=role)
    return user
