"""Server keys: never built in; generated once into the var directory, or given and checked.

No Django here, so both applications' settings modules use it before Django starts.

- `server_key`: the value of an environment variable when set (refused when known-weak), else a
  random key generated at first start into a file of the var directory (mode 0600, written
  atomically, so several processes starting together agree on one key) and read back after.
- `weak_key_reason`: why a configured key must not be used (the old built-in development keys,
  Django's `django-insecure-` prefix, too short, too few distinct characters).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Iterable
from pathlib import Path

# Django's own deployment check asks for 50 characters.
MIN_KEY_LENGTH = 50
MIN_DISTINCT_CHARACTERS = 12
# The keys that used to be written in the source: whoever has the source has them.
KNOWN_WEAK_KEYS = frozenset(
    {
        "stemlink-dev-only-insecure-key-change-me-0123456789",
        "marketplace-dev-only-insecure-key-change-me-9876543210",
    }
)
_WEAK_MARKERS = ("insecure", "change-me", "changeme", "change_me", "dev-only", "secret-key")
KEY_FILE_MODE = 0o600


class KeyProblem(Exception):
    """A configured key is unusable, or the generated key file cannot be read or written."""


def weak_key_reason(value: str) -> str | None:
    """Return why a key is too weak to sign sessions or encrypt secrets, or None when it will do."""
    if value in KNOWN_WEAK_KEYS:
        return "it is the development key that was published in the source code"
    lowered = value.lower()
    if lowered.startswith("django-insecure"):
        return "it is one of Django's 'django-insecure-' placeholder keys"
    if len(value) < MIN_KEY_LENGTH:
        return f"it is too short ({len(value)} characters; at least {MIN_KEY_LENGTH})"
    if len(set(value)) < MIN_DISTINCT_CHARACTERS:
        return f"it has too few different characters ({len(set(value))}; at least {MIN_DISTINCT_CHARACTERS})"
    for marker in _WEAK_MARKERS:
        if marker in lowered:
            return f"it contains {marker!r}, the mark of a placeholder"
    return None


def new_key() -> str:
    """Return a fresh random key (50 URL-safe characters, about 300 bits)."""
    return secrets.token_urlsafe(50)


def server_key(variable: str, configured: str | None, key_file: Path) -> str:
    """Return the key for `variable`: its configured value, checked, or the generated one kept in `key_file`.

    Raises KeyProblem, naming the variable, for a weak configured key or an unreadable key file.
    """
    if configured is not None and configured.strip():
        reason = weak_key_reason(configured.strip())
        if reason:
            raise KeyProblem(
                f"{variable} is refused: {reason}. Set it to a long random value (for example the "
                "output of `python -c 'import secrets; print(secrets.token_urlsafe(50))'`), or unset "
                f"it to use a key generated once into {key_file}."
            )
        return configured.strip()
    return generated_key(variable, key_file)


def generated_key(variable: str, key_file: Path) -> str:
    """Read the key kept in `key_file`, generating it first (mode 0600) when there is none."""
    try:
        existing = _read(key_file)
        if existing is None:
            _create(key_file)
            existing = _read(key_file)
    except OSError as exc:
        raise KeyProblem(
            f"{variable} is not set and the generated key file {key_file} cannot be used ({exc}); "
            f"set {variable} or make the var directory writable"
        ) from exc
    if existing is None or weak_key_reason(existing):
        raise KeyProblem(
            f"{key_file} does not hold a usable key: delete it to generate a new one, or set {variable}"
        )
    return existing


def _read(key_file: Path) -> str | None:
    try:
        text = key_file.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return None
    if stat.S_IMODE(key_file.stat().st_mode) & 0o077:
        # Readable by others (copied with a loose umask): narrow it, the key stays the same.
        with contextlib.suppress(OSError):
            key_file.chmod(KEY_FILE_MODE)
    return text or None


def _create(key_file: Path) -> None:
    """Write a new key into `key_file` unless another process got there first (then keep theirs)."""
    key_file.parent.mkdir(parents=True, exist_ok=True)
    temporary = key_file.with_name(f".{key_file.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, KEY_FILE_MODE)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(new_key() + "\n")
            out.flush()
            os.fsync(out.fileno())
        # A hard link never replaces an existing file: the first process to link wins, atomically.
        with contextlib.suppress(FileExistsError):
            os.link(temporary, key_file)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()


def key_list(variable: str, configured: str | None, default: Iterable[str]) -> list[str]:
    """Return a comma list of keys (first encrypts, every one decrypts), each checked, or `default`."""
    if configured is None or not configured.strip():
        return list(default)
    keys = [k.strip() for k in configured.split(",") if k.strip()]
    for position, key in enumerate(keys, start=1):
        reason = weak_key_reason(key)
        if reason:
            raise KeyProblem(f"{variable} is refused: key {position} of the list is weak ({reason}).")
    return keys
