"""Encrypt supplier secrets (API tokens, webhook secrets) at rest with Fernet.

The Fernet keys are derived from settings.VAULT_KEYS (MARKETPLACE_VAULT_KEYS, else the server key and
its fallbacks), so a copied database alone reveals no token. The first key encrypts and every key
decrypts (MultiFernet): a key rotates without losing a token (new key first, old one after it).
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class SecretUnreadable(Exception):
    """A stored secret cannot be decrypted (the secret key changed): it must be entered again."""


def _fernet_of(key: str) -> Fernet:
    digest = hashlib.sha256(b"marketplace-supplier-secrets:" + key.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def _fernet() -> MultiFernet:
    return MultiFernet([_fernet_of(str(key)) for key in settings.VAULT_KEYS])


def reseal(sealed: str) -> str:
    """Return a stored secret encrypted again under the first key (after a rotation)."""
    if not sealed:
        return ""
    return _fernet().rotate(sealed.encode()).decode()


def seal(plain: str) -> str:
    """Encrypt a secret for storage; an empty secret stays empty."""
    if not plain:
        return ""
    return _fernet().encrypt(plain.encode()).decode()


def unseal(sealed: str) -> str:
    """Decrypt a stored secret. Raises SecretUnreadable when the key no longer fits."""
    if not sealed:
        return ""
    try:
        return _fernet().decrypt(sealed.encode()).decode()
    except InvalidToken as exc:
        raise SecretUnreadable("stored secret cannot be decrypted; enter it again") from exc


def hint(plain: str) -> str:
    """Return the last four characters, enough for an operator to tell two tokens apart."""
    return f"…{plain[-4:]}" if len(plain) >= 8 else "…"
