"""Server keys: none in the source, generated once per install (0600), reused, weak ones refused."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from safeguards import keys


def test_two_fresh_installs_get_different_keys_and_each_keeps_its_own(tmp_path: Path):
    first = keys.server_key("STEMLINK_SECRET_KEY", None, tmp_path / "a" / "stemlink-secret-key")
    second = keys.server_key("STEMLINK_SECRET_KEY", None, tmp_path / "b" / "stemlink-secret-key")
    assert first != second
    assert keys.weak_key_reason(first) is None and keys.weak_key_reason(second) is None
    # A restart reads the same key back.
    assert keys.server_key("STEMLINK_SECRET_KEY", "", tmp_path / "a" / "stemlink-secret-key") == first


def test_the_generated_key_file_is_readable_by_its_owner_only(tmp_path: Path):
    key_file = tmp_path / "var" / "marketplace-secret-key"
    keys.server_key("MARKETPLACE_SECRET_KEY", None, key_file)
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    # A copy made with a loose umask is narrowed again when read, and the key stays the same.
    before = key_file.read_text()
    key_file.chmod(0o644)
    keys.server_key("MARKETPLACE_SECRET_KEY", None, key_file)
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert key_file.read_text() == before


def test_processes_starting_together_agree_on_one_key(tmp_path: Path):
    key_file = tmp_path / "stemlink-secret-key"
    found: list[str] = []
    barrier = threading.Barrier(8)

    def start() -> None:
        barrier.wait()
        found.append(keys.generated_key("STEMLINK_SECRET_KEY", key_file))

    threads = [threading.Thread(target=start) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(found) == 8 and len(set(found)) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["stemlink-secret-key"]  # no temporary file left


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("stemlink-dev-only-insecure-key-change-me-0123456789", "published in the source"),
        ("marketplace-dev-only-insecure-key-change-me-9876543210", "published in the source"),
        ("django-insecure-" + "k3j4h5g6f7d8s9a0" * 4, "django-insecure"),
        ("s3cr3t", "too short"),
        ("a" * 80, "too few different characters"),
        ("abababababcdcdcdcdcdefefefefefababababcdcdcdcdcdefefefefef", "too few different characters"),
        ("please-change-me-" + "Qw9!zX2@rT5#yU8$iO1%pA4^sD7&" * 2, "change-me"),
    ],
)
def test_a_weak_configured_key_is_refused_naming_the_variable(value, words, tmp_path: Path):
    with pytest.raises(keys.KeyProblem) as raised:
        keys.server_key("STEMLINK_SECRET_KEY", value, tmp_path / "k")
    assert "STEMLINK_SECRET_KEY" in str(raised.value)
    assert words in str(raised.value)
    assert not (tmp_path / "k").exists()


def test_a_strong_configured_key_is_used_as_given(tmp_path: Path):
    strong = keys.new_key()
    assert keys.server_key("STEMLINK_SECRET_KEY", f"  {strong} ", tmp_path / "k") == strong
    assert not (tmp_path / "k").exists()


def test_key_lists_check_every_key_and_keep_their_order():
    new, old = keys.new_key(), keys.new_key()
    assert keys.key_list("STEMLINK_WEBHOOK_SECRET_KEYS", f"{new}, {old}", ["default"]) == [new, old]
    assert keys.key_list("STEMLINK_WEBHOOK_SECRET_KEYS", None, ["default"]) == ["default"]
    with pytest.raises(keys.KeyProblem, match="STEMLINK_WEBHOOK_SECRET_KEYS is refused: key 2"):
        keys.key_list("STEMLINK_WEBHOOK_SECRET_KEYS", f"{new},short", [])


def test_an_unwritable_var_directory_is_reported_naming_the_variable(tmp_path: Path):
    if os.geteuid() == 0:
        pytest.skip("root writes anywhere")
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    with pytest.raises(keys.KeyProblem, match="STEMLINK_SECRET_KEY is not set"):
        keys.server_key("STEMLINK_SECRET_KEY", None, locked / "stemlink-secret-key")
