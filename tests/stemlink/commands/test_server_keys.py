"""Real processes: a fresh install makes its own key, a restart keeps it, a weak key stops start-up."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
STEMLINK = str(Path(sys.executable).parent / "stemlink")

FIRST_START = """
import json, django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0, interactive=False)
from django.conf import settings
from django.test import Client
from stemlink.api.services import create_token
from stemlink.integrations.services import add_endpoint
from tests.factories import make_user, make_world
world = make_world("Restart Flowers")
user = make_user(world.company, username="keeper")
_, raw = create_token(world.company, token_type="company", description="restart", methods=["carrier.list"])
endpoint, secret = add_endpoint(world.company, url="https://partner.example/hook")
client = Client()
client.force_login(user)
print(json.dumps({
    "key": settings.SECRET_KEY, "session": client.cookies[settings.SESSION_COOKIE_NAME].value,
    "token": raw, "endpoint": endpoint.pk, "secret": secret,
}))
"""

SECOND_START = """
import json, sys, django
django.setup()
from django.conf import settings
from django.test import Client
from stemlink.api.services import authenticate_token
from stemlink.integrations.models import PartnerEndpoint
from stemlink.integrations.secret_box import open_secret
first = json.loads(sys.stdin.read())
client = Client(HTTP_HOST="localhost")
client.cookies[settings.SESSION_COOKIE_NAME] = first["session"]
page = client.get("/")
assert page.status_code in (200, 302), page.status_code
print(json.dumps({
    "key": settings.SECRET_KEY,
    "signed_in": page.status_code == 200 and b"keeper" in page.content,
    "token_works": authenticate_token(first["token"]).description == "restart",
    "secret": open_secret(PartnerEndpoint.objects.get(pk=first["endpoint"]).secret_encrypted),
}))
"""


def _env(var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STEMLINK_", "DJANGO_", "DATABASE_URL"))}
    env.update(
        {
            "STEMLINK_VAR_DIR": str(var_dir),
            "DATABASE_URL": f"sqlite:///{var_dir / 'stemlink.sqlite3'}",
            "DJANGO_SETTINGS_MODULE": "stemlink.settings",
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
def test_a_restart_keeps_its_key_and_every_session_token_and_secret_still_works(tmp_path: Path):
    env = _env(tmp_path / "install")
    first = _python(FIRST_START, env)
    assert (tmp_path / "install" / "stemlink-secret-key").stat().st_mode & 0o777 == 0o600
    second = _python(SECOND_START, env, json.dumps(first))
    assert second["key"] == first["key"]
    assert second["signed_in"], "the session did not survive the restart"
    assert second["token_works"]
    assert second["secret"] == first["secret"]


def test_two_fresh_installs_get_different_keys(tmp_path: Path):
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps({'k': settings.SECRET_KEY}))"
    )
    one = _python(code, _env(tmp_path / "one"))["k"]
    two = _python(code, _env(tmp_path / "two"))["k"]
    assert one != two
    assert "insecure" not in one and len(one) >= 50


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("STEMLINK_SECRET_KEY", "stemlink-dev-only-insecure-key-change-me-0123456789"),
        ("STEMLINK_SECRET_KEY", "short-key"),
        ("STEMLINK_SECRET_KEY", "django-insecure-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJ"),
        ("STEMLINK_TOKEN_KEY", "x" * 60),
        ("STEMLINK_WEBHOOK_SECRET_KEYS", "tiny"),
    ],
)
def test_a_weak_key_is_refused_at_start_up_with_a_message_naming_the_variable(
    tmp_path: Path, variable, value
):
    env = {**_env(tmp_path), variable: value}
    done = subprocess.run([STEMLINK, "check"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert f"{variable} is refused" in done.stderr
    assert "Traceback" not in done.stderr
