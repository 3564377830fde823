"""With the production variables the README lists, `check --deploy` passes for both applications."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
BIN = Path(sys.executable).parent


def production_variables(prefix: str) -> dict[str, str]:
    """The production checklist of README.md for one application, with example values filled in."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Production checklist", 1)[1].split("\n## ", 1)[0]
    found = dict(re.findall(rf"^({prefix}_[A-Z_]+)=(\S+)", section, re.MULTILINE))
    assert found, f"README.md lists no {prefix}_ production variables"
    return {
        name: (secrets.token_urlsafe(50) if value == "<random>" else value) for name, value in found.items()
    }


def _check(command: str, prefix: str, tmp_path: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STEMLINK_", "MARKETPLACE_", "DJANGO_"))}
    env.update({"STEMLINK_VAR_DIR": str(tmp_path), **production_variables(prefix), **extra})
    if prefix == "STEMLINK":
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'stemlink.sqlite3'}"
    else:
        env["MARKETPLACE_DATABASE_URL"] = f"sqlite:///{tmp_path / 'marketplace.sqlite3'}"
    return subprocess.run(
        [str(BIN / command), "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(("command", "prefix"), [("stemlink", "STEMLINK"), ("marketplace", "MARKETPLACE")])
def test_check_deploy_passes_with_the_production_variables(tmp_path: Path, command: str, prefix: str):
    done = _check(command, prefix, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


@pytest.mark.parametrize(("command", "prefix"), [("stemlink", "STEMLINK"), ("marketplace", "MARKETPLACE")])
def test_check_deploy_fails_without_https(tmp_path: Path, command: str, prefix: str):
    done = _check(command, prefix, tmp_path, **{f"{prefix}_HTTPS": "0"})
    assert done.returncode != 0
    assert "SESSION_COOKIE_SECURE" in done.stderr and "SECURE_SSL_REDIRECT" in done.stderr


def test_allowed_hosts_default_to_loopback_names_not_everything():
    from django.conf import settings

    if "STEMLINK_ALLOWED_HOSTS" in os.environ:
        pytest.skip("the environment sets STEMLINK_ALLOWED_HOSTS")
    assert "*" not in settings.ALLOWED_HOSTS
    assert {"127.0.0.1", "localhost", "[::1]"} <= set(settings.ALLOWED_HOSTS)


@pytest.mark.parametrize(("command", "prefix"), [("stemlink", "STEMLINK"), ("marketplace", "MARKETPLACE")])
def test_serve_refuses_a_public_address_without_allowed_hosts(tmp_path: Path, command: str, prefix: str):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STEMLINK_", "MARKETPLACE_", "DJANGO_"))}
    env["STEMLINK_VAR_DIR"] = str(tmp_path)
    done = subprocess.run(
        [str(BIN / command), "serve", "--host", "0.0.0.0", "--port", "1"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert f"without {prefix}_ALLOWED_HOSTS" in done.stderr
