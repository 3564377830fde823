import datetime as dt

import pytest

from marketplace.shop.models import CartLine, Florist, SupplierOrder
from marketplace.sync.models import Offer
from marketplace.sync.services import sync_supplier

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


@pytest.fixture
def synced(supplier, wholesaler):
    sync_supplier(supplier, full=True)
    return supplier


@pytest.fixture
def signed_in(client, db):
    client.post(
        "/accounts/signup/",
        {
            "shop_name": "Daisy Lane",
            "address": "12 Main St",
            "city": "Springfield",
            "state": "IL",
            "zipcode": "62701",
            "email": "daisy@example.com",
            "password": "a-good-password-1",
        },
    )
    return Florist.objects.get()


def test_sign_up_signs_the_florist_in(client, signed_in):
    page = client.get("/").content.decode()
    assert "Daisy Lane" in page and "Cart (0)" in page


def test_sign_up_shows_each_problem_next_to_its_field(client, db):
    response = client.post(
        "/accounts/signup/", {"shop_name": "", "email": "not-an-email", "password": "short"}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"shop_name", "email", "password", "city"} <= set(errors)
    assert 'id="email-error"' in response.content.decode()
    assert Florist.objects.count() == 0


def test_sign_in_with_a_wrong_password_says_so(client, signed_in):
    client.logout()
    response = client.post("/accounts/login/", {"email": "daisy@example.com", "password": "wrong-password"})
    assert "do not match an account" in response.content.decode()
    response = client.post(
        "/accounts/login/", {"email": "DAISY@example.com", "password": "a-good-password-1"}
    )
    assert response.status_code == 302


def test_offers_show_pack_prices_boxes_and_ship_dates(client, synced):
    page = client.get("/").content.decode()
    assert "3 offers" in page
    assert "Rose Freedom" in page and "10 × 25" in page and "$0.550" in page and "$137.50" in page
    assert "Sunrise Flowers" in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("category=Hydrangeas", {"Hydrangea Blue"}),
        ("color=White", {"Rose Vendela"}),
        ("origin=2", {"Hydrangea Blue"}),
        ("origin=1", {"Rose Freedom", "Rose Vendela"}),
        ("q=freedom", {"Rose Freedom"}),
        (f"ship_date={(TODAY + dt.timedelta(days=10)).isoformat()}", {"Hydrangea Blue"}),
    ],
)
def test_filters_narrow_the_offers(client, synced, query, expected):
    response = client.get(f"/?{query}")
    shown = {row["offer"].product_description for row in response.context["rows"]}
    assert shown == expected


def test_filter_by_supplier(client, synced):
    response = client.get(f"/?supplier={synced.pk}")
    assert len(response.context["rows"]) == 3
    response = client.get("/?supplier=999")
    assert response.context["form"].errors  # not a listed supplier: the form says so


