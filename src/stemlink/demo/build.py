"""Load the two demo companies: idempotent (every record has a natural key), with progress.

The demo wholesaler is in Miami (America/New_York: Miami has no IANA zone of its own, it keeps the
Eastern time of New York); the second demo company, an exporter, is in Bogotá (America/Bogota).
Each has its own catalogue, customers (BloomNet among them, so both connect to the marketplace),
users and inventory, dated by its own calendar.

Running it twice changes no data: companies are found by name, catalogue and customers by code,
inventory lines by their lot number. The one thing a run changes is the demo users' password,
one for the users of both companies: the caller passes a fresh one each run (generated, never in
the source), printed once, as the demo tokens are.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from stemlink.catalog.models import BoxType, Carrier, Category, Product, Vendor
from stemlink.customers.models import Customer, ShipTo
from stemlink.demo import catalogue
from stemlink.inventory.models import FutureLine, InventoryLine
from stemlink.inventory.rules import units_per_box
from stemlink.tenancy import calendar
from stemlink.tenancy.models import Company, Location, Membership

COMPANY_NAME = "Sunrise Flowers Miami"
ADMIN_USERNAME = "admin"
REP_USERNAME = "rep"
WAREHOUSE_USERNAME = "warehouse"
ACCOUNTING_USERNAME = "accounting"

SECOND_COMPANY_NAME = "Andes Blooms Bogotá"
SECOND_USERNAMES = ("bogota-admin", "bogota-rep", "bogota-warehouse", "bogota-accounting")

Progress = Callable[[str], None]


@dataclass(frozen=True)
class DemoCompany:
    """What makes one demo company: who and where it is, and what it sells to whom."""

    name: str
    address: str
    time_zone: str
    location: tuple[str, str]  # (code, name)
    users: Sequence[tuple[str, str, str, str]]  # (username, role, first name, last name)
    email_domain: str
    phone: str
    categories: frozenset[str] | None  # None: the whole catalogue
    carriers: Sequence[tuple[str, str, str, str, str]]
    vendors: Sequence[tuple[str, str, str]]
    customers: Sequence[tuple]
    default_carrier: str
    seed_offset: int


MIAMI = DemoCompany(
    name=COMPANY_NAME,
    address="2300 NW 89th Place, Doral, FL 33172, USA",
    time_zone="America/New_York",
    location=("MIA", "Miami warehouse"),
    users=(
        (ADMIN_USERNAME, "admin", "Ana", "Admin"),
        (REP_USERNAME, "sales_rep", "Rafael", "Reyes"),
        (WAREHOUSE_USERNAME, "warehouse", "Wes", "Warehouse"),
        (ACCOUNTING_USERNAME, "accounting", "Alma", "Accounts"),
    ),
    email_domain="sunrise-flowers.example",
    phone="+1 305 555 0100",
    categories=None,
    carriers=catalogue.CARRIERS,
    vendors=catalogue.VENDORS,
    customers=catalogue.CUSTOMERS,
    default_carrier="ARM",
    seed_offset=0,
)

BOGOTA = DemoCompany(
    name=SECOND_COMPANY_NAME,
    address="Km 2 vía Funza–Siberia, Funza, Cundinamarca, Colombia",
    time_zone="America/Bogota",
    location=("BOG", "Bogotá farm warehouse"),
    users=tuple(
        zip(
            SECOND_USERNAMES,
            ("admin", "sales_rep", "warehouse", "accounting"),
            ("Beatriz", "Camilo", "Diego", "Elena"),
            ("Bernal", "Castro", "Duarte", "Escobar"),
            strict=True,
        )
    ),
    email_domain="andes-blooms.example",
    phone="+57 601 555 0100",
    categories=frozenset(catalogue.BOGOTA_CATEGORIES),
    carriers=catalogue.BOGOTA_CARRIERS,
    vendors=catalogue.BOGOTA_VENDORS,
    customers=catalogue.BOGOTA_CUSTOMERS,
    default_carrier="AVC",
    seed_offset=1,
)

DEMO_COMPANIES = (MIAMI, BOGOTA)


def _quiet(_: str) -> None:
    return None


def load_demo_data(progress: Progress = _quiet, *, seed: int = 2026, password: str | None = None) -> Company:
    """Create (or find) both demo companies; answer the Miami wholesaler.

    `password` becomes the password of every demo user of both companies (set again on every run);
    without it the demo users keep theirs, and new ones get an unusable password.
    """
    miami = load_demo_company(MIAMI, progress, seed=seed, password=password)
    load_demo_company(BOGOTA, progress, seed=seed, password=password)
    return miami


def load_demo_company(
    spec: DemoCompany,
    progress: Progress = _quiet,
    *,
    seed: int = 2026,
    password: str | None,
) -> Company:
    """Create (or find) one demo company with its catalogue, customers, users and inventory."""
    rng = random.Random(seed + spec.seed_offset)
    with transaction.atomic():
        company, created = Company.objects.get_or_create(
            name=spec.name,
            defaults={
                "paid_users": 3,
                "gross_margin_percent": Decimal("30"),
                "show_vendors": True,
                "address": spec.address,
                "time_zone": spec.time_zone,
                "currency": "USD",
            },
        )
        if not created and company.time_zone == "UTC":
            # A demo database made before companies had zones: give it the demo company's own.
            company.time_zone = spec.time_zone
            company.save(update_fields=["time_zone", "updated_on"])
        code, name = spec.location
        location, _ = Location.objects.get_or_create(
            company=company, code=code, defaults={"name": name, "short_name": code}
        )
        progress(
            f"Company {company.name} (Company ID {company.pk}), location {location.code}, "
            f"time zone {company.time_zone} (today there: {calendar.today(company):%a %Y-%m-%d})"
        )
        users = _users(company, spec, password)
        progress("Users: " + ", ".join(f"{user.username} ({role})" for user, role in users))
        rep = next(user for user, role in users if role == "sales_rep")
        boxes = {
            code: BoxType.objects.get_or_create(
                company=company, code=code, defaults={"description": d, "fbe": f}
            )[0]
            for code, d, f in catalogue.BOX_TYPES
        }
        carriers = {
            code: Carrier.objects.get_or_create(
                company=company,
                code=code,
                defaults={"name": name, "city": city, "state": st, "country": country},
            )[0]
            for code, name, city, st, country in spec.carriers
        }
        vendors = [
            Vendor.objects.get_or_create(company=company, code=c, defaults={"name": n, "port_origin": p})[0]
            for c, n, p in spec.vendors
        ]
        progress(f"Catalogue: {len(boxes)} box types, {len(carriers)} carriers, {len(vendors)} growers")
        products = _products(company, spec.categories)
        progress(f"Products: {len(products)}")
        customers = _customers(company, spec, carriers[spec.default_carrier], rep)
        progress(f"Customers: {len(customers)} (BloomNet is Customer ID {customers['BLOOMNET'].pk})")
    with transaction.atomic():
        made = _on_hand_lines(company, location, products, boxes, vendors, rng)
        progress(f"On-hand lines: {InventoryLine.objects.filter(company=company).count()} ({made} new)")
        made = _future_lines(company, location, products, boxes, vendors, rng)
        progress(f"Future lines: {FutureLine.objects.filter(company=company).count()} ({made} new)")
    return company


def _users(company: Company, spec: DemoCompany, password: str | None):
    user_model = get_user_model()
    made = []
    for username, role, first, last in spec.users:
        user = user_model.objects.filter(username=username).first()
        if user is None:
            user = user_model(
                username=username, first_name=first, last_name=last, email=f"{username}@{spec.email_domain}"
            )
            user.set_password(password)  # None: an unusable password
            user.save()
        elif password and not _in_a_real_company(user):
            # Only a demo user gets the new password: a real user who shares a demo username (say,
            # `admin` of a real company in the same database) keeps theirs.
            user.set_password(password)
            user.save(update_fields=["password"])
        if user.is_staff or user.is_superuser:
            # No demo user is a platform operator (demo data of an older version made `admin` one).
            user.is_staff = user.is_superuser = False
            user.save(update_fields=["is_staff", "is_superuser"])
        Membership.objects.get_or_create(user=user, company=company, defaults={"role": role})
        made.append((user, role))
    return made


def _in_a_real_company(user) -> bool:
    demo_names = [spec.name for spec in DEMO_COMPANIES]
    return Membership.objects.filter(user=user).exclude(company__name__in=demo_names).exists()


def _products(company: Company, categories: frozenset[str] | None) -> list[tuple[Product, tuple]]:
    result = []
    for family in catalogue.FAMILIES:
        category_name, variety, colors, grades, *_ = family
        if categories is not None and category_name not in categories:
            continue
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


def _customers(company: Company, spec: DemoCompany, carrier: Carrier, rep) -> dict[str, Customer]:
    result = {}
    for code, name, kind, level, b_markup, e_markup, city, state in spec.customers:
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
                "phone": spec.phone,
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
