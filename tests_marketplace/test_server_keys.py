"""Real processes: the marketplace makes its own key, keeps it across restarts, refuses a weak one."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MARKETPLACE = str(Path(sys.executable).parent / "marketplace")

FIRST_START = """
import json, django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0, interactive=False)
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from marketplace.suppliers import services
operator = get_user_model().objects.create_user("operator", password="operator-pass-1", is_staff=True)
supplier = services.save_supplier(services.ConnectionDetails(
    name="Sunrise", base_url="https://wholesaler.example", company_id=7, customer_id=9,
    company_token="company-token-0123456789abcdef", customer_token="customer-token-0123456789abcdef",
    carrier_id=1))
client = Client()
client.force_login(operator)
print(json.dumps({"key": settings.SECRET_KEY, "session": client.cookies[settings.SESSION_COOKIE_NAME].value,
                  "supplier": supplier.pk}))
"""

SECOND_START = """
import json, sys, django
django.setup()
from django.conf import settings
from django.test import Client
from marketplace.suppliers.models import Supplier
first = json.loads(sys.stdin.read())
client = Client(HTTP_HOST="localhost")
client.cookies[settings.SESSION_COOKIE_NAME] = first["session"]
page = client.get("/operator/")
supplier = Supplier.objects.get(pk=first["supplier"])
print(json.dumps({"key": settings.SECRET_KEY, "signed_in": page.status_code == 200,
                  "tokens": [supplier.company_token, supplier.customer_token]}))
"""


def _env(var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MARKETPLACE_", "DJANGO_", "STEMLINK_"))}
    env.update(
        {
            "STEMLINK_VAR_DIR": str(var_dir),
            "MARKETPLACE_DATABASE_URL": f"sqlite:///{var_dir / 'marketplace.sqlite3'}",
            "DJANGO_SETTINGS_MODULE": "marketplace.settings",
            "PYTHONPATH": str(ROOT),
        }
    )
    return env


def _python(code: str, env: dict[str, str], stdin: str = "") -> dict:
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_a_restart_keeps_its_key_the_operators_session_and_the_stored_tokens(tmp_path: Path):
    env = _env(tmp_path / "install")
    first = _python(FIRST_START, env)
    assert (tmp_path / "install" / "marketplace-secret-key").stat().st_mode & 0o777 == 0o600
    second = _python(SECOND_START, env, json.dumps(first))
    assert second["key"] == first["key"]
    assert second["signed_in"]
    assert second["tokens"] == ["company-token-0123456789abcdef", "customer-token-0123456789abcdef"]
    other = _python(
        "import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps({'key': settings.SECRET_KEY}))",
        _env(tmp_path / "another-install"),
    )
    assert other["key"] != first["key"]


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("MARKETPLACE_SECRET_KEY", "marketplace-dev-only-insecure-key-change-me-9876543210"),
        ("MARKETPLACE_SECRET_KEY", "0123456789"),
        ("MARKETPLACE_VAULT_KEYS", "django-insecure-abc"),
    ],
)
def test_a_weak_key_is_refused_at_start_up_with_a_message_naming_the_variable(
    tmp_path: Path, variable, value
):
    env = {**_env(tmp_path), variable: value}
    done = subprocess.run(
        [MARKETPLACE, "check"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2
    assert f"{variable} is refused" in done.stderr
    assert "Traceback" not in done.stderr
