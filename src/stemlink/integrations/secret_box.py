"""Encrypt partner endpoint secrets at rest.

Stemlink signs every delivery with the endpoint's secret, so unlike an API token (kept only as a
digest) the secret must be recoverable. It is sealed with Fernet under a key derived from
settings (WEBHOOK_SECRET_KEY when set, else SECRET_KEY), so a database dump alone reveals nothing.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

# A fixed context keeps this key distinct from any other use of the same server secret.
_KEY_CONTEXT = b"stemlink/integrations/endpoint-secret/v1"


def _fernet_of(master: str) -> Fernet:
    derived = hashlib.sha256(_KEY_CONTEXT + b"\x00" + master.encode("utf-8")).digest()
    return Fernet(base64.urlsafe_b64encode(derived))


def _fernet() -> MultiFernet:
    return MultiFernet([_fernet_of(str(key)) for key in settings.WEBHOOK_SECRET_KEYS])


def reseal(sealed: str) -> str:
    """Return a stored secret encrypted again under the first key (after a rotation)."""
    return _fernet().rotate(sealed.encode("ascii")).decode("ascii")


def seal_secret(secret: str) -> str:
    """Return the encrypted form of an endpoint secret, for storing."""
    return _fernet().encrypt(secret.encode("utf-8")).decode("ascii")


class SecretUnreadable(Exception):
    """The stored secret cannot be decrypted: the server key changed since it was stored."""


def open_secret(sealed: str) -> str:
    """Return the clear secret from its stored form; raises SecretUnreadable if the key changed."""
    try:
        return _fernet().decrypt(sealed.encode("ascii")).decode("utf-8")
    except (InvalidToken, ValueError) as exc:
        raise SecretUnreadable(
            "the endpoint secret cannot be decrypted (was STEMLINK_SECRET_KEY or "
            "STEMLINK_WEBHOOK_SECRET_KEYS changed without keeping the old key?); "
            "set a new secret for this endpoint"
        ) from exc