def test_stale_offers_are_marked(client, synced):
    type(synced).objects.filter(pk=synced.pk).update(last_success_at=dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
    assert 'class="tag stale"' in client.get("/").content.decode()


def test_adding_too_many_boxes_comes_back_with_the_reason_next_to_the_field(client, synced, signed_in):
    rose = Offer.objects.get(inventory_ids="101")
    response = client.post(f"/offers/{rose.pk}/", {"boxes": 50, "ship_date": TODAY.isoformat()})
    assert response.status_code == 200
    assert response.context["form"].errors["boxes"] == ["Only 8 boxes are available."]
    assert CartLine.objects.count() == 0


def test_anonymous_visitors_are_asked_to_sign_in_before_adding(client, synced):
    rose = Offer.objects.get(inventory_ids="101")
    response = client.post(f"/offers/{rose.pk}/", {"boxes": 1, "ship_date": TODAY.isoformat()})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")


def test_the_florist_buys_from_the_cart_and_sees_the_invoice_number(client, synced, signed_in, wholesaler):
    rose = Offer.objects.get(inventory_ids="101")
    response = client.post(f"/offers/{rose.pk}/", {"boxes": 2, "ship_date": TODAY.isoformat()})
    assert response.status_code == 302 and response["Location"] == "/cart/"
    cart = client.get("/cart/").content.decode()
    assert "Rose Freedom" in cart and "$275.00" in cart
    response = client.post("/checkout/", {"customer_po": "PO-1"})
    result = client.get(response["Location"]).content.decode()
    number = SupplierOrder.objects.get().invoice_number
    assert f'invoice <strong class="doc">{number}</strong>' in result
    orders = client.get("/orders/").content.decode()
    assert number in orders and "Pending Approval" in orders
    pdf = client.get(f"/orders/{SupplierOrder.objects.get().pk}/invoice.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_cart_update_errors_are_shown_next_to_the_line(client, synced, signed_in):
    rose = Offer.objects.get(inventory_ids="101")
    client.post(f"/offers/{rose.pk}/", {"boxes": 2, "ship_date": TODAY.isoformat()})
    line = CartLine.objects.get()
    response = client.post(
        f"/cart/{line.pk}/update/",
        {f"line{line.pk}-boxes": 99, f"line{line.pk}-ship_date": TODAY.isoformat()},
    )
    assert response.status_code == 400
    assert "Only 8 boxes are available." in response.content.decode()
    assert CartLine.objects.get().boxes == 2


def test_an_empty_cart_cannot_be_checked_out(client, signed_in, db):
    response = client.post("/checkout/")
    assert response.status_code == 400 and "Your cart is empty." in response.content.decode()


def test_a_florist_cannot_see_another_florists_checkout(client, synced, signed_in):
    rose = Offer.objects.get(inventory_ids="101")
    client.post(f"/offers/{rose.pk}/", {"boxes": 1, "ship_date": TODAY.isoformat()})
    attempt_url = client.post("/checkout/")["Location"]
    client.logout()
    client.post(
        "/accounts/signup/",
        {
            "shop_name": "Other",
            "address": "1 A St",
            "city": "B",
            "state": "IL",
            "zipcode": "1",
            "email": "other@example.com",
            "password": "another-password-9",
        },
    )
    assert client.get(attempt_url).status_code == 404


def test_standing_order_page_creates_a_weekly_order(client, synced, signed_in, wholesaler):
    rose = Offer.objects.get(inventory_ids="101")
    response = client.post(
        f"/offers/{rose.pk}/standing/",
        {"boxes": 2, "days": ["Monday", "Friday"], "start_date": (TODAY + dt.timedelta(days=1)).isoformat()},
        follow=True,
    )
    page = response.content.decode()
    assert "Monday,Friday" in page and "Standing order" in page
    assert len(wholesaler.standing_orders) == 1


def test_a_double_click_on_place_order_shows_the_first_order_instead_of_placing_another(
    client, synced, signed_in, wholesaler
):
    rose = Offer.objects.get(inventory_ids="101")
    client.post(f"/offers/{rose.pk}/", {"boxes": 1, "ship_date": TODAY.isoformat()})
    wholesaler.down = True
    first = client.post("/checkout/")["Location"]
    cart = client.get("/cart/").content.decode()
    assert "Being ordered" in cart and 'id="place-order" disabled' in cart
    second = client.post("/checkout/")
    assert second.status_code == 302 and second["Location"] == first
    wholesaler.down = False
    client.post(f"{first}retry/")
    assert len(wholesaler.invoices) == 1 and CartLine.objects.count() == 0


def test_the_stylesheet_is_served_without_a_web_server_in_front(client):
    css = client.get("/static/marketplace/site.css")
    assert css.status_code == 200 and css["Content-Type"].startswith("text/css")
    assert b"".join(css.streaming_content)
    assert css["Cache-Control"] == "max-age=60, public"
    assert client.get("/static/marketplace/nothing-here.css").status_code == 404
