"""Years of history: every list is paged, a page's statements do not grow with the data, a refused
fees period is said in words, exports stream (and stop at their time limit), pickers search."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal
from typing import Any

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from stemlink.catalog.models import Category, Product, Vendor
from stemlink.customers.models import Customer, ShipTo
from stemlink.orders.models import FeeEntry, Invoice, InvoiceItem, InvoiceStatus, Prebook
from stemlink.web.paging import page_of
from tests.factories import World, make_customer, make_line, make_user

pytestmark = pytest.mark.django_db


def _grow(world: World, n: int, *, status: int = InvoiceStatus.PENDING) -> None:
    """Add `n` invoices with a line and a fee each, `n` prebooks, customers and ship-tos (in bulk)."""
    start = (Invoice.objects.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    customers = Customer.objects.bulk_create(
        [Customer(company=world.company, code=f"H{start + i}", name=f"History {start + i}") for i in range(n)]
    )
    ShipTo.objects.bulk_create(
        [ShipTo(company=world.company, customer=world.customer, name=f"Shop {start + i}") for i in range(n)]
    )
    invoices = Invoice.objects.bulk_create(
        [
            Invoice(
                company=world.company,
                location=world.location,
                number=start + i,
                prefix="W",
                customer=customers[i],
                ship_to=None,
                ship_date=timezone.now().date(),
                status=status,
                is_ecommerce=True,
                total=Decimal("10.00"),
            )
            for i in range(n)
        ]
    )
    InvoiceItem.objects.bulk_create(
        [
            InvoiceItem(
                company=world.company,
                invoice=inv,
                product=world.product,
                box_type=world.hb,
                units_per_box=250,
                boxes=1,
                unit_price=Decimal("10.00"),
                total=Decimal("10.00"),
            )
            for inv in invoices
        ]
    )
    FeeEntry.objects.bulk_create(
        [
            FeeEntry(
                company=world.company,
                document_kind="invoice",
                invoice=inv,
                document_number=f"W{inv.number}",
                customer=inv.customer,
                base_amount=Decimal("10.00"),
                rate_percent=Decimal("2.50"),
                amount=Decimal("0.25"),
            )
            for inv in invoices
        ]
    )
    Prebook.objects.bulk_create(
        [
            Prebook(
                company=world.company,
                location=world.location,
                number=start + i,
                customer=customers[i],
                truck_date=timezone.now().date(),
            )
            for i in range(n)
        ]
    )
    for _ in range(2):
        make_line(world)


def _pages(world: World) -> dict[str, tuple[str, dict[str, str]]]:
    number = str(
        Invoice.objects.filter(company=world.company).order_by("id").values_list("number", flat=True)[0]
    )
    return {
        "home": (reverse("web:home"), {}),
        "orders": (reverse("web:orders"), {}),
        "orders, page 2": (reverse("web:orders"), {"page": "2"}),
        "invoices": (reverse("web:invoices"), {}),
        "invoices, status": (reverse("web:invoices"), {"status": "0"}),
        "invoices, last page": (reverse("web:invoices"), {"page": "999"}),
        "invoices, number": (reverse("web:invoices"), {"q": number}),
        "invoices, customer": (reverse("web:invoices"), {"q": "History 1"}),
        "prebooks": (reverse("web:prebooks"), {}),
        "prebooks, last page": (reverse("web:prebooks"), {"page": "999"}),
        "customers": (reverse("web:customers"), {}),
        "customer": (reverse("web:customer", args=[world.customer.pk]), {}),
        "fees": (reverse("web:fees"), {}),
        "fees, page 2": (reverse("web:fees"), {"page": "2"}),
        "fees, last page": (reverse("web:fees"), {"page": "999"}),
        "inventory": (reverse("web:inventory"), {}),
    }


def _statements(client: Client, path: str, query: dict[str, str]) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, query)
    assert response.status_code == 200, path
    return len(captured)


def test_no_page_asks_more_statements_with_more_data(world: World, admin_client: Client) -> None:
    """Statement budgets at two data sizes: 3 of each, then 160 of each (several pages of every list)."""
    _grow(world, 3)
    small = {name: _statements(admin_client, *where) for name, where in _pages(world).items()}
    _grow(world, 157)
    large = {name: _statements(admin_client, *where) for name, where in _pages(world).items()}
    grew = {name: (small[name], large[name]) for name in small if large[name] > small[name]}
    assert grew == {}, f"statements per page grew with the data (small, large): {grew}"


@pytest.mark.parametrize(
    ("name", "per_page", "row"),
    [
        ("web:orders", 50, "<tr data-number="),
        ("web:invoices", 50, '<a href="/orders/invoices/'),
        ("web:prebooks", 50, '<a href="/orders/prebooks/'),
        ("web:customers", 50, '<td><a href="/setup/customers/'),
    ],
)
def test_every_list_is_paged(world: World, admin_client: Client, name: str, per_page: int, row: str) -> None:
    _grow(world, per_page + 7)
    first = admin_client.get(reverse(name)).content.decode()
    assert "Page 1 of 2" in first, name
    # Rows of the list on the first page (links in the navigation do not match these patterns).
    assert first.count(row) <= per_page + 3, name
    last = admin_client.get(reverse(name), {"page": "2"}).content.decode()
    assert "Page 2 of 2" in last and last.count(row) < first.count(row), name


def test_a_customers_ship_tos_and_the_fees_ledger_are_paged(world: World, admin_client: Client) -> None:
    _grow(world, 120)
    page = admin_client.get(reverse("web:customer", args=[world.customer.pk])).content.decode()
    assert "Page 1 of 3" in page and "ship_tos_page=2" in page
    assert page.count("<td>Shop ") == 50
    fees = admin_client.get(reverse("web:fees")).content.decode()
    assert "Page 1 of 2" in fees
    second = admin_client.get(reverse("web:fees"), {"page": "2"}).content.decode()
    assert "Page 2 of 2" in second and second.count('href="/orders/invoices/') == 20


def test_seek_pages_match_offset_pages_from_either_end(world: World) -> None:
    """The paginator reads ids from the near end; every page is the page OFFSET would give."""
    _grow(world, 123)
    keys = Invoice.objects.filter(company=world.company)
    expected = Paginator(keys.order_by("-created_on", "-id"), 10)
    for number in expected.page_range:
        page = page_of(str(number), keys, ("-created_on", "-id"), per_page=10)
        assert [i.pk for i in page] == [i.pk for i in expected.page(number)], number
    assert page_of("nonsense", keys, ("id",)).number == 1
    assert page_of("9999", keys, ("id",), per_page=10).number == 13


@pytest.mark.parametrize(
    ("model", "ordering"),
    [
        (Invoice, ("-created_on", "-id")),
        (Invoice, ("created_on", "id")),
        (Prebook, ("-truck_date", "-id")),
        (FeeEntry, ("created_on", "id")),
        (ShipTo, ("id",)),
    ],
)
def test_a_page_found_by_its_boundary_is_the_page_offset_gives(
    world: World, model: type, ordering: tuple[str, ...]
) -> None:
    """Next and Previous carry the boundary (seek); walking either way gives every page OFFSET gives."""
    _grow(world, 67)
    # Ties in the first key (the same day, the same instant) are where a seek goes wrong.
    if model is Invoice:
        Invoice.objects.filter(pk__in=Invoice.objects.order_by("id").values("pk")[:30]).update(
            created_on=timezone.now()
        )
    keys = model.objects.filter(company=world.company)  # type: ignore[attr-defined]
    expected = Paginator(keys.order_by(*ordering), 10)
    last = expected.num_pages
    page = page_of("1", keys, ordering, per_page=10)
    for number in range(2, last + 1):
        page = page_of(str(number), keys, ordering, per_page=10, seek=page.next_seek)  # type: ignore[attr-defined]
        assert [r.pk for r in page] == [r.pk for r in expected.page(number)], ("forward", number)
    for number in range(last - 1, 0, -1):
        seek = page.previous_seek  # type: ignore[attr-defined]
        page = page_of(str(number), keys, ordering, per_page=10, seek=seek)
        assert [r.pk for r in page] == [r.pk for r in expected.page(number)], ("back", number)


def test_a_seek_link_reads_no_offset_and_a_bad_one_falls_back_to_the_number(
    world: World, admin_client: Client
) -> None:
    _grow(world, 130)
    first = admin_client.get(reverse("web:invoices")).content.decode()
    href = first.split('class="button small" href="?', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    assert href.startswith("page=2&seek=a")
    with CaptureQueriesContext(connection) as captured:
        second = admin_client.get(f"{reverse('web:invoices')}?{href}").content.decode()
    assert not any("OFFSET" in q["sql"].upper() for q in captured.captured_queries)
    by_number = admin_client.get(reverse("web:invoices"), {"page": "2"}).content.decode()
    rows = lambda html: [line for line in html.splitlines() if '<a href="/orders/invoices/' in line]  # noqa: E731
    assert rows(second) == rows(by_number) and len(rows(second)) == 50
    for nonsense in ("a", "b", "x1~2", "a2026-13-45T00:00:00~1", "a~", "a" + "9" * 400, "bnull~null"):
        answer = admin_client.get(reverse("web:invoices"), {"page": "2", "seek": nonsense})
        assert answer.status_code == 200 and rows(answer.content.decode()) == rows(by_number), nonsense


def test_a_fees_period_the_page_refuses_is_said_in_words_on_the_page_and_the_export(
    world: World, admin_client: Client
) -> None:
    too_long = {"date_from": "2024-01-01", "date_to": "2026-01-01"}
    page = admin_client.get(reverse("web:fees"), too_long).content.decode()
    assert "Choose a period of at most a year." in page and 'id="fees-refused"' in page
    assert 'id="fees-total"' not in page and 'id="fees-export"' not in page  # no figures for another period
    export = admin_client.get(reverse("web:fees_export"), too_long)
    assert export.status_code == 400
    assert "Nothing was exported. To: Choose a period of at most a year." in export.content.decode()


def test_the_fees_export_streams_excel_or_csv_with_hostile_text_kept_as_text(
    world: World, admin_client: Client
) -> None:
    _grow(world, 3)
    Customer.objects.filter(pk=Invoice.objects.filter(company=world.company).first().customer_id).update(
        name="=HYPERLINK(1)"
    )
    excel = admin_client.get(reverse("web:fees_export"))
    assert excel.streaming and excel["Content-Disposition"].endswith('.xlsx"')
    rows = list(
        load_workbook(io.BytesIO(b"".join(excel.streaming_content))).active.iter_rows(values_only=True)
    )
    assert len(rows) == 4 and rows[1][8] == 0.25
    as_csv = admin_client.get(reverse("web:fees_export"), {"format": "csv"})
    assert as_csv.streaming and as_csv["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(b"".join(as_csv.streaming_content).decode())))
    assert lines[0][:2] == ["Date (UTC)", "Document"] and len(lines) == 4
    assert "'=HYPERLINK(1)" in [line[4] for line in lines]


def test_an_export_past_its_time_limit_stops_and_says_so(
    world: World, admin_client: Client, settings
) -> None:
    _grow(world, 5)
    settings.EXPORT_SECONDS = -1  # past the limit before the first row
    lines = list(
        csv.reader(
            io.StringIO(
                b"".join(
                    admin_client.get(reverse("web:fees_export"), {"format": "csv"}).streaming_content
                ).decode()
            )
        )
    )
    assert len(lines) == 2 and lines[1][0].startswith("Cut short: the export ran past")
    book = admin_client.get(reverse("web:customers_export"))
    rows = list(
        load_workbook(io.BytesIO(b"".join(book.streaming_content))).active.iter_rows(values_only=True)
    )
    assert rows[-1][0].startswith("Cut short")


def test_pickers_send_the_chosen_option_only_and_search_the_companys_rows(
    world: World, other_world: World, admin_client: Client
) -> None:
    _grow(world, 60)
    make_customer(other_world.company, name="History Elsewhere")
    page = admin_client.get(reverse("web:inventory")).content.decode()
    assert "History 1" not in page and 'id="id_reserved_for_search"' in page
    found = admin_client.get(
        reverse("web:pick_customer"), {"field": "reserved_for", "reserved_for_search": "history"}
    ).content.decode()
    assert found.count("<option") == 3 + 30 + 1  # the fixed three, the first 30 matches, "more"
    assert "Elsewhere" not in found
    chosen = Customer.objects.get(company=world.company, name="History 7")
    kept = admin_client.get(reverse("web:inventory"), {"reserved_for": str(chosen.pk)}).content.decode()
    assert f'<option value="{chosen.pk}" selected>History 7</option>' in kept
    theirs = Customer.objects.get(company=other_world.company, name="History Elsewhere")
    refused = admin_client.get(
        reverse("web:fees"), {"date_from": "2026-01-01", "date_to": "2026-01-31", "customer": theirs.pk}
    )
    assert "Select a valid choice" in refused.content.decode()


def test_growers_categories_and_a_webhooks_customer_are_searched_not_listed(
    world: World, other_world: World, admin_client: Client
) -> None:
    """The inventory's grower and category filters and the endpoint's customer hold only the chosen one."""
    Vendor.objects.bulk_create(
        [Vendor(company=world.company, code=f"G{i}", name=f"Grower {i:02d}") for i in range(40)]
    )
    Category.objects.bulk_create([Category(company=world.company, name=f"Kind {i:02d}") for i in range(40)])
    theirs = Vendor.objects.create(company=other_world.company, code="X", name="Grower Elsewhere")
    page = admin_client.get(reverse("web:inventory")).content.decode()
    assert "Grower 07" not in page and "Kind 07" not in page
    assert 'id="id_vendor_search"' in page and 'id="id_category_search"' in page
    found = admin_client.get(reverse("web:pick_vendor"), {"field": "vendor", "vendor_search": "grower"})
    body = found.content.decode()
    assert body.count("<option") == 1 + 30 + 1 and '<option value="">Any</option>' in body
    assert "Elsewhere" not in body
    kinds = admin_client.get(reverse("web:pick_category"), {"field": "category", "category_search": "kind 1"})
    assert kinds.content.decode().count("<option") == 1 + 10
    # Filtering by a chosen grower keeps it chosen; another company's grower is refused in words.
    mine = Vendor.objects.get(company=world.company, name="Grower 07")
    kept = admin_client.get(reverse("web:inventory"), {"vendor": str(mine.pk)}).content.decode()
    assert f'<option value="{mine.pk}" selected>Grower 07</option>' in kept
    refused = admin_client.get(reverse("web:inventory"), {"vendor": str(theirs.pk), "category": "x"})
    text = refused.content.decode()
    assert refused.status_code == 200
    assert "Choose a grower from the list." in text and "Choose a category from the list." in text
    # The endpoint's customer: only "All customers" and the chosen one; the search keeps that wording.
    _grow(world, 5)
    endpoints = admin_client.get(reverse("web:endpoints")).content.decode()
    assert "History 1" not in endpoints and 'id="id_customer_search"' in endpoints
    assert "fixed=endpoint_customer" in endpoints
    search = admin_client.get(
        reverse("web:pick_customer"),
        {"field": "customer", "customer_search": "history", "fixed": "endpoint_customer"},
    ).content.decode()
    assert "All customers (every event of the company)" in search and search.count("History ") == 5


def test_a_warehouse_member_may_search_customers_but_not_without_signing_in(world: World) -> None:
    client = Client()
    url = reverse("web:pick_customer")
    assert client.get(url).status_code in (302, 403)
    client.force_login(make_user(world.company, username="wendy", role="warehouse"))
    assert client.get(url, {"field": "customer", "customer_search": "bloom"}).status_code == 200


def test_invoice_list_rows_from_plain_columns_equal_the_model_rows(world: World) -> None:
    from django.contrib.auth import get_user_model

    from stemlink.api.methods.invoices import _invoice_row, _invoice_rows

    rep = get_user_model().objects.create_user(username="sam", first_name="Sam", last_name="Seller")
    world.customer.sales_rep = rep
    world.customer.save()
    _grow(world, 4)
    Invoice.objects.filter(company=world.company).update(customer=world.customer, carrier=world.carrier)
    Invoice.objects.filter(company=world.company, number=1).update(
        customer=Customer.objects.filter(company=world.company).last(), carrier=None
    )
    # Amounts at the field's 12 digits and with cents, a plain invoice, a timestamp on a whole second.
    Invoice.objects.filter(company=world.company, number=2).update(
        subtotal=Decimal("9999999999.99"),
        total=Decimal("0.07"),
        is_ecommerce=False,
        created_on=dt.datetime(2026, 3, 1, 23, 59, 59, tzinfo=dt.UTC),
        updated_on=dt.datetime(2026, 3, 2, 0, 0, 0, 1, tzinfo=dt.UTC),
    )
    Invoice.objects.filter(company=world.company, number=3).update(
        subtotal=Decimal("-12.30"), total=Decimal("1.10")
    )
    invoices = (
        Invoice.objects.filter(company=world.company)
        .select_related("customer", "customer__sales_rep", "carrier")
        .order_by("id")
    )
    from stemlink.api.envelope import dumps

    # The same bytes: the plain rows carry dates and amounts already written as the envelope writes them.
    assert dumps(list(_invoice_rows(invoices))) == dumps([_invoice_row(i) for i in invoices])
    assert {row["salesPersonName"] for row in _invoice_rows(invoices)} == {"Sam Seller", ""}


def test_a_closed_csv_export_stops_reading(rf: object) -> None:
    """What the server does when the client goes away: it closes the response, and reading stops."""
    from stemlink.web.exports import export_response

    read = []

    def rows():
        for n in range(100_000):
            read.append(n)
            yield [n, f"row {n}"]

    response = export_response(rf.get("/x", {"format": "csv"}), "x", "X", ["n", "text"], rows())  # type: ignore[attr-defined]
    chunks = iter(response.streaming_content)
    assert next(chunks).startswith(b"n,text")
    next(chunks)  # the first rows
    response.close()
    assert len(read) < 1_000
    assert list(chunks) == []  # nothing more is produced


# Every form that names a customer, product or grower, as (name, path, POST data or None for a GET).
MANY = 60
MOST_OPTIONS = 20
SELECT = re.compile(r"<select\b[^>]*\bname=\"([^\"]+)\"[^>]*>(.*?)</select>", re.S)


def _form_pages(world: World) -> list[tuple[str, str, dict[str, str] | None]]:
    tokens = reverse("web:token_new")
    return [
        ("new order", reverse("web:entry_new"), None),
        ("new standing order", reverse("web:standing_new"), None),
        ("add an on-hand line", reverse("web:inventory_new", args=["onhand"]), None),
        ("add a future line", reverse("web:inventory_new", args=["future"]), None),
        ("inventory filters", reverse("web:inventory"), None),
        ("customer token", tokens, {"action": "refresh", "token_type": "customer", "description": "x"}),
        ("vendor token", tokens, {"action": "refresh", "token_type": "vendor", "description": "x"}),
        ("endpoints", reverse("web:endpoints"), None),
        ("fees", reverse("web:fees"), None),
        ("new purchase order", reverse("web:purchase_order_new"), None),
        ("growers' offers", reverse("web:availability"), None),
        ("hard goods", reverse("web:hard_goods"), None),
    ]


def test_no_form_lists_every_customer_product_or_grower_in_a_select(
    world: World, admin_client: Client
) -> None:
    """With many customers, products and growers, every `<select>` stays short: they are searched."""
    _grow(world, MANY)
    Product.objects.bulk_create(
        [
            Product(company=world.company, category=world.roses, code=f"MANY{i}", description=f"Rose {i}")
            for i in range(MANY)
        ]
    )
    Vendor.objects.bulk_create(
        [Vendor(company=world.company, code=f"MG{i}", name=f"Grower {i}") for i in range(MANY)]
    )
    from stemlink.web.purchasing_forms import BuyForPrebookForm

    rendered = []
    for name, path, post in _form_pages(world):
        response = admin_client.post(path, post) if post is not None else admin_client.get(path)
        assert response.status_code == 200, name
        rendered.append((name, response.content.decode()))
    # Buying for a prebook shows its form only for a prebook with lines to buy: the form alone.
    rendered.append(("buy for a prebook", str(BuyForPrebookForm(world.company))))
    for name, html in rendered:
        selects = SELECT.findall(html)
        assert selects, name
        for field, options in selects:
            count = options.count("<option")
            assert count <= MOST_OPTIONS, f"{name}: the <select> {field!r} lists {count} options"


def test_the_searched_pickers_refuse_another_companys_row_in_words(world: World, other_world: World) -> None:
    """A customer, product or grower id of another company is refused on its field, in words."""
    from stemlink.web.forms import OnHandLineForm
    from stemlink.web.order_forms import EntryStartForm, StandingOrderForm
    from stemlink.web.purchasing_forms import HardGoodForm, LineForm, OrderForm
    from stemlink.web.token_forms import NewTokenForm

    theirs = other_world
    cases: list[tuple[Any, list[str]]] = [
        (EntryStartForm(world.company, {"customer": theirs.customer.pk}), ["customer"]),
        (
            StandingOrderForm(
                world.company, {"customer": theirs.customer.pk, "product_0": theirs.product.pk}
            ),
            ["customer", "product_0"],
        ),
        (
            OnHandLineForm(world.company, {"product": theirs.product.pk, "vendor": theirs.vendor.pk}),
            ["product", "vendor"],
        ),
        (
            OrderForm(world.company, {"vendor": theirs.vendor.pk, "customer": theirs.customer.pk}),
            ["vendor", "customer"],
        ),
        (LineForm({"product": theirs.product.pk}, company=world.company), ["product"]),
        (
            HardGoodForm(world.company, {"product": theirs.product.pk, "vendor": theirs.vendor.pk}),
            ["product", "vendor"],
        ),
        (
            NewTokenForm(world.company, {"token_type": "customer", "customer": theirs.customer.pk}),
            ["customer"],
        ),
        (NewTokenForm(world.company, {"token_type": "vendor", "vendor": theirs.vendor.pk}), ["vendor"]),
    ]
    for form, fields in cases:
        assert not form.is_valid()
        for field in fields:
            said = " ".join(form.errors.get(field, []))
            assert "not one of" in said or "valid choice" in said, (type(form).__name__, field, said)
        # Only the fixed choice is offered back: nothing of the other company is shown.
        for field in fields:
            html = str(form[field])
            assert theirs.customer.name not in html and str(theirs.product) not in html, field


def test_the_fees_page_figures_by_customer_come_from_one_pass_over_the_period(
    world: World, admin_client: Client
) -> None:
    """Per customer (by name): charges, their base, all fees; the total and the count are their sums.
    The page's rows are read by id alone, not by the period's range again."""
    _grow(world, 120)
    first = FeeEntry.objects.filter(company=world.company).order_by("id").first()
    assert first is not None
    FeeEntry.objects.create(
        company=world.company,
        entry_type="adjustment",
        document_kind="invoice",
        invoice=first.invoice,
        document_number=first.document_number,
        customer=first.customer,
        base_amount=Decimal("4.00"),
        rate_percent=Decimal("2.50"),
        amount=Decimal("0.10"),
    )
    with CaptureQueriesContext(connection) as captured:
        response = admin_client.get(reverse("web:fees"), {"page": "2"})
    assert response.status_code == 200
    entries = list(FeeEntry.objects.filter(company=world.company).select_related("customer"))
    expected = {}
    for entry in entries:
        row = expected.setdefault(
            entry.customer_id, {"name": entry.customer.name, "documents": 0, "base": Decimal(0), "fees": 0}
        )
        row["fees"] += entry.amount
        if entry.entry_type == "charge":
            row["documents"] += 1
            row["base"] += entry.base_amount
    shown = response.context["by_customer"]
    assert [r["customer__name"] for r in shown] == sorted(r["name"] for r in expected.values())
    for r in shown:
        want = expected[r["customer_id"]]
        assert (r["documents"], r["base"], r["fees"]) == (want["documents"], want["base"], want["fees"])
        assert r["customer__code"] == Customer.objects.get(pk=r["customer_id"]).code
    assert response.context["total"] == sum(e.amount for e in entries)
    page = response.context["page"]
    assert page.paginator.count == len(entries) == 121 and page.number == 2
    assert [e.pk for e in page.object_list] == [
        e.pk for e in sorted(entries, key=lambda e: (e.created_on, e.pk))
    ][100:]
    ranged = [q["sql"] for q in captured if '"orders_feeentry"."created_on" >=' in q["sql"]]
    assert len(ranged) == 2, ranged  # the figures by customer and the page's ids; not the page's rows


def test_the_search_by_customer_name_narrows_by_the_companys_matching_customers(
    world: World, other_world: World, admin_client: Client
) -> None:
    _grow(world, 60)
    elsewhere = make_customer(other_world.company, name="History 1 Elsewhere")
    Invoice.objects.create(
        company=other_world.company,
        location=other_world.location,
        number=1,
        customer=elsewhere,
        ship_date=timezone.now().date(),
    )
    with CaptureQueriesContext(connection) as captured:
        response = admin_client.get(reverse("web:invoices"), {"q": "history 1"})
    assert response.status_code == 200
    expected = Invoice.objects.filter(company=world.company, customer__name__icontains="history 1")
    assert expected.count() == 11  # History 1, 10 to 19
    assert {i.pk for i in response.context["page"].object_list} == set(expected.values_list("pk", flat=True))
    ids = next(q["sql"] for q in captured if q["sql"].startswith('SELECT "orders_invoice"."id" AS "pk"'))
    assert "JOIN" not in ids and '"customers_customer"' in ids  # customers first (IN), no join per invoice
    rows = next(q["sql"] for q in captured if q["sql"].startswith('SELECT "orders_invoice"."id", '))
    assert "LIKE" not in rows  # the page's rows by id alone, not by the search again


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's plan; PostgreSQL scans tables this small")
def test_home_and_the_fees_figures_read_a_covering_index_on_sqlite(
    world: World, admin_client: Client
) -> None:
    """Home's window and the fees page's figures are read from the index alone (no row per document)."""
    _grow(world, 30)
    with CaptureQueriesContext(connection) as home:
        assert admin_client.get(reverse("web:home")).status_code == 200
    with CaptureQueriesContext(connection) as fees:
        assert admin_client.get(reverse("web:fees")).status_code == 200
    window = [
        q["sql"]
        for q in [*home.captured_queries, *fees.captured_queries]
        if re.search(r'FROM "orders_(invoice|prebook|feeentry)" WHERE .*"created_on" >=', q["sql"])
        and "LIMIT" not in q["sql"]
    ]
    assert len(window) == 7, window  # today: invoices, prebooks, fees; the chart: the same; fees by customer
    for sql in window:
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            plan = " ".join(row[-1] for row in cursor.fetchall())
        assert "USING COVERING INDEX" in plan and "_cover " in plan, (sql, plan)
