"""Load the demo wholesaler: idempotent (every record has a natural key), with progress.

Running it twice changes nothing: companies, catalogue and customers are found by name or code,
inventory lines by their lot number.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from stemlink.catalog.models import BoxType, Carrier, Category, Product, Vendor
from stemlink.customers.models import Customer, ShipTo
from stemlink.demo.catalogue import BOX_TYPES, CARRIERS, CUSTOMERS, FAMILIES, VENDORS
from stemlink.inventory.models import FutureLine, InventoryLine
from stemlink.inventory.rules import units_per_box
from stemlink.tenancy import calendar
from stemlink.tenancy.models import Company, Location, Membership

COMPANY_NAME = "Sunrise Flowers Miami"
ADMIN_USERNAME = "admin"
REP_USERNAME = "rep"
WAREHOUSE_USERNAME = "warehouse"
ACCOUNTING_USERNAME = "accounting"
# Demo-only passwords, printed by the launcher; a real install creates its own users.
DEMO_PASSWORD = "flowers-demo"

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    return None


def load_demo_data(progress: Progress = _quiet, *, seed: int = 2026) -> Company:
    """Create (or find) the demo wholesaler with its catalogue, customers, users and inventory."""
    rng = random.Random(seed)
    with transaction.atomic():
        company, _ = Company.objects.get_or_create(
            name=COMPANY_NAME,
            defaults={
                "paid_users": 3,
                "gross_margin_percent": Decimal("30"),
                "show_vendors": True,
                "address": "2300 NW 89th Place, Doral, FL 33172, USA",
                "time_zone": "America/New_York",
                "currency": "USD",
            },
        )
        location, _ = Location.objects.get_or_create(
            company=company, code="MIA", defaults={"name": "Miami warehouse", "short_name": "MIA"}
        )
        progress(f"Company {company.name} (Company ID {company.pk}), location {location.code}")
        admin, rep = _users(company)
        progress(
            f"Users: {admin.username} (admin), {rep.username} (sales rep), "
            f"{WAREHOUSE_USERNAME} (warehouse), {ACCOUNTING_USERNAME} (accounting)"
        )
        boxes = {
            code: BoxType.objects.get_or_create(
                company=company, code=code, defaults={"description": d, "fbe": f}
            )[0]
            for code, d, f in BOX_TYPES
        }
        carriers = {
            code: Carrier.objects.get_or_create(
                company=company,
                code=code,
                defaults={"name": name, "city": city, "state": st, "country": "US"},
            )[0]
            for code, name, city, st in CARRIERS
        }
        vendors = [
            Vendor.objects.get_or_create(company=company, code=c, defaults={"name": n, "port_origin": p})[0]
            for c, n, p in VENDORS
        ]
        progress(f"Catalogue: {len(boxes)} box types, {len(carriers)} carriers, {len(vendors)} growers")
        products = _products(company)
        progress(f"Products: {len(products)}")
        customers = _customers(company, carriers["ARM"], rep)
        progress(f"Customers: {len(customers)} (BloomNet is Customer ID {customers['BLOOMNET'].pk})")
    with transaction.atomic():
        made = _on_hand_lines(company, location, products, boxes, vendors, rng)
        progress(f"On-hand lines: {InventoryLine.objects.filter(company=company).count()} ({made} new)")
        made = _future_lines(company, location, products, boxes, vendors, rng)
        progress(f"Future lines: {FutureLine.objects.filter(company=company).count()} ({made} new)")
    return company


def _users(company: Company):
    user_model = get_user_model()
    made = []
    for username, role, first, last in [
        (ADMIN_USERNAME, "admin", "Ana", "Admin"),
        (REP_USERNAME, "sales_rep", "Rafael", "Reyes"),
        (WAREHOUSE_USERNAME, "warehouse", "Wes", "Warehouse"),
        (ACCOUNTING_USERNAME, "accounting", "Alma", "Accounts"),
    ]:
        user = user_model.objects.filter(username=username).first()
        if user is None:
            user = user_model.objects.create_user(
                username=username,
                password=DEMO_PASSWORD,
                first_name=first,
                last_name=last,
                email=f"{username}@sunrise-flowers.example",
            )
        if user.is_staff or user.is_superuser:
            # No demo user is a platform operator (demo data of an older version made `admin` one).
            user.is_staff = user.is_superuser = False
            user.save(update_fields=["is_staff", "is_superuser"])
        Membership.objects.get_or_create(user=user, company=company, defaults={"role": role})
        made.append(user)
    return made[0], made[1]


def _products(company: Company) -> list[tuple[Product, tuple]]:
    result = []
    for family in FAMILIES:
        category_name, variety, colors, grades, *_ = family
        category, _ = Category.objects.get_or_create(company=company, name=category_name)
        for color in colors:
            for grade in grades:
                kind = "" if category_name == "Greens" else category_name.removesuffix("s")
                words = [
                    kind,
                    "" if variety == "Select" else variety,
                    color,
                    "" if grade == "Standard" else grade,
                ]
                description = " ".join(w for w in words if w)
                code = "".join(ch for ch in f"{variety[:4]}{color[:3]}{grade[:4]}".upper() if ch.isalnum())[
                    :12
                ]
                product, _ = Product.objects.get_or_create(
                    company=company,
                    code=code,
                    defaults={
                        "description": description,
                        "category": category,
                        "variety": variety,
                        "color": color,
                        "grade": grade,
                        "legacy_code": code[:8],
                        "tags": "demo",
                    },
                )
                result.append((product, family))
    return result


def _customers(company: Company, carrier: Carrier, rep) -> dict[str, Customer]:
    result = {}
    for code, name, kind, level, b_markup, e_markup, city, state in CUSTOMERS:
        customer, created = Customer.objects.get_or_create(
            company=company,
            code=code,
            defaults={
                "name": name,
                "customer_type": kind,
                "default_price": level,
                "price_b_markup": b_markup,
                "ecommerce_markup": e_markup,
                "billing_city": city,
                "billing_state": state,
                "billing_country": "US",
                "shipping_city": city,
                "shipping_state": state,
                "shipping_country": "US",
                "email": f"orders@{code.lower()}.example",
                "email_for_invoices": f"ap@{code.lower()}.example",
                "phone": "+1 305 555 0100",
                "credit_limit": Decimal("25000"),
                "default_carrier": carrier,
                "sales_rep": rep,
            },
        )
        if created:
            ShipTo.objects.create(
                company=company,
                customer=customer,
                code=f"{code}-1",
                name=f"{name} main",
                city=city,
                state=state,
                country="US",
                carrier=carrier,
            )
        result[code] = customer
    return result


def _on_hand_lines(company, location, products, boxes, vendors, rng: random.Random) -> int:
    existing = set(InventoryLine.objects.filter(company=company).values_list("lot_number", flat=True))
    today = calendar.today(company)
    new = []
    n = 0
    for product, family in products:
        _, _, _, _, unit_type, packs, stems_bunch, cost = family
        for box_code, bunches in packs.items():
            for _ in range(3):
                n += 1
                lot = f"DEMO-OH-{n:05d}"
                if lot in existing:
                    continue
                unit_cost = (cost * Decimal(str(rng.uniform(0.9, 1.1)))).quantize(Decimal("0.001"))
                priced = rng.random() < 0.7
                arrival = today - dt.timedelta(days=rng.randint(0, 6))
                new.append(
                    InventoryLine(
                        company=company,
                        location=location,
                        product=product,
                        vendor=rng.choice(vendors),
                        box_type=boxes[box_code],
                        unit_type=unit_type,
                        bunches=bunches,
                        stems_bunch=stems_bunch,
                        units_per_box=units_per_box(unit_type, bunches, stems_bunch),
                        unit_cost=unit_cost,
                        price=(unit_cost * Decimal("1.45")).quantize(Decimal("0.01")) if priced else None,
                        boxes_on_hand=rng.randint(2, 40),
                        inventory_type=rng.choice("MMMMMMLS"),
                        awb=f"369-{rng.randint(1000, 9999)} {rng.randint(1000, 9999)}",
                        lot_number=lot,
                        ship_date=arrival - dt.timedelta(days=1),
                        arrival_date=arrival,
                    )
                )
    InventoryLine.objects.bulk_create(new, batch_size=500)
    return len(new)


def _future_lines(company, location, products, boxes, vendors, rng: random.Random) -> int:
    # Future lines are keyed by (product, pack, dates): the set is rebuilt deterministically from the seed.
    today = calendar.today(company)
    have = FutureLine.objects.filter(company=company).count()
    if have:
        return 0
    new = []
    for product, family in products:
        _, _, _, _, unit_type, packs, stems_bunch, cost = family
        box_code, bunches = next(iter(packs.items()))
        for week in (1, 2, 4):
            start = today + dt.timedelta(days=7 * week - rng.randint(0, 3))
            new.append(
                FutureLine(
                    company=company,
                    location=location,
                    product=product,
                    vendor=rng.choice(vendors),
                    box_type=boxes[box_code],
                    unit_type=unit_type,
                    bunches=bunches,
                    stems_bunch=stems_bunch,
                    units_per_box=units_per_box(unit_type, bunches, stems_bunch),
                    unit_cost=cost,
                    price=(cost * Decimal("1.40")).quantize(Decimal("0.01")),
                    boxes=rng.randint(10, 80),
                    available_from=start,
                    available_to=start + dt.timedelta(days=6),
                )
            )
    FutureLine.objects.bulk_create(new, batch_size=500)
    return len(new)
