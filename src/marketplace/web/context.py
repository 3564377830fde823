"""Template context shared by every page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from marketplace.shop.models import CartLine


def cart_summary(request: HttpRequest) -> dict[str, Any]:
    """The number of lines in the signed-in florist's cart, for the header."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not hasattr(user, "florist"):
        return {"cart_count": 0, "florist": None}
    return {"cart_count": CartLine.objects.filter(florist=user.florist).count(), "florist": user.florist}
