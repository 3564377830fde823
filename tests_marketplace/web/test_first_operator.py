"""The marketplace's first run: with no operator, a page (and `marketplace init`) makes one, once."""

from __future__ import annotations

import io
import threading

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client

from marketplace.suppliers.models import FirstOperator
from marketplace.suppliers.operators import AlreadySetUp, create_first_operator, first_run_done

FORM = {
    "username": "operator",
    "email": "ops@market.test",
    "password": "market-open-2026",
    "password_again": "market-open-2026",
}


class NotATerminal(io.StringIO):
    def isatty(self) -> bool:
        return False


@pytest.mark.django_db
def test_with_no_operator_the_operator_pages_lead_to_the_first_run(client: Client) -> None:
    response = client.get("/operator/")
    assert response.status_code == 302 and response["Location"] == "/operator/welcome/"
    offers = client.get("/").content.decode()
    assert 'data-testid="needs-operator"' in offers and "/operator/welcome/" in offers


@pytest.mark.django_db
def test_the_page_makes_a_staff_operator_and_signs_them_in(client: Client) -> None:
    response = client.post("/operator/welcome/", FORM, follow=True)
    assert response.redirect_chain[-1][0] == "/operator/"
    user = get_user_model().objects.get(username="operator")
    assert user.is_staff and user.check_password("market-open-2026")
    assert "Welcome, operator" in response.content.decode()
    assert 'data-testid="needs-operator"' not in client.get("/").content.decode()


@pytest.mark.django_db
def test_bad_values_stay_on_the_page_and_make_nothing(client: Client) -> None:
    response = client.post(
        "/operator/welcome/", {**FORM, "username": "a b", "password_again": "other-2026-x"}
    )
    page = response.content.decode()
    assert response.status_code == 200 and "The two passwords differ" in page
    short = client.post("/operator/welcome/", {**FORM, "password": "short", "password_again": "short"})
    assert "too short" in short.content.decode()
    assert not get_user_model().objects.exists()


@pytest.mark.django_db
def test_the_page_is_gone_once_an_operator_exists(client: Client) -> None:
    client.post("/operator/welcome/", FORM)
    other = Client()
    assert other.get("/operator/welcome/").status_code == 404
    again = other.post("/operator/welcome/", {**FORM, "username": "intruder"})
    assert again.status_code == 404 and "already has an operator" in again.content.decode()
    assert not get_user_model().objects.filter(username="intruder").exists()


@pytest.mark.django_db
def test_the_demo_operator_counts_as_the_first_run(client: Client) -> None:
    get_user_model().objects.create_user("demo-operator", password="x", is_staff=True)
    assert first_run_done()
    assert client.get("/operator/welcome/").status_code == 404


@pytest.mark.django_db
def test_a_florist_is_no_operator() -> None:
    get_user_model().objects.create_user("florist@example.com", password="x")
    assert not first_run_done()


@pytest.mark.django_db
def test_the_page_refuses_a_post_without_the_csrf_token() -> None:
    response = Client(enforce_csrf_checks=True).post("/operator/welcome/", FORM)
    assert response.status_code == 403 and not get_user_model().objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_first_runs_at_once_make_one_operator() -> None:
    barrier = threading.Barrier(4)
    won: list[object] = []
    lost: list[BaseException] = []

    def run(n: int) -> None:
        try:
            barrier.wait()
            won.append(create_first_operator(username=f"op{n}", password="market-open-2026"))
        except BaseException as error:  # collected: a thread's failure must fail the test
            lost.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(won) == 1 and len(lost) == 3 and all(isinstance(e, AlreadySetUp) for e in lost), (won, lost)
    assert get_user_model().objects.filter(is_staff=True).count() == 1 and FirstOperator.objects.count() == 1


@pytest.mark.django_db
def test_init_takes_the_password_from_the_environment_or_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", NotATerminal("market-open-2026\n"))
    out = io.StringIO()
    call_command("init", username="operator", stdout=out)
    assert "Operator operator created" in out.getvalue()
    assert get_user_model().objects.get(username="operator").is_staff
    monkeypatch.setenv("MARKETPLACE_INIT_PASSWORD", "market-open-2026")
    with pytest.raises(CommandError, match="already has an operator"):
        call_command("init", username="second")


@pytest.mark.django_db
def test_init_names_what_to_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", NotATerminal("short\n"))
    with pytest.raises(CommandError) as caught:
        call_command("init", username="bad name!")
    assert "--username:" in str(caught.value) and "password:" in str(caught.value)
    with pytest.raises(TypeError):
        call_command("init", username="x", password="on-the-command-line")
    assert not get_user_model().objects.exists()
