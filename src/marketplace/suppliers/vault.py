"""Encrypt supplier secrets (API tokens, webhook secrets) at rest with Fernet.

The Fernet key is derived from MARKETPLACE_SECRET_KEY, so a copied database alone reveals no token.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


class SecretUnreadable(Exception):
    """A stored secret cannot be decrypted (the secret key changed): it must be entered again."""


def _fernet() -> Fernet:
    digest = hashlib.sha256(b"marketplace-supplier-secrets:" + settings.SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


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
