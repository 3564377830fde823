"""Spreadsheets in: products, customers and on-hand inventory from .xlsx or CSV. A preview names
every bad cell by row and column and writes nothing; Confirm writes all rows or none; junk files
are refused with words; the rows wait only in the uploader's session."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook, load_workbook

from stemlink.catalog.models import Category, Product
from stemlink.customers.models import Customer
from stemlink.integrations.models import OutboxEvent
from stemlink.inventory.models import InventoryLine
from tests.factories import World, make_user

pytestmark = pytest.mark.django_db

PRODUCTS_HEADER = ["Code", "Description", "Category", "Variety", "Color", "Grade", "Active"]


def _xlsx(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(client: Client, what: str, name: str, content: bytes) -> Any:
    return client.post(
        f"/setup/import/{what}/", {"action": "upload", "file": SimpleUploadedFile(name, content)}
    )


def _confirm(client: Client, what: str, digest: str) -> Any:
    return client.post(f"/setup/import/{what}/", {"action": "confirm", "digest": digest})


def test_a_products_file_with_a_bad_row_is_refused_naming_the_cell_then_accepted(
    world: World, admin_client: Client
) -> None:
    rows = [
        PRODUCTS_HEADER,
        ["VEN-50", "Rose Vendela 50cm", "Roses", "Vendela", "White", "50cm", "yes"],
        ["HYD-WHT", "Hydrangea White", "Hydrangeas", "", "White", "", "maybe"],
        ["", "Carnation Red", "Carnations", "", "Red", "", ""],
    ]
    got = _upload(admin_client, "products", "products.xlsx", _xlsx(rows))
    body = got.content.decode()
    assert got.status_code == 200
    assert 'data-testid="refused"' in body and "confirm-import" not in body
    assert "Row 3, Active: &#x27;maybe&#x27; is not yes or no" in body
    assert "Row 4, Code: is required" in body
    assert not Product.objects.filter(code="VEN-50").exists()
    assert not Category.objects.filter(company=world.company, name="Hydrangeas").exists()

    rows[2][6] = "yes"
    rows[3][0] = "CARN-RED"
    got = _upload(admin_client, "products", "products.xlsx", _xlsx(rows))
    assert 'data-testid="all-good"' in got.content.decode()
    assert not Product.objects.filter(code="VEN-50").exists()  # a preview writes nothing
    done = _confirm(admin_client, "products", got.context["digest"])
    assert done.status_code == 302 and done["Location"] == "/setup/products/"
    assert set(
        Product.objects.filter(company=world.company, code__in=["VEN-50", "HYD-WHT", "CARN-RED"]).values_list(
            "category__name", flat=True
        )
    ) == {"Roses", "Hydrangeas", "Carnations"}
    # A second confirm of the same preview finds nothing to confirm.
    assert _confirm(admin_client, "products", got.context["digest"]).status_code == 400


def test_a_csv_with_an_existing_code_updates_that_product_and_records_events(
    world: World, admin_client: Client
) -> None:
    from tests.factories import make_line

    line = make_line(world)
    csv_text = f"code;description;category;active\n{world.product.code};Renamed Rose;Roses;no\n"
    got = _upload(admin_client, "products", "p.csv", csv_text.encode("utf-8-sig"))
    assert "updated product" in got.content.decode()
    assert _confirm(admin_client, "products", got.context["digest"]).status_code == 302
    world.product.refresh_from_db()
    assert world.product.description == "Renamed Rose" and not world.product.active
    event = OutboxEvent.objects.filter(company=world.company, event_type="inventory.changed").latest("id")
    assert event.payload["inventoryId"] == line.pk and event.payload["quantity"] == 0


def test_confirm_is_all_or_nothing_when_the_data_changed_after_the_preview(
    world: World, admin_client: Client
) -> None:
    rows = [["Code", "Name"], ["NEW1", "Florist One"], ["NEW2", "Florist Two"]]
    got = _upload(admin_client, "customers", "c.xlsx", _xlsx(rows))
    assert 'data-testid="all-good"' in got.content.decode()
    Customer.objects.create(company=world.company, code="NEW2", name="Taken meanwhile")
    again = _confirm(admin_client, "customers", got.context["digest"])
    assert again.status_code == 200 and "Nothing was written" in again.content.decode()
    assert not Customer.objects.filter(company=world.company, code="NEW1").exists()


def test_customers_are_imported_with_their_fields_and_bad_cells_named(
    world: World, admin_client: Client
) -> None:
    rows = [
        ["Code", "Name", "Type", "Email for invoices", "Default price", "Credit limit"],
        ["BLM2", "Bloom Two", "florist", "ap@bloom.example", "B", "1500"],
        ["BLM3", "Bloom Three", "alien", "not-an-address", "C", "-5"],
    ]
    got = _upload(admin_client, "customers", "c.xlsx", _xlsx(rows))
    body = got.content.decode()
    assert "Row 3, Default price: &#x27;C&#x27; is not A or B" in body
    assert "Row 3, Credit limit: must be a number, 0 or more" in body
    rows[2][2:] = ["wholesaler", "ap3@bloom.example", "A", ""]
    got = _upload(admin_client, "customers", "c.xlsx", _xlsx(rows))
    assert _confirm(admin_client, "customers", got.context["digest"]).status_code == 302
    two = Customer.objects.get(company=world.company, code="BLM2")
    assert two.default_price == "B" and str(two.credit_limit) == "1500.00"
    assert Customer.objects.get(company=world.company, code="BLM3").customer_type == "wholesaler"


def test_a_customer_service_error_is_named_on_its_cell(world: World, admin_client: Client) -> None:
    rows = [
        ["Name", "Email for invoices", "Type"],
        ["Bloom Four", "not-an-address", "florist"],
        ["Bloom Five", "", "alien"],
    ]
    body = _upload(admin_client, "customers", "c.xlsx", _xlsx(rows)).content.decode()
    assert "Row 2, Email for invoices:" in body and "is not an e-mail address" in body
    assert "Row 3, Type: must be one of florist" in body


def test_on_hand_inventory_is_imported_through_the_inventory_service(
    world: World, admin_client: Client
) -> None:
    header = [
        "Product code",
        "Box type",
        "Grower",
        "Boxes",
        "Unit type",
        "Bunches per box",
        "Stems per bunch",
        "Unit cost",
        "Price",
        "AWB",
        "Ship date",
    ]
    good = [world.product.code, "HB", "ROSAS", 5, "Stem", 10, 25, 0.35, 0.6, "369-1", "2026-05-28"]
    bad = ["NOPE", "ZZ", "", 500, "Stem", 10, 25, "abc", "", "369-2", "31/31/2026"]
    got = _upload(admin_client, "inventory", "lines.xlsx", _xlsx([header, good, bad]))
    body = got.content.decode()
    assert "Row 3, Boxes: must be from 1 to 100" in body
    assert "Row 3, Unit cost: &#x27;abc&#x27; is not a number" in body
    assert "Row 3, Ship date:" in body
    bad[3], bad[7], bad[10] = 5, "0.3", "05/28/2026"
    got = _upload(admin_client, "inventory", "lines.xlsx", _xlsx([header, good, bad]))
    body = got.content.decode()
    assert "Row 3, Product code: product code &#x27;NOPE&#x27; is not a product of this company" in body
    assert "Row 3, Box type:" in body
    bad[0], bad[1] = world.product.code, "QB"
    got = _upload(admin_client, "inventory", "lines.xlsx", _xlsx([header, good, bad]))
    before = InventoryLine.objects.filter(company=world.company).count()
    assert _confirm(admin_client, "inventory", got.context["digest"]).status_code == 302
    assert InventoryLine.objects.filter(company=world.company).count() == before + 2
    line = InventoryLine.objects.filter(company=world.company, awb="369-1").get()
    assert line.boxes_on_hand == 5 and str(line.unit_cost) == "0.350"
    assert OutboxEvent.objects.filter(company=world.company, payload__inventoryId=line.pk).exists()


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("empty.csv", b"", "The file is empty"),
        ("photo.xlsx", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "not a spreadsheet"),
        ("broken.xlsx", b"PK\x03\x04not really a zip", "not a workbook"),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"x" * 64, "save this file"),
        ("wrong.csv", b"sku,title\n1,2\n", "does not know"),
        ("partial.csv", b"code,description\nA,B\n", "required ones are missing: Category"),
        ("header-only.csv", b"code,description,category\n", "no product below it"),
    ],
)
def test_junk_files_are_refused_with_words(
    admin_client: Client, name: str, content: bytes, words: str
) -> None:
    got = _upload(admin_client, "products", name, content)
    assert got.status_code == 400
    assert words in got.content.decode()


def test_a_workbook_that_unpacks_to_too_much_is_refused(admin_client: Client) -> None:
    import zipfile

    from stemlink.web.imports import MAX_UNPACKED

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", b"a" * (MAX_UNPACKED + 1))
    got = _upload(admin_client, "products", "bomb.xlsx", out.getvalue())
    assert got.status_code == 400 and "unpacks to more than" in got.content.decode()


def test_a_file_too_large_or_no_file_is_refused(admin_client: Client) -> None:
    from stemlink.web.imports import MAX_BYTES

    big = b"code,description,category\n" + b"A,B,C\n" * (MAX_BYTES // 6 + 10)
    assert "larger than" in _upload(admin_client, "products", "big.csv", big).content.decode()
    assert admin_client.post("/setup/import/products/", {"action": "upload"}).status_code == 400
    assert (
        admin_client.post("/setup/import/products/", {"action": "confirm", "digest": "x"}).status_code == 400
    )


def test_a_preview_waits_only_for_its_uploader_in_its_company(
    world: World, other_world: World, admin_client: Client
) -> None:
    rows = [PRODUCTS_HEADER, ["ONE", "One Rose", "Roses", "", "", "", ""]]
    got = _upload(admin_client, "products", "p.xlsx", _xlsx(rows))
    digest = got.context["digest"]
    other = Client()
    other.force_login(make_user(other_world.company, role="admin"))
    assert _confirm(other, "products", digest).status_code == 400
    colleague = Client()
    colleague.force_login(make_user(world.company, role="admin"))
    assert _confirm(colleague, "products", digest).status_code == 400
    assert _confirm(admin_client, "products", "0" * 32).status_code == 400
    assert not Product.objects.filter(code="ONE").exists()


@pytest.mark.parametrize("what", ["products", "customers", "inventory"])
def test_each_import_has_a_template_that_imports_back(admin_client: Client, what: str) -> None:
    got = admin_client.get(f"/setup/import/{what}/template/")
    assert got.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(got.streaming_content))).active
    assert sheet is not None and sheet.max_row == 2
    csv_got = admin_client.get(f"/setup/import/{what}/template/?format=csv")
    assert csv_got["Content-Type"].startswith("text/csv")
    assert admin_client.get(f"/setup/import/{what}/").status_code == 200


def test_roles_decide_who_imports(world: World, rep_client: Client) -> None:
    assert rep_client.get("/setup/import/products/").status_code == 403
    assert rep_client.get("/setup/import/customers/").status_code == 403
    warehouse = Client()
    warehouse.force_login(make_user(world.company, role="warehouse"))
    assert warehouse.get("/setup/import/inventory/").status_code == 200
    assert warehouse.get("/setup/import/products/").status_code == 403


def test_a_stored_preview_of_the_wrong_shape_is_not_confirmed(world: World, admin_client: Client) -> None:
    rows = [PRODUCTS_HEADER, ["ONE", "One Rose", "Roses", "", "", "", ""]]
    digest = _upload(admin_client, "products", "p.xlsx", _xlsx(rows)).context["digest"]
    session = admin_client.session
    stored = session["stemlink_import_products"]
    stored["rows"] = [["ONE", "short row"]]
    session["stemlink_import_products"] = stored
    session.save()
    assert _confirm(admin_client, "products", digest).status_code == 400
    assert not Product.objects.filter(code="ONE").exists()
